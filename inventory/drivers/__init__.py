"""Platform drivers, registered by slug.

``get_driver("frr")`` returns the driver class; ``PLATFORMS`` lists the slugs
(the UI's platform choices come from here).
"""

from __future__ import annotations

import threading

from govnet.errors import InvalidInput
from inventory.drivers.base import Checkpoint, ConnectionTarget, Driver, InterfaceInfo

_REGISTRY: dict[str, type[Driver]] = {}
#: The built-in driver of each platform: its configuration rules are the platform's,
#: whatever driver a test registers in its place.
_BUILTIN: dict[str, type[Driver]] = {}


def register(cls: type[Driver]) -> type[Driver]:
    """Class decorator: make ``cls`` the driver of ``cls.platform``."""
    _REGISTRY[cls.platform] = cls
    if cls.__module__.startswith(f"{__name__}."):
        _BUILTIN[cls.platform] = cls
    return cls


_loaded = False
_loading = threading.RLock()


def _load_builtin() -> None:
    """Import every driver module once (their @register decorators fill the registry).

    A flag, not "is the registry empty": importing one driver module directly must not
    hide the others. Thread-safe: parallel first use (``inventory check A B C``,
    ``compliance scan``, parallel provisioning) waits for the imports to finish, and the
    flag is set only once they have; a failed import leaves it unset (the next call
    retries and raises the same error).
    """
    global _loaded
    if _loaded:
        return
    with _loading:
        if _loaded:
            return
        import importlib
        import pkgutil

        for mod in pkgutil.iter_modules(__path__):
            if mod.name not in {"base"} and not mod.name.startswith("_"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True


def get_driver(platform: str) -> type[Driver]:
    """The driver class for a platform slug."""
    _load_builtin()
    try:
        return _REGISTRY[platform]
    except KeyError:
        raise InvalidInput(
            f"unknown platform {platform!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def rules_driver(platform: str) -> type[Driver]:
    """The built-in driver class of ``platform``: it holds the platform's one rule set
    (``config_rules``, ``hconfig_driver()``, ``parse``) that ``access.diffing`` uses."""
    _load_builtin()
    try:
        return _BUILTIN[platform]
    except KeyError:
        raise InvalidInput(
            f"unknown platform {platform!r}; known: {', '.join(sorted(_BUILTIN))}"
        ) from None


def platforms() -> list[str]:
    """All registered platform slugs, sorted."""
    _load_builtin()
    return sorted(_REGISTRY)


__all__ = ["Checkpoint", "ConnectionTarget", "Driver", "InterfaceInfo", "get_driver",
           "platforms", "register", "rules_driver"]
