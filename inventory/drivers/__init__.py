"""Platform drivers, registered by slug.

``get_driver("frr")`` returns the driver class; ``PLATFORMS`` lists the slugs
(the UI's platform choices come from here).
"""

from __future__ import annotations

from govnet.errors import InvalidInput
from inventory.drivers.base import Checkpoint, ConnectionTarget, Driver, InterfaceInfo

_REGISTRY: dict[str, type[Driver]] = {}


def register(cls: type[Driver]) -> type[Driver]:
    """Class decorator: make ``cls`` the driver of ``cls.platform``."""
    _REGISTRY[cls.platform] = cls
    return cls


_loaded = False


def _load_builtin() -> None:
    """Import every driver module once (their @register decorators fill the registry).

    A flag, not "is the registry empty": importing one driver module directly must not
    hide the others.
    """
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib
    import pkgutil

    for mod in pkgutil.iter_modules(__path__):
        if mod.name not in {"base"} and not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")


def get_driver(platform: str) -> type[Driver]:
    """The driver class for a platform slug."""
    _load_builtin()
    try:
        return _REGISTRY[platform]
    except KeyError:
        raise InvalidInput(
            f"unknown platform {platform!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def platforms() -> list[str]:
    """All registered platform slugs, sorted."""
    _load_builtin()
    return sorted(_REGISTRY)


__all__ = ["Checkpoint", "ConnectionTarget", "Driver", "InterfaceInfo", "get_driver",
           "platforms", "register"]
