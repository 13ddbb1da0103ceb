"""Forms of the Requests screen: submit or correct a request, return it, approve it.

Each dismisses a dict of the workflow service's keyword arguments (or None).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, SelectionList, Static, TextArea

from tui.i18n import t
from tui.screens.dialogs import FormScreen
from tui.widgets.form import Choice, Field, HostsValidator, SizeValidator, TextValidator

Spec = dict[str, Any]


def _opt(value: str) -> str | None:
    return value or None


class RequestForm(FormScreen[Spec]):
    """A new request, or the correction of a returned one (pre-filled, items shown)."""

    TITLE_KEY = "req.form.new"

    def __init__(self, units: list[str], zones: list[str], current: Spec | None = None) -> None:
        self.units, self.zones, self.current = units, zones, current or {}
        super().__init__()

    def fields(self) -> ComposeResult:
        c = self.current
        if c.get("returned_items"):
            items = "\n".join(f"• {i}" for i in c["returned_items"])
            yield Static(Text(f"{t('req.returned_items')}:\n{items}"), classes="form-context")
        if not c:
            only = self.units[0] if len(self.units) == 1 else None
            yield Choice(t("f.unit"), [(u, u) for u in self.units], id="unit", value=only)
        chosen = {z["vrf"] for z in c.get("zones", [])}
        with Vertical(classes="field"):
            yield Label(t("f.zones"))
            yield SelectionList[str](*[(z, z, z in chosen) for z in self.zones], id="zones")
        hosts = str(c["hosts"]) if c.get("hosts") else ""
        size = "" if hosts or not c else c.get("size", "")
        yield Field(t("form.hosts"), id="hosts", value=hosts, validators=[HostsValidator()],
                    optional=True)
        yield Field(t("form.size"), id="size", value=size, validators=[SizeValidator()],
                    optional=True)
        for key, limit in (("site", 200), ("contact", 200), ("purpose", 500)):
            yield Field(t(f"f.{key}"), id=key, value=c.get(key) or "",
                        validators=[TextValidator(limit, required=True)])
        yield Choice(t("f.model"), [(t("f.model.gateway"), "gateway"),
                                    (t("f.model.routed"), "routed")],
                     id="model", value=c.get("model", "gateway"))
        for key in ("application_doc", "security_plan"):
            yield Field(t(f"f.{key}"), id=key, value=c.get(key) or "", optional=True,
                        validators=[TextValidator(128, required=False)])

    def on_mount(self) -> None:
        if self.current:
            self.query_one(".dialog-title", Label).update(
                t("req.form.correct", n=self.current["id"]))

    def problem(self) -> str | None:
        if not self.query_one("#zones", SelectionList).selected:
            return t("req.zones_need")
        given = bool(self.value("hosts")) + bool(self.value("size"))
        return None if given == 1 else t("form.size_or_hosts")

    def result(self) -> Spec:
        hosts = self.value("hosts")
        spec: Spec = {
            "zones": list(self.query_one("#zones", SelectionList).selected),
            "hosts": int(hosts) if hosts else None,
            "size": f"/{self.value('size').lstrip('/')}" if self.value("size") else None,
            "site": self.value("site"), "contact": self.value("contact"),
            "purpose": self.value("purpose"), "model": self.choice("model"),
            "application_doc": _opt(self.value("application_doc")),
            "security_plan": _opt(self.value("security_plan")),
        }
        if not self.current:
            spec["unit"] = self.choice("unit")
        return spec


class ReturnForm(FormScreen[Spec]):
    """Return a request once with the complete list of what is missing (Art. 10)."""

    TITLE_KEY = "req.form.return"

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__()

    def fields(self) -> ComposeResult:
        with Vertical(classes="field"):
            yield Label(t("req.missing_items"))
            yield TextArea(id="missing", classes="missing")
        yield Field(t("req.days"), id="days", value="15", validators=[HostsValidator()])

    def on_mount(self) -> None:
        self.query_one(".dialog-title", Label).update(t("req.form.return", n=self.number))
        self.query_one("#missing", TextArea).focus()

    def items(self) -> list[str]:
        text = self.query_one("#missing", TextArea).text
        return [line.strip(" •-\t") for line in text.splitlines() if line.strip(" •-\t")]

    def problem(self) -> str | None:
        return None if self.items() else t("req.missing_need")

    def result(self) -> Spec:
        return {"missing": self.items(), "days": int(self.value("days"))}


class ApproveForm(FormScreen[Spec]):
    """Approve with the approval document's number (核准文件)."""

    TITLE_KEY = "req.form.approve"

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__()

    def fields(self) -> ComposeResult:
        yield Field(t("req.doc"), id="doc", validators=[TextValidator(128, required=True)])

    def on_mount(self) -> None:
        self.query_one(".dialog-title", Label).update(t("req.form.approve", n=self.number))
        self.query_one("#doc").focus()

    def result(self) -> Spec:
        return {"doc": self.value("doc")}
