"""Who the local command line (and the TUI it opens) acts for.

The local CLI is the tool of the server's operators: whoever runs it can open the
database. The acting user is the OS login, mapped to the govnet user of the same
name. ``--as NAME`` / ``GOVNET_USER`` pick another user only when that login is a
govnet ``admin``, or the process runs as root (uid 0), who could edit the database
file anyway. Everyone else (district agencies, automation) comes in through the
network API with a token or a client certificate: the API is the trust boundary.

Tests replace :data:`os_login` (they run as root), e.g.
``monkeypatch.setattr(identity, "os_login", lambda: Login("zhang", 1000))``.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from govnet import tables
from govnet.errors import NotPermitted
from govnet.prepared import Bind, Prepared
from govnet.roles import Role


@dataclass(frozen=True)
class Login:
    """The operating-system account running this process."""

    name: str
    uid: int

    @property
    def is_root(self) -> bool:
        return self.uid == 0


def _os_login() -> Login:
    return Login(getpass.getuser(), os.geteuid())


#: The OS login of this process; replaceable so tests can be someone other than root.
os_login: Callable[[], Login] = _os_login


def requested(flag: str | None) -> str | None:
    """The user asked for by ``--as`` (``flag``), else ``GOVNET_USER``, else None."""
    return flag or os.environ.get("GOVNET_USER") or None


_U = tables.govnet_user
_ANY_USER = Prepared(select(_U.c.id).limit(1))
_ROLE_OF = Prepared(select(_U.c.role).where(_U.c.name == bindparam("name")))


def has_users(session: Bind) -> bool:
    return _ANY_USER.first(session) is not None


def is_admin(session: Bind, name: str) -> bool:
    user = _ROLE_OF.first(session, {"name": name})
    return user is not None and user.role == Role.admin.value


def resolve(session: Bind, asked: str | None) -> str:
    """The govnet user name this process acts as; NotPermitted if ``asked`` is not allowed.

    The login itself always; another name only for root or an admin login.
    """
    login = os_login()
    if asked is None or asked == login.name:
        return login.name
    if login.is_root or is_admin(session, login.name):
        return asked
    raise NotPermitted(
        f"{login.name} may not act as {asked!r}: --as and GOVNET_USER are honoured only "
        "for a govnet admin login (or root); others act as their own login or use the API")
