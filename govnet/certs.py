"""X.509 client certificates as credentials (Art. 36: unified digital certificates).

The TLS handshake has already verified the certificate against the configured CA
when it reaches here; this module only maps it to a govnet user. A user's
``cert_subject`` is matched against the names the certificate carries: its full
subject in RFC 4514 form (``CN=jinping-ops,O=Shantou``), each common name alone
(``CN=jinping-ops``) and each subject alternative name (``DNS:…``, ``email:…``,
``URI:…``).
"""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.x509.oid import NameOID
from sqlmodel import Session, col, select

from govnet.auth import Actor, load_actor
from govnet.errors import InvalidInput
from govnet.models import User
from govnet.tokens import TokenRefused

_SUBJECT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9.]*=[^\x00-\x1f]+|(?:DNS|email|URI):[^\x00-\x1f\s]+)$")


def check_subject(value: str) -> str:
    """A ``--cert-subject`` as typed: ``CN=…`` (or a full DN), or ``DNS:``/``email:``/``URI:``.

    >>> check_subject(" CN=jinping-ops ")
    'CN=jinping-ops'
    """
    value = value.strip()
    if len(value) > 255 or not _SUBJECT.match(value):
        raise InvalidInput(f"--cert-subject {value!r}: give CN=NAME (or a full subject such as "
                           "CN=NAME,O=ORG), or DNS:NAME, email:ADDR, URI:URI")
    return value


def names_of(cert: x509.Certificate) -> list[str]:
    """Every name a certificate may be known by, as ``cert_subject`` spells them."""
    names = [cert.subject.rfc4514_string()]
    names += [f"CN={_text(a.value)}"
              for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        names += [f"DNS:{n}" for n in san.get_values_for_type(x509.DNSName)]
        names += [f"email:{n}" for n in san.get_values_for_type(x509.RFC822Name)]
        names += [f"URI:{n}" for n in san.get_values_for_type(x509.UniformResourceIdentifier)]
    return list(dict.fromkeys(names))


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode(errors="replace")


def load_pem(pem: str | bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def actor_for(session: Session, cert: x509.Certificate) -> Actor:
    """The user a verified client certificate maps to; refused when none (or several) do."""
    names = names_of(cert)
    users = list(session.exec(select(User).where(col(User.cert_subject).in_(names))))
    if not users:
        raise TokenRefused(f"no govnet user has the client certificate {names[0]!r}: an admin "
                           "maps it with 'govnet user add NAME --role ROLE --cert-subject "
                           f"\"{names[1] if len(names) > 1 else names[0]}\"'")
    if len(users) > 1:
        raise TokenRefused(f"the client certificate {names[0]!r} maps to several users "
                           f"({', '.join(u.name for u in users)}); give each its own certificate")
    return load_actor(session, users[0].name)
