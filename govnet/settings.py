"""Settings from the environment, read once per process (``settings()``).

``GOVNET_DB``      SQLAlchemy URL; default: a SQLite file in the XDG data dir.
``GOVNET_USER``    the user to act as when ``--as`` is not given (honoured only for an
                   admin login or root: see ``govnet.identity``); else the login name.
``GOVNET_LANG``    ``zh_CN`` or ``en``; else taken from the locale.
``GOVNET_INTERCONNECT_PREFIXLEN``  30 or 31 (IPv4 interconnects).
``GOVNET_INTERCONNECT6_PREFIXLEN``  126 or 127 (IPv6 interconnects; default 96 + the IPv4 one).
``GOVNET_QUARANTINE_DAYS``  default quarantine of a released block (30).
"""

from __future__ import annotations

import getpass
import locale
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from govnet.errors import InvalidInput


@dataclass(frozen=True)
class Settings:
    db_url: str
    user: str
    lang: str
    interconnect_prefixlen: int
    quarantine_days: int
    interconnect6_prefixlen: int = 127


def default_db_url() -> str:
    from platformdirs import user_data_dir  # only when GOVNET_DB is not set

    path = Path(user_data_dir("govnet")) / "govnet.db"
    return f"sqlite:///{path}"


def _lang() -> str:
    raw = os.environ.get("GOVNET_LANG") or (locale.getlocale()[0] or os.environ.get("LANG", ""))
    return "zh_CN" if raw.lower().startswith("zh") else "en"


def _int_env(name: str, default: int, allowed: range | tuple[int, ...]) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name}={raw!r} is not a whole number") from None
    if value not in allowed:
        raise InvalidInput(f"{name}={value} is out of range")
    return value


@cache
def settings() -> Settings:
    """The process-wide settings (tests call ``settings.cache_clear()``)."""
    link4 = _int_env("GOVNET_INTERCONNECT_PREFIXLEN", 31, (30, 31))
    return Settings(
        db_url=os.environ.get("GOVNET_DB") or default_db_url(),
        user=os.environ.get("GOVNET_USER") or getpass.getuser(),
        lang=_lang(),
        interconnect_prefixlen=link4,
        quarantine_days=_int_env("GOVNET_QUARANTINE_DAYS", 30, range(0, 3651)),
        interconnect6_prefixlen=_int_env("GOVNET_INTERCONNECT6_PREFIXLEN", 96 + link4,
                                         (126, 127)),
    )
