"""Snapshots of every screen in Chinese and English at 140×40 (cursor blink frozen),
and the restricted views of a district operator and an applicant.

Update after a deliberate change with ``pytest govnet_tests/tui --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import open_path, settle, until
from tui.app import GovnetApp

LANGS = ["zh_CN", "en"]
Steps = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture(autouse=True)
def frozen_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text cursor stays on: a blink must not decide a snapshot."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


def go(*keys: str, then: Steps | None = None) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)
    return steps


async def plan_block(pilot: Pilot[None]) -> None:
    node = await open_path(pilot, "公用网络区", "10.80.0.0/13", "10.80.0.0/16")
    pilot.app.screen.query_one("PlanTree").move_cursor(node.children[0])  # type: ignore[attr-defined]


async def verify(pilot: Pilot[None]) -> None:
    await pilot.press("v")
    await settle(pilot)
    pilot.app.clear_notifications()


async def diff(pilot: Pilot[None]) -> None:
    await pilot.press("d")


def snap(snap_compare: Any, user: str, lang: str, steps: Steps) -> bool:
    app = GovnetApp(as_actor(user), lang=lang)
    return bool(snap_compare(app, terminal_size=SIZE, run_before=steps))


async def events_sized(pilot: Pilot[None]) -> None:
    """The latest events are in and their columns measured (a loaded machine once took the
    picture between the rows' arrival and the table's re-measure: timestamps cut to 4)."""
    table = pilot.app.screen.query_one("#events", DataTable)
    await until(pilot, lambda: table.row_count > 0
                and table.columns["col.time"].content_width >= len("2026-03-01 09:30:00"))


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard(demo_db: str, snap_compare: Any, lang: str) -> None:
    assert snap(snap_compare, "admin", lang, go(then=events_sized))


@pytest.mark.parametrize("lang", LANGS)
def test_plan(demo_db: str, snap_compare: Any, lang: str) -> None:
    assert snap(snap_compare, "admin", lang, go("2", then=plan_block))


@pytest.mark.parametrize("lang", LANGS)
def test_requests(demo_db: str, snap_compare: Any, lang: str) -> None:
    assert snap(snap_compare, "authority", lang, go("3"))


@pytest.mark.parametrize("lang", LANGS)
def test_devices(demo_db: str, snap_compare: Any, lang: str) -> None:
    assert snap(snap_compare, "admin", lang, go("4", then=diff))


@pytest.mark.parametrize("lang", LANGS)
def test_audit(demo_db: str, snap_compare: Any, lang: str) -> None:
    assert snap(snap_compare, "auditor", lang, go("5", then=verify))


@pytest.mark.parametrize("lang", LANGS)
def test_compliance(demo_db: str, snap_compare: Any, lang: str) -> None:
    assert snap(snap_compare, "authority", lang, go("6"))


def test_help(demo_db: str, snap_compare: Any) -> None:
    assert snap(snap_compare, "admin", "en", go("2", "question_mark"))


def test_allocate_form(demo_db: str, snap_compare: Any) -> None:
    async def form(pilot: Pilot[None]) -> None:
        await plan_block(pilot)
        await settle(pilot)
        await pilot.press("up")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab", "tab", *"/33")  # "/33" in the hosts field: says what is wrong

    assert snap(snap_compare, "admin", "zh_CN", go("2", then=form))


def test_district_operator_plan(demo_db: str, snap_compare: Any) -> None:
    """jinping-ops sees the pools and only 金平区's blocks; no delegate key."""
    async def steps(pilot: Pilot[None]) -> None:
        await open_path(pilot, "公用网络区", "10.80.0.0/13")

    assert snap(snap_compare, "jinping-ops", "zh_CN", go("2", then=steps))


def test_applicant_requests(demo_db: str, snap_compare: Any) -> None:
    """edu-applicant sees no other unit's request and no decision keys."""
    async def steps(pilot: Pilot[None]) -> None:
        assert pilot.app.screen.query_one("#requests", DataTable).row_count == 0

    assert snap(snap_compare, "edu-applicant", "zh_CN", go("3", then=steps))


def test_provision_dry_run(demo_db: str, snap_compare: Any) -> None:
    """The dry-run diff, before anything is written (the device is a demo one)."""
    from access import workflow
    from govnet.db import transaction

    with transaction() as s:
        workflow.approve(s, as_actor("authority"), 1, doc="SZW-2026-1")

    async def ready(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: getattr(pilot.app.screen, "ready", False))

    assert snap(snap_compare, "jinping-ops", "zh_CN", go("3", "p", then=ready))
