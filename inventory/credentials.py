"""Device credential references: parsed when stored, resolved only at connect time.

The inventory stores a *reference*, never a secret:

* ``[USER@]env:VAR`` — the password is in environment variable ``VAR``;
* ``keyring:SERVICE/USER`` — the password is in the OS keyring (``keyring``);
* ``[USER@]key:PATH`` — an SSH private key file.

Without ``USER@`` the user is ``$GOVNET_DEVICE_USER``, else ``govnet``.
:func:`resolve` reads the secret when a driver is about to connect; the
:class:`Credentials` it returns never shows the password in its repr, and
errors name the reference, never the secret.

Examples:
    >>> str(parse("admin@env:CORE_PW"))
    'admin@env:CORE_PW'
    >>> parse("keyring:govnet-core/netops").username
    'netops'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from govnet.errors import DeviceError, InvalidInput
from inventory.drivers.base import ConnectionTarget

Kind = Literal["env", "keyring", "key"]
DEFAULT_USER = "govnet"

_USER = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_FORMS: dict[str, re.Pattern[str]] = {
    "env": re.compile(rf"(?:(?P<user>{_USER})@)?env:(?P<name>[A-Za-z_][A-Za-z0-9_]*)"),
    "keyring": re.compile(rf"keyring:(?P<name>[^/\s]+)/(?P<user>{_USER})"),
    "key": re.compile(rf"(?:(?P<user>{_USER})@)?key:(?P<name>\S.*)"),
}
_SYNTAX = "expected [USER@]env:VAR, keyring:SERVICE/USER or [USER@]key:PATH"


@dataclass(frozen=True)
class CredentialRef:
    """A parsed reference: where the secret lives, and the user if given."""

    kind: Kind
    name: str  # the variable, keyring service, or key file path
    username: str | None = None

    def __str__(self) -> str:
        if self.kind == "keyring":
            return f"keyring:{self.name}/{self.username}"
        user = f"{self.username}@" if self.username else ""
        return f"{user}{self.kind}:{self.name}"


@dataclass(frozen=True, repr=False)
class Credentials:
    """A resolved login. Lives only for a connection; never stored or logged."""

    username: str
    password: str | None = None
    key_file: str | None = None

    def __repr__(self) -> str:
        secret = "'***'" if self.password is not None else "None"
        return (f"Credentials(username={self.username!r}, password={secret}, "
                f"key_file={self.key_file!r})")


def parse(ref: str) -> CredentialRef:
    """Check a reference's syntax (what the inventory stores)."""
    text = ref.strip()
    for kind, pattern in _FORMS.items():
        m = pattern.fullmatch(text)
        if m:
            return CredentialRef(kind=kind, name=m["name"], username=m["user"])  # type: ignore[arg-type]
    raise InvalidInput(f"credential reference {ref!r} is not valid: {_SYNTAX}")


def default_user(environ: Mapping[str, str] | None = None) -> str:
    """The device user when a reference names none."""
    env = os.environ if environ is None else environ
    return env.get("GOVNET_DEVICE_USER") or DEFAULT_USER


def resolve(ref: str | CredentialRef, environ: Mapping[str, str] | None = None) -> Credentials:
    """Read the secret a reference points to; DeviceError if it is not there."""
    cred = parse(ref) if isinstance(ref, str) else ref
    env = os.environ if environ is None else environ
    user = cred.username or default_user(env)
    if cred.kind == "env":
        password = env.get(cred.name)
        if not password:
            state = "is empty" if password == "" else "is not set"
            raise DeviceError(f"credential {cred}: environment variable {cred.name} {state}")
        return Credentials(user, password=password)
    if cred.kind == "keyring":
        return Credentials(user, password=_from_keyring(cred))
    path = Path(cred.name).expanduser()
    if not path.is_file() or not os.access(path, os.R_OK):
        raise DeviceError(f"credential {cred}: key file {path} does not exist or is not readable")
    return Credentials(user, key_file=str(path))


def _from_keyring(cred: CredentialRef) -> str:
    import keyring
    from keyring.errors import KeyringError

    try:
        password = keyring.get_password(cred.name, cred.username or "")
    except KeyringError as exc:
        raise DeviceError(f"credential {cred}: keyring unavailable: {exc}") from exc
    if password is None:
        raise DeviceError(f"credential {cred}: no password in the keyring for service "
                          f"{cred.name!r}, user {cred.username!r}")
    return password


def target_for(name: str, platform: str, host: str, port: int = 22,
               credential: str | CredentialRef | None = None, *, demo: bool = False,
               timeout: float = 10.0, environ: Mapping[str, str] | None = None,
               ) -> ConnectionTarget:
    """The ConnectionTarget of one device, credentials resolved now.

    A demo device's credential is not resolved: it is never contacted, and the
    driver refuses it before any packet leaves.
    """
    creds = (Credentials(default_user(environ)) if credential is None or demo
             else resolve(credential, environ))
    return ConnectionTarget(name=name, platform=platform, host=host, port=port,
                            username=creds.username, password=creds.password,
                            key_file=creds.key_file, demo=demo, timeout=timeout)
