"""TUI fixtures: the Shantou demo seeded once at a fixed clock, copied per test.

The clock is fixed while seeding so audit times and hashes are the same on every
run (snapshots compare them). Every test runs the app at 140×40.
"""

from __future__ import annotations

import asyncio
import inspect
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from govnet import db as gdb
from govnet.auth import Actor, load_actor
from govnet.settings import settings
from govnet_tests.tui.world import add_world

SIZE = (140, 40)
FIXED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Pilot) in a fresh event loop; no plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return FIXED if tz else FIXED.replace(tzinfo=None)


def _freeze(monkeypatch: pytest.MonkeyPatch) -> None:
    """``govnet.clock.utcnow`` (also behind every ``default_factory``) and every
    module's own ``utcnow`` return the fixed instant."""
    import govnet.clock

    monkeypatch.setattr(govnet.clock, "datetime", _Frozen)
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in {"govnet", "ipam", "access", "inventory"} and \
                hasattr(module, "utcnow"):
            monkeypatch.setattr(module, "utcnow", lambda: FIXED)


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from govnet import demo

    path = tmp_path_factory.mktemp("tui-demo") / "govnet.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVNET_DB", url)
        settings.cache_clear()
        import access.workflow  # noqa: F401  (so their utcnow is frozen too)
        import inventory.service  # noqa: F401
        import ipam.applications  # noqa: F401
        _freeze(mp)
        with gdb.transaction(url) as s:
            demo.seed(s, admin="admin", operations=False)  # the world adds its own
        with gdb.transaction(url) as s:
            add_world(s, FIXED)
    gdb.dispose_all()
    settings.cache_clear()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[str]:
    path = tmp_path / "govnet.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("GOVNET_DB", url)
    monkeypatch.setenv("GOVNET_USER", "admin")
    monkeypatch.delenv("GOVNET_LANG", raising=False)
    settings.cache_clear()
    gdb.dispose_all()
    _freeze(monkeypatch)
    yield url
    gdb.dispose_all()


def as_actor(name: str) -> Actor:
    with gdb.read() as s:
        return load_actor(s, name)
