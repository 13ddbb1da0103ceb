"""Forms of the address plan: allocate, delegate, reserve, apply for a block.

Each dismisses a plain dict of the service's keyword arguments (or None when
cancelled); the plan screen passes it to the service unchanged.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ipam.models import Purpose
from tui.i18n import t
from tui.screens.dialogs import FormScreen
from tui.widgets.form import (
    Choice,
    CidrValidator,
    Field,
    HostsValidator,
    SizeValidator,
    TextValidator,
)

Spec = dict[str, Any]


def _names(names: list[str]) -> list[tuple[str, str]]:
    return [(n, n) for n in names]


def _size(raw: str) -> str | None:
    return f"/{raw.lstrip('/')}" if raw else None


class AllocateForm(FormScreen[Spec]):
    """Allocate the best-fitting block for a unit inside ``within``."""

    TITLE_KEY = "form.allocate"

    def __init__(self, within: str, units: list[str]) -> None:
        self.within, self.units = within, units
        super().__init__()

    def fields(self) -> ComposeResult:
        yield Static(Text(f"{t('form.within')}: {self.within}"), classes="form-context")
        yield Choice(t("form.owner"), _names(self.units), id="owner")
        yield Field(t("form.size"), id="size", validators=[SizeValidator()], optional=True)
        yield Field(t("form.hosts"), id="hosts", validators=[HostsValidator()], optional=True)
        yield Choice(t("form.purpose"), [(t(f"purpose.{p.value}"), p.value) for p in Purpose],
                     id="purpose", value=Purpose.lan.value)
        yield Field(t("form.description"), id="description", optional=True,
                    validators=[TextValidator(200, required=False)])

    def problem(self) -> str | None:
        given = bool(self.value("size")) + bool(self.value("hosts"))
        fixed = self.choice("purpose") in (Purpose.loopback.value, Purpose.interconnect.value)
        return None if given == 1 or (given == 0 and fixed) else t("form.size_or_hosts")

    def result(self) -> Spec:
        hosts = self.value("hosts")
        return {"owner": self.choice("owner"), "size": _size(self.value("size")),
                "hosts": int(hosts) if hosts else None, "within": self.within,
                "purpose": self.choice("purpose"), "description": self.value("description")}


class DelegateForm(FormScreen[Spec]):
    """Delegate a block of a pool to a district: by size (best fit) or exact prefix."""

    TITLE_KEY = "form.delegate"

    def __init__(self, pool: str, districts: list[str]) -> None:
        self.pool, self.districts = pool, districts
        super().__init__()

    def fields(self) -> ComposeResult:
        yield Static(Text(f"{t('form.within')}: {self.pool}"), classes="form-context")
        yield Choice(t("form.district"), _names(self.districts), id="district")
        yield Field(t("form.size"), id="size", validators=[SizeValidator()], optional=True)
        yield Field(t("form.prefix"), id="prefix", validators=[CidrValidator()], optional=True)
        yield Field(t("form.description"), id="description", optional=True,
                    validators=[TextValidator(200, required=False)])

    def problem(self) -> str | None:
        given = bool(self.value("size")) + bool(self.value("prefix"))
        return None if given == 1 else t("form.size_or_prefix")

    def result(self) -> Spec:
        return {"district": self.choice("district"), "size": _size(self.value("size")),
                "prefix": self.value("prefix") or None, "from_cidr": self.pool,
                "description": self.value("description")}


class ReserveForm(FormScreen[Spec]):
    """Hold an exact block (default: the first free block of the selected node)."""

    TITLE_KEY = "form.reserve"

    def __init__(self, cidr: str) -> None:
        self.cidr = cidr
        super().__init__()

    def fields(self) -> ComposeResult:
        yield Field(t("form.cidr"), id="cidr", value=self.cidr, validators=[CidrValidator()])
        yield Field(t("form.reason"), id="reason",
                    validators=[TextValidator(200, required=True)])

    def result(self) -> Spec:
        return {"cidr": self.value("cidr"), "reason": self.value("reason")}


class ApplyForm(FormScreen[Spec]):
    """A district applies to the municipal agency for a block (Art. 25)."""

    TITLE_KEY = "form.apply"

    def __init__(self, districts: list[str]) -> None:
        self.districts = districts
        super().__init__()

    def fields(self) -> ComposeResult:
        only = self.districts[0] if len(self.districts) == 1 else None
        yield Choice(t("form.district"), _names(self.districts), id="district", value=only)
        yield Field(t("form.size"), id="size", validators=[SizeValidator()], optional=True)
        yield Field(t("form.hosts"), id="hosts", validators=[HostsValidator()], optional=True)
        yield Field(t("form.reason"), id="reason",
                    validators=[TextValidator(500, required=True)])

    def problem(self) -> str | None:
        given = bool(self.value("size")) + bool(self.value("hosts"))
        return None if given == 1 else t("form.size_or_hosts")

    def result(self) -> Spec:
        hosts = self.value("hosts")
        return {"district": self.choice("district"), "size": _size(self.value("size")),
                "hosts": int(hosts) if hosts else None, "reason": self.value("reason")}
