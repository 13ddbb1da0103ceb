"""Restricted views: a district operator sees and acts only in its district; an
applicant sees its own unit's space and requests. The UI offers what the role may
do; the services refuse the rest and the refusal is a notification."""

from __future__ import annotations

from sqlmodel import func, select

from govnet.db import read
from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import open_path, settle
from ipam.models import Prefix
from tui.app import GovnetApp
from tui.widgets.form import Choice
from tui.widgets.plan_tree import PlanTree


def _count() -> int:
    with read() as s:
        return s.execute(select(func.count()).select_from(Prefix)).scalar_one()


def _errors(app: GovnetApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def test_district_operator_sees_only_its_district(demo_db: str) -> None:
    app = GovnetApp(as_actor("jinping-ops"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        pool = await open_path(pilot, "公用网络区", "10.80.0.0/13")
        labels = [str(c.label) for c in pool.children]
        assert any("金平区" in x for x in labels)
        assert not any(d in x for x in labels for d in ("龙湖区", "濠江区", "南澳县"))
        screen = app.screen
        assert screen.check_action("delegate", ()) is False  # municipal only: no key
        assert screen.check_action("allocate", ()) is True

        # allocating in the municipal pool itself is refused by the service
        before = _count()
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#owner-field", Choice).select.value = "金平区教育局"
        form.query_one("#size").value = "/28"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("may allocate only inside" in m for m in _errors(app)), _errors(app)
        assert _count() == before
        assert app.screen is form  # the refused form stays, as typed
        await pilot.press("escape")
        await settle(pilot)

        # another district's block cannot even be looked up
        app.clear_notifications()
        await pilot.press("slash", *"10.81.0.0/16", "enter")
        await settle(pilot)
        assert any("no prefix 10.81.0.0/16" in m for m in _errors(app)), _errors(app)


async def test_district_operator_allocates_in_its_block(demo_db: str) -> None:
    app = GovnetApp(as_actor("jinping-ops"), lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        block = await open_path(pilot, "公用网络区", "10.80.0.0/13", "10.80.0.0/16")
        before = len(block.children)
        await pilot.press("n")
        await settle(pilot)
        units = app.screen.query_one("#owner-field", Choice).select._options
        assert {str(label) for label, _v in units} - {"", "请选择"} == {
            "金平区教育局", "金平区卫生健康局", "金平区石炮台街道办事处"}
        app.screen.query_one("#owner-field", Choice).select.value = "金平区石炮台街道办事处"
        app.screen.query_one("#size").value = "/27"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not _errors(app)
        assert len(block.children) == before + 1


async def test_applicant_sees_only_its_unit(demo_db: str) -> None:
    app = GovnetApp(as_actor("edu-applicant"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        tree = app.screen.query_one(PlanTree)
        zone = await open_path(pilot, "公用网络区")
        # the pools themselves are not the applicant's: it sees none of the plan's structure
        assert [str(c.label) for c in zone.children] == []
        for action in ("allocate", "delegate", "reserve", "release", "applications"):
            assert app.screen.check_action(action, ()) is False
        assert tree.root.children  # the zones are listed
        await pilot.press("slash", *"10.87.0.0/23", "enter")  # its own unit's LAN
        await settle(pilot)
        assert not _errors(app)
        assert app.screen.detail_node.prefix["owner"] == "市教育局"  # type: ignore[attr-defined]
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one("#requests").row_count == 0  # type: ignore[attr-defined]
