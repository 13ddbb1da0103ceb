"""Provisioning from the Requests screen: the dry-run diff first, then the live job.

The world's device is a demo device: the dry run compares with an empty config
without contacting it, and the live run is refused before any packet leaves — the
job log and the request say so. (Pushes to real routers are the lab's tests.)
"""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Button

from access import workflow
from access.models import ConnectionRequest, Job
from govnet.db import read, transaction
from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import settle, until
from tui.app import GovnetApp
from tui.screens.provision import ProvisionScreen


async def test_dry_run_then_live_job(demo_db: str) -> None:
    with transaction() as s:
        workflow.approve(s, as_actor("authority"), 1, doc="SZW-2026-1")
    app = GovnetApp(as_actor("jinping-ops"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProvisionScreen) and app.screen.ready)
        screen = app.screen
        assert isinstance(screen, ProvisionScreen)
        text = "\n".join(screen.transcript)
        assert "Dry run: the change for jp-agg-1" in text
        assert "+ interface GigabitEthernet0/0/1." in text and "not contacted" in text
        with read() as s:  # the dry run changed nothing
            assert s.get(ConnectionRequest, 1).state == "approved"  # type: ignore[union-attr]

        await pilot.press("r")
        await until(pilot, lambda: screen.final is not None)
        text = "\n".join(screen.transcript)
        assert "[failed] connect" in text and "demo device" in text
        assert screen.final == "failed"
        with read() as s:
            assert s.get(ConnectionRequest, 1).state == "failed"  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot)
        assert str(app.screen.query_one("#requests").get_row_at(0)[3]) == "failed"  # type: ignore[attr-defined]


async def test_failed_dry_run_says_why(demo_db: str) -> None:
    """A dry run the service refuses (here: not approved yet) shows its error in the
    dialog instead of "Loading…" forever."""
    app = GovnetApp(as_actor("jinping-ops"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProvisionScreen)
                    and any("Failed" in line for line in app.screen.transcript))
        screen = app.screen
        assert isinstance(screen, ProvisionScreen)
        text = "\n".join(screen.transcript)
        assert "Loading" not in text and "connection request 1" in text
        assert not screen.ready


async def test_enter_on_the_preview_closes_it_and_pushes_nothing(demo_db: str) -> None:
    """The preview opens with "close" focused: an Enter typed on (e.g. the one that
    opened a row) closes it; no job is created and the request stays approved."""
    with transaction() as s:
        workflow.approve(s, as_actor("authority"), 1, doc="SZW-2026-1")
    app = GovnetApp(as_actor("jinping-ops"), lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProvisionScreen) and app.screen.ready)
        screen = app.screen
        assert isinstance(screen, ProvisionScreen)
        focused = app.focused
        assert isinstance(focused, Button) and focused.id == "close"
        assert not screen.query_one("#run", Button).disabled  # running stays possible

        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ProvisionScreen) and screen.final is None
        with read() as s:
            assert s.exec(select(Job).where(Job.request_id == 1)).first() is None
            assert s.get(ConnectionRequest, 1).state == "approved"  # type: ignore[union-attr]
