"""Forms as a user types them: Enter submits once, a refusal keeps what was typed and
says why in the form, the form fits a 100×30 terminal."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Button, Input, Static, TextArea

from access.models import ConnectionRequest
from govnet.db import read
from govnet.models import AuditEvent
from govnet_tests.tui.conftest import as_actor
from govnet_tests.tui.pilot import settle
from tui.app import GovnetApp
from tui.screens.dialogs import FormScreen
from tui.screens.request_forms import ReturnForm

SMALL = (100, 30)


def _returns() -> list[AuditEvent]:
    with read() as s:
        return [e for e in s.exec(select(AuditEvent)) if e.action.endswith("return")]


async def test_return_enter_in_days_refused_then_saved_once(demo_db: str) -> None:
    """Enter in "days": a refused value keeps the form and its text; corrected, the return
    is saved once and the app keeps running (it used to dismiss twice and crash)."""
    app = GovnetApp(as_actor("authority"), lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReturnForm)
        await pilot.press(*"stamped application")
        days = form.query_one("#days", Input)
        days.focus()
        days.value = "999"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and app.is_running
        said = str(form.query_one("#form-error", Static).render())
        assert "999" in said and "365" in said
        assert form.query_one("#missing", TextArea).text == "stamped application"
        assert days.value == "999"
        with read() as s:
            assert s.get(ConnectionRequest, 1).state == "submitted"  # type: ignore[union-attr]

        days.value = "10"
        await pilot.press("enter", "enter")  # an impatient second Enter changes nothing
        await settle(pilot)
        assert app.is_running and not form.is_attached
        with read() as s:
            request = s.get(ConnectionRequest, 1)
            assert request is not None and request.state == "returned"
            assert request.returned_items == ["stamped application"]
        assert len(_returns()) == 1
        assert any("returned" in n.message for n in app._notifications)


async def test_form_buttons_visible_at_100x30(demo_db: str) -> None:
    """The longest form (a correction, with the returned items listed) shows its buttons."""
    from access import workflow
    from govnet.db import transaction

    with transaction() as s:
        workflow.return_request(s, as_actor("authority"), 1,
                                missing=["单位盖章的书面申请", "网络安全责任书"])
    app = GovnetApp(as_actor("admin"), lang="zh_CN")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        dialog = form.query_one(".dialog").region
        for name in ("submit", "cancel"):
            region = form.query_one(f"#{name}", Button).region
            assert region.height > 0 and region.bottom <= min(SMALL[1], dialog.bottom), \
                (name, region, dialog)


@pytest.mark.parametrize("screen_key,field,typed", [("2", "#goto", "10.80.1.5"),
                                                     ("3", "#search", "0754-2")])
async def test_digits_type_into_a_search_box(demo_db: str, screen_key: str, field: str,
                                             typed: str) -> None:
    """`1`–`6` switch screens, except while a text field has the focus: then they are text
    (the plan's address search and the requests' search alike)."""
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press(screen_key)
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", *typed)
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one(field, Input).value == typed


async def test_service_refusal_and_audit_actions_in_chinese(demo_db: str) -> None:
    """In zh_CN the service's refusal is shown in Chinese, and so are audit actions."""
    from textual.widgets import DataTable

    app = GovnetApp(as_actor("authority"), lang="zh_CN")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        await pilot.press(*"stamped")
        days = form.query_one("#days", Input)
        days.focus()
        days.value = "999"
        await pilot.press("enter")
        await settle(pilot)
        assert "补正期限应为 1–365 天" in str(form.query_one("#form-error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one("#events", DataTable)
        actions = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert "申请·提交" in actions, actions
