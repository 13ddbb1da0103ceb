"""Names and numbers that go into device configuration as one token.

Shared by the address plan (a zone's device VRF name, RD and RT) and access
rendering (ACL names, route labels), so both validate the same way.

Examples:
    >>> check_rd("65000:010", "rd")
    '65000:10'
    >>> check_identifier("ZW-EDU", "vrf")
    'ZW-EDU'
"""

from __future__ import annotations

import re

from govnet.errors import InvalidInput

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,29}")  # VRF, ACL name, route label
_RD = re.compile(r"(\d{1,10}):(\d{1,10})")


def check_identifier(value: object, field: str) -> str:
    """A name that goes into config as one token (VRF, ACL name, label)."""
    if not isinstance(value, str) or not _IDENT.fullmatch(value):
        raise InvalidInput(
            f"{field}: {value!r} is not a valid name (a letter, then up to 29 letters, "
            "digits, '-' or '_')")
    return value


def check_rd(value: object, field: str) -> str:
    """A route distinguisher / route target in ``ASN:NN`` form."""
    m = _RD.fullmatch(value) if isinstance(value, str) else None
    if not m:
        raise InvalidInput(f"{field}: {value!r} is not ASN:NN (e.g. 65000:100)")
    asn, nn = int(m[1]), int(m[2])
    if not (1 <= asn <= 0xFFFFFFFF) or nn > (0xFFFFFFFF if asn <= 0xFFFF else 0xFFFF):
        raise InvalidInput(f"{field}: {value!r} is out of range for ASN:NN")
    return f"{asn}:{nn}"
