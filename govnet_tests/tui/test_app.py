"""The app as a whole: palette, help, audit search and verification, block
applications, errors as notifications, and a dashboard that never contacts a device."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static

from govnet.db import read
from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import open_path, settle
from ipam.models import BlockApplication
from tui.app import GovnetApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen


async def test_palette_runs_a_screen_action(demo_db: str) -> None:
    app = GovnetApp(as_actor("auditor"), lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"verify")  # the action's name finds the Chinese command too
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        status = app.screen.query_one("#verify", Static)
        assert "审计链完整" in str(status.render())


async def test_help_lists_screen_keys(demo_db: str) -> None:
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.keys()
        cells = [str(c) for col in keys.columns for c in col._cells]
        assert "Allocate" in cells and "Release" in cells and "Focus Next" not in cells
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_audit_search(demo_db: str) -> None:
    app = GovnetApp(as_actor("auditor"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one("#events", DataTable)
        everything = table.row_count
        await pilot.press("slash", *"lh-agg-1", "enter")
        await settle(pilot)
        assert 0 < table.row_count < everything
        assert all("lh-agg-1" in str(table.get_row_at(i)[4]) for i in range(table.row_count))


async def test_block_application_approved(demo_db: str) -> None:
    app = GovnetApp(as_actor("city-ops"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("o")  # approve the first pending application (金平区, /20)
        await settle(pilot)
        with read() as s:
            first = s.get(BlockApplication, 1)
            assert first is not None and first.status == "approved"
        await pilot.press("escape")
        await settle(pilot)
        pool = await open_path(pilot, "公用网络区", "10.80.0.0/13")
        assert sum("金平区" in str(c.label) for c in pool.children) == 2


async def test_conflict_is_a_notification(demo_db: str) -> None:
    """Reserving a taken block: the service's message, severity error, nothing changed."""
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await open_path(pilot, "公用网络区", "10.80.0.0/13")
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#cidr").value = "10.87.0.0/23"  # type: ignore[attr-defined]
        app.screen.query_one("#reason").value = "test"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "10.87.0.0/23" in errors[0].message
        assert "allocated" in errors[0].message
        assert app.is_running


async def test_dashboard_never_contacts_devices(demo_db: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import inventory.connect

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the dashboard contacted a device")

    for name in ("open_driver", "on_devices"):
        monkeypatch.setattr(inventory.connect, name, refuse)
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not [n for n in app._notifications if n.severity == "error"]
        data = app.screen.data  # type: ignore[attr-defined]
        assert data.devices == {"reachable": 1, "unreachable": 1, "unchecked": 0}
        assert data.requests == {"submitted": 1}


async def test_compliance_acknowledge(demo_db: str) -> None:
    from compliance.models import Finding

    app = GovnetApp(as_actor("jinping-ops"), lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert app.screen.query_one("#findings", DataTable).row_count == 1
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        with read() as s:
            finding = s.get(Finding, 1)
            assert finding is not None and finding.state == "acknowledged"
            assert finding.acknowledged_by == "jinping-ops"
    app = GovnetApp(as_actor("longhu-ops"), lang="en")  # another district sees nothing
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert app.screen.query_one("#findings", DataTable).row_count == 0
