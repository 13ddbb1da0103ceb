"""The TUI shows data as typed: an IPv6 prefix whose groups spell Rich emoji codes
(":a:", ":100:") and a description holding markup ("[/red]") appear literally in the
plan tree, the detail pane and the free-block table, and never break a screen."""

from __future__ import annotations

import html
import re

from govnet.db import transaction
from govnet_tests.conftest import actor
from govnet_tests.tui.conftest import SIZE, as_actor
from govnet_tests.tui.pilot import open_path, settle
from ipam import service
from tui.app import GovnetApp
from tui.widgets.plan_tree import PlanTree

REASON = "[/red] 核心 [bold]链路[/bold] :a: :100:"


def _screen_text(app: GovnetApp) -> str:
    """The screen as plain text: the SVG screenshot without tags, spaces restored."""
    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(lines)).replace("\xa0", " ")


async def test_ipv6_groups_and_markup_in_descriptions_show_as_typed(demo_db: str) -> None:
    with transaction() as s:
        service.reserve(s, actor(), "2001:db8:5407:100::/56", reason=REASON, vrf="公用网络区")
    app = GovnetApp(as_actor("admin"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        pool = await open_path(pilot, "公用网络区", "2001:db8:5400::/40")
        node = next(c for c in pool.children if str(c.label).startswith("2001:db8:5407:100::"))
        assert "[/red] 核心 [bold]链路[/bold] :a:" in str(node.label)  # clipped to fit
        tree = app.screen.query_one(PlanTree)
        tree.move_cursor(node)
        await settle(pilot)
        shown = _screen_text(app)
        assert "2001:db8:5407:100::/56" in shown, shown
        assert "[/red] 核心" in shown and ":a: :100:" in shown, shown
        assert "💯" not in shown and "🅰" not in shown
        tree.move_cursor(pool)  # the pool's free blocks include 2001:db8:5407:a00::/56 etc.
        await settle(pilot)
        shown = _screen_text(app)
        assert "2001:db8:5407:200::/55" in shown, shown
        assert "💯" not in shown and "🅰" not in shown
