"""Chinese names take two cells a character: columns must still line up."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console

from tui.i18n import CATALOGUE, set_lang, t
from tui.widgets.bars import UsageRow, usage_table


def test_bars_line_up_with_chinese_and_latin_names() -> None:
    rows = [UsageRow("金平区", 10, 100), UsageRow("Longhu", 50, 100),
            UsageRow("南澳县 v6", 99, 100)]
    console = Console(width=80, record=True, color_system=None)
    console.print(usage_table(rows))
    lines = [line for line in console.export_text().splitlines() if line.strip()]
    starts = {cell_len(line[:min(line.find(c) for c in "█·▏▎▍▌▋▊▉" if c in line)])
              for line in lines}
    assert len(starts) == 1, lines  # every bar starts in the same cell column


def test_every_key_has_both_languages() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        assert set(_fields(zh)) == set(_fields(en)), key


def test_switching_language() -> None:
    try:
        set_lang("zh_CN")
        assert t("nav.plan") == "地址规划"
        set_lang("en")
        assert t("nav.plan") == "Address plan"
        assert t("no.such.key") == "no.such.key"
    finally:
        set_lang(None)


def _fields(text: str) -> list[str]:
    import string

    return [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f]
