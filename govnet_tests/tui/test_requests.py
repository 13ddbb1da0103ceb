"""Connection requests through the TUI: submit → return (Art. 10) → correct → approve,
each step by the role that does it, and what an applicant may not do."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input, SelectionList, TextArea

from access.models import ConnectionRequest
from govnet.db import read
from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import settle
from tui.app import GovnetApp


def _request() -> ConnectionRequest:
    with read() as s:
        rows = list(s.exec(select(ConnectionRequest).order_by(ConnectionRequest.id)))
        assert rows, "no request"
        return rows[-1]


async def _open(name: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    return GovnetApp(as_actor(name), lang=lang)


async def test_submit_return_correct_approve(demo_db: str) -> None:
    # the unit applies, without its written application reference
    app = await _open("edu-applicant")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#zones", SelectionList).select("公用网络区")
        form.query_one("#hosts", Input).focus()
        await pilot.press(*"50")
        form.query_one("#site", Input).value = "汕头市金平区教育路 1 号"
        form.query_one("#contact", Input).value = "张老师 0754-88888888"
        form.query_one("#purpose", Input).value = "教育局办公网接入"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not form.is_attached
        assert _request().state == "submitted"
        assert app.screen.query_one("#requests", DataTable).row_count == 1

    # the authority finds it (search as you type) and returns it once, listing what is missing
    app = await _open("authority", "zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert table.row_count == 2
        await pilot.press("slash", *"市教育局", "enter")
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#missing", TextArea).text = "单位盖章的书面申请\n网络安全责任书"
        await pilot.press("ctrl+s")
        await settle(pilot)
        request = _request()
        assert request.state == "returned"
        assert request.returned_items == ["单位盖章的书面申请", "网络安全责任书"]

    # the unit corrects it (the form comes pre-filled, the missing items shown)
    app = await _open("edu-applicant")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#site", Input).value == "汕头市金平区教育路 1 号"
        form.query_one("#application_doc", Input).focus()
        await pilot.press(*"EDU-2026-7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        request = _request()
        assert request.state == "submitted" and request.application_doc == "EDU-2026-7"

    # the authority approves it with the approval document number
    app = await _open("authority")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("f", "enter")  # the state filter: only submitted requests …
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # … (after "all states", "draft")
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [
            "金平区卫生健康局", "市教育局"]
        table.focus()
        await pilot.press("down", "o")
        await settle(pilot)
        await pilot.press(*"SZW-2026-12", "enter")
        await settle(pilot)
        request = _request()
        assert request.state == "approved" and request.approval_doc == "SZW-2026-12"


async def test_applicant_cannot_decide(demo_db: str) -> None:
    """An applicant has no return/approve keys; the service refuses anyway."""
    app = await _open("edu-applicant")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert screen.check_action("approve", ()) is False
        assert screen.check_action("submit", ()) is True
        await pilot.press("o")  # hidden action: nothing opens
        await settle(pilot)
        assert app.screen is screen
