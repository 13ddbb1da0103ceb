"""The address plan driven as a user would: allocate, release, scope of a district."""

from __future__ import annotations

from sqlmodel import select

from govnet.db import read
from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import open_path, settle
from ipam.models import Prefix
from tui.app import GovnetApp
from tui.widgets.form import Choice
from tui.widgets.plan_tree import PlanTree


def _status(cidr: str) -> str | None:
    with read() as s:
        row = s.scalars(select(Prefix).where(Prefix.cidr == cidr)).first()
        return row.status if row else None


async def test_allocate_then_release(demo_db: str) -> None:
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        block = await open_path(pilot, "公用网络区", "10.80.0.0/13", "10.80.0.0/16")
        before = len(block.children)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#owner-field", Choice).select.value = "金平区教育局"
        await pilot.click("#hosts")
        await pilot.press(*"100")
        await pilot.press("enter")
        await settle(pilot)
        assert not form.is_attached, form.query_one("#form-error").render()
        tree = app.screen.query_one(PlanTree)
        assert len(block.children) == before + 1
        new = [c for c in block.children if "金平区教育局" in str(c.label)]
        cidr = str(new[-1].label).split()[0]
        assert _status(cidr) == "allocated"

        tree.move_cursor(new[-1])
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert _status(cidr) == "quarantined"
        assert "quarantined" in str(find_label(block, cidr))
        # the cursor stays on the released row (it used to jump to a district block)
        assert str(tree.cursor_node.label).startswith(cidr)  # type: ignore[union-attr]
        await pilot.press("x")
        await pilot.pause()
        assert cidr in str(app.screen.query_one(".question").render())
        await pilot.press("n")


def find_label(node, cidr: str) -> str:  # type: ignore[no-untyped-def]
    return next(str(c.label) for c in node.children if str(c.label).startswith(cidr))


async def test_form_says_what_is_wrong(demo_db: str) -> None:
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await open_path(pilot, "公用网络区", "10.80.0.0/13", "10.80.0.0/16")
        await pilot.press("n")
        await settle(pilot)
        await pilot.click("#size")
        await pilot.press(*"abc")
        await pilot.pause()
        errors = " ".join(str(w.render()) for w in app.screen.query(".field-error"))
        assert "expected /N" in errors
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen.query_one(PlanTree), PlanTree)


async def test_children_come_in_pages(demo_db: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A node opens with one page and a "load more" leaf; Enter on it loads the next."""
    from tui.screens import queries

    monkeypatch.setattr(queries, "PAGE", 2)
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        block = await open_path(pilot, "公用网络区", "10.80.0.0/13", "10.80.0.0/16")
        labels = [str(c.label) for c in block.children]
        assert len(labels) == 3 and labels[-1].startswith("… load")
        tree = app.screen.query_one(PlanTree)
        tree.move_cursor(block.children[-1])
        await pilot.press("enter")
        await settle(pilot)
        labels = [str(c.label) for c in block.children]
        assert len(labels) == 3 and not any(x.startswith("… load") for x in labels)


async def test_find_a_prefix(demo_db: str) -> None:
    """`/` then a CIDR shows its detail and puts the cursor on it when its branch is open."""
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await open_path(pilot, "公用网络区", "10.80.0.0/13")
        await pilot.press("slash", *"10.87.255.0/24", "enter")
        await settle(pilot)
        tree = app.screen.query_one(PlanTree)
        assert str(tree.cursor_node.label).startswith("10.87.255.0/24")  # type: ignore[union-attr]
        assert app.screen.detail_node.prefix["status"] == "reserved"  # type: ignore[attr-defined]


async def test_district_usage_report(demo_db: str) -> None:
    """`u`: the district's usage report (Art. 25), the same text as `govnet ipam report`."""
    from tui.screens.sheet import SheetScreen

    app = GovnetApp(as_actor("jinping-ops"), lang="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, SheetScreen)
        assert app.screen.markdown.startswith("# 金平区 地址使用情况报告")


async def test_find_a_bare_address(demo_db: str) -> None:
    """`/` then an address: the innermost prefix holding it (longest match) is shown."""
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await open_path(pilot, "公用网络区", "10.80.0.0/13")
        await pilot.press("slash", *"10.87.255.9", "enter")
        await settle(pilot)
        assert app.screen.detail_node.prefix["prefix"] == "10.87.255.0/24"  # type: ignore[attr-defined]
        tree = app.screen.query_one(PlanTree)
        assert str(tree.cursor_node.label).startswith("10.87.255.0/24")  # type: ignore[union-attr]
        await pilot.press("slash", *"172.16.0.1", "enter")
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any("no prefix holds 172.16.0.1" in m for m in errors)
