"""The dashboard on small terminals (issue 21.5): at 80×24 and 100×30, in Chinese and
English, every percentage, every bar's name and every navbar entry is on screen whole.

Before, 80 columns showed ``金平…▏····… …352/65,…`` (percentages cut to ``0…``) and a
navbar that stopped after ``6``."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict

import pytest
from rich.cells import cell_len

from govnet_tests.tui.conftest import as_actor
from govnet_tests.tui.pilot import settle
from tui.app import GovnetApp
from tui.i18n import t
from tui.screens import queries
from tui.widgets.navbar import SCREENS

CELL = 12.2  # the width of one cell in Rich's SVG export (font size 20 × 0.61)


def screen_lines(app: GovnetApp) -> list[str]:
    """The screen as plain text, one string per line, each text run at its own cell
    column (the SVG screenshot places runs by x and leaves out blank ones)."""
    svg = app.export_screenshot()
    runs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for x, line, text in re.findall(
            r'<text[^>]*\bx="([\d.]+)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>',
            svg, flags=re.S):
        runs[int(line)].append((round(float(x) / CELL), html.unescape(text).replace("\xa0", " ")))
    lines = []
    for number in range(max(runs) + 1):
        line = ""
        for column, text in sorted(runs[number]):
            line += " " * max(0, column - cell_len(line)) + text
        lines.append(line)
    return lines


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
async def test_dashboard_fits(demo_db: str, size: tuple[int, int], lang: str) -> None:
    admin = as_actor("admin")
    app = GovnetApp(admin, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        shown = "\n".join(lines)
        assert all(cell_len(line) <= size[0] for line in lines), shown

        navbar, footer = lines[1], lines[-1]
        for number, (_mode, key) in enumerate(SCREENS, start=1):
            assert f"{number} {t(key)}" in navbar, navbar
        for hint in (f"? {t('nav.help')}", f"^p {t('palette')}"):  # in the navbar or footer
            assert hint in navbar or hint in footer, (navbar, footer)

        data = queries.dashboard(admin)
        rows = data.districts + data.zones
        assert rows
        expected = Counter(f"{row.percent:.1f}%" for row in rows)
        assert Counter(re.findall(r"(?<![\d.…])\d+\.\d%", shown)) == expected, shown
        for row in rows:  # names whole, each on its own line with its percentage
            assert any(row.label in line and f"{row.percent:.1f}%" in line for line in lines), \
                (row.label, shown)
