"""A connection request as the detail pane shows it: fields, missing items, zones."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.i18n import status, t
from tui.widgets.plain import PlainGrid

# (field of workflow.request_dict, catalogue key of its label)
FIELDS = (("unit", "f.unit"), ("district", "col.district"), ("state", "col.state"),
          ("zones", "f.zones"), ("size", "f.size"), ("model", "f.model"), ("site", "f.site"),
          ("contact", "f.contact"), ("purpose", "f.purpose"),
          ("application_doc", "f.application_doc"), ("security_plan", "f.security_plan"),
          ("submitted_by", "f.submitted_by"), ("submitted_at", "f.submitted_at"),
          ("returned_by", "f.returned_by"), ("correct_by", "f.correct_by"),
          ("approval_doc", "f.approval_doc"), ("approver", "f.approver"),
          ("reject_reason", "f.reject_reason"), ("last_error", "f.last_error"),
          ("connected_at", "f.connected_at"))
TIMES = {"submitted_at", "correct_by", "connected_at"}


def _value(r: dict[str, Any], key: str) -> Any:
    value = r.get(key)
    if key == "zones":
        return ", ".join(z["vrf"] for z in r["zones"])
    if key == "state":
        return status(value)
    if key == "size" and r.get("hosts"):
        return f"{value} ({t('f.hosts_n', n=r['hosts'])})"
    if key == "model":
        return t(f"f.model.{value}")
    if key in TIMES and value:
        return str(value)[:19].replace("T", " ")
    return value


def request_view(r: dict[str, Any]) -> PlainGrid:
    table = PlainGrid.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("#", str(r["id"]))
    for key, label in FIELDS:
        value = _value(r, key)
        if value:
            table.add_row(t(label), str(value))
    if r["returned_items"]:
        items = Text("\n".join(f"• {i}" for i in r["returned_items"]), style="yellow")
        table.add_row(t("req.returned_items"), items)
    for z in r["zones"]:
        addresses = "  ".join(x for x in (z["lan"], z["lan6"], z["interconnect"]) if x)
        where = f"{z['device'] or ''} {z['subinterface'] or z['port'] or ''}".strip()
        table.add_row(z["vrf"], f"{status(z['state'])}  {where}  {addresses}".strip())
    return table
