"""A prefix as the plan's detail pane shows it: fields, size, usage."""

from __future__ import annotations

from tui.i18n import status, t
from tui.screens.queries import Node
from tui.widgets.bars import bar, compact
from tui.widgets.plain import PlainGrid


def count(n: int) -> str:
    """Exact up to a trillion (IPv4), short beyond (IPv6)."""
    return f"{n:,}" if n < 10**12 else compact(n)


def detail_table(node: Node) -> PlainGrid:
    p = node.prefix
    table = PlainGrid.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    rows = [("col.prefix", p["prefix"]), ("col.vrf", p["vrf"]),
            ("col.status", status(p["status"])), ("col.district", p["district"]),
            ("col.owner", p["owner"]), ("col.purpose", t(f"purpose.{p['purpose']}")),
            ("col.description", p["description"]), ("col.quarantine", p["quarantine_until"])]
    for key, value in rows:
        if value:
            table.add_row(t(key), str(value))
    table.add_row(t("col.size"), count(node.size))
    if node.is_parent:
        table.add_row(t("col.used"), count(node.used))
        table.add_row(t("col.free"), count(node.size - node.used))
        table.add_row(t("col.children"), f"{node.children:,}")
        usage = bar(node.percent, 24)
        usage.append(f" {node.percent:.1f}%")
        table.add_row(t("col.usage"), usage)
    return table
