"""Reads of connection requests for the Requests screen (access.workflow, as the CLI)."""

from __future__ import annotations

from typing import Any

from access import handover, workflow
from govnet import org
from govnet.auth import Actor
from govnet.db import read
from ipam import service


def requests(actor: Actor, state: str | None) -> list[dict[str, Any]]:
    with read() as s:
        return [workflow.request_dict(s, r)
                for r in workflow.list_requests(s, actor, status=state or None)]


def request(actor: Actor, number: int) -> dict[str, Any]:
    with read() as s:
        return workflow.request_dict(s, workflow.get_request(s, actor, number))


def form_choices(actor: Actor) -> tuple[list[str], list[str]]:
    """Units the actor may submit for, and the zones."""
    with read() as s:
        units = [u.name for u in org.list_units(s, actor)]
        return units, [v.name for v in service.list_vrfs(s)]


def handover_sheet(actor: Actor, number: int) -> str:
    with read() as s:
        return handover.render_handover(s, actor, number, "md")


def matches(row: dict[str, Any], text: str) -> bool:
    """Does the request mention ``text`` (number, unit, district, site, purpose, contact)?"""
    text = text.strip().lower()
    if not text:
        return True
    fields = (str(row["id"]), row["unit"], row["district"], row["site"], row["purpose"],
              row["contact"], row["approval_doc"], row["application_doc"])
    return any(text in (f or "").lower() for f in fields)
