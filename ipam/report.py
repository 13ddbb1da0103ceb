"""Reading the plan: tree, free space, utilization, and a district's usage report."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from govnet.auth import Actor, require, require_visible
from govnet.errors import InvalidInput
from govnet.models import District, Role, utcnow
from govnet.org import find_district
from ipam import freespace, space, store
from ipam.models import PARENT_STATUSES, Prefix, Status
from ipam.service import get, get_vrf, visible_where
from ipam.view import Names, prefix_dict

# Who may read a district's usage (each within its read scope).
USAGE_READERS = (Role.authority, Role.municipal_operator, Role.auditor, Role.district_operator)


@dataclass
class Usage:
    prefix: str
    vrf: str
    status: str
    district: str | None
    size: int
    used: int
    free: int
    child_count: int

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.size if self.size else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "percent": round(self.percent, 2)}


def usage_of(session: Session, prefix: Prefix, names: Names) -> Usage:
    size = space.size_of(prefix.version, prefix.prefixlen)
    if prefix.status in PARENT_STATUSES:
        free = freespace.free_size(session, parent_id=prefix.id, version=prefix.version)  # type: ignore[arg-type]
        children = store.children_count(session, parent_id=prefix.id)  # type: ignore[arg-type]
    else:
        free, children = 0, 0
    return Usage(prefix.cidr, names.vrfs.get(prefix.vrf_id, ""), prefix.status,
                 names.districts.get(prefix.district_id) if prefix.district_id else None,
                 size, size - free, free, children)


def children(session: Session, actor: Actor, parent_id: int | None, *, vrf_id: int,
             limit: int | None = None, offset: int = 0) -> list[Prefix]:
    """The direct children of a prefix (or the pools of a VRF), in address order."""
    query = select(Prefix).where(col(Prefix.vrf_id) == vrf_id)
    query = query.where(col(Prefix.parent_id).is_(None) if parent_id is None
                        else col(Prefix.parent_id) == parent_id)
    query = query.where(visible_where(actor))
    query = query.order_by(col(Prefix.version), col(Prefix.first)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def tree(session: Session, actor: Actor, cidr: str | None = None, *, vrf: str | None = None,
         depth: int | None = None) -> list[dict[str, Any]]:
    """Nested prefixes with utilization; from a prefix, or every pool of the VRF."""
    zone = get_vrf(session, vrf)
    names = Names.load(session)
    if depth is not None and depth < 0:
        raise InvalidInput("--depth must be 0 or more")

    def node(p: Prefix, level: int) -> dict[str, Any]:
        data = prefix_dict(session, p, names) | usage_of(session, p, names).as_dict()
        if p.status in PARENT_STATUSES and (depth is None or level < depth):
            data["children"] = [node(c, level + 1)
                                for c in children(session, actor, p.id, vrf_id=zone.id)]  # type: ignore[arg-type]
        return data

    roots = [get(session, actor, cidr, vrf=zone.name)] if cidr else _roots(
        session, actor, zone.id)  # type: ignore[arg-type]
    return [node(r, 0) for r in roots]


def _roots(session: Session, actor: Actor, vrf_id: int) -> list[Prefix]:
    """The top of what the actor sees: the pools, or (for a scoped actor) every visible
    prefix whose parent it may not see, e.g. an applicant's allocations."""
    if actor.reads_all:
        return children(session, actor, None, vrf_id=vrf_id)
    rows = list(session.scalars(
        select(Prefix).where(col(Prefix.vrf_id) == vrf_id, visible_where(actor))
        .order_by(col(Prefix.version), col(Prefix.first))))
    seen = {p.id for p in rows}
    return [p for p in rows if p.parent_id not in seen]


def free(session: Session, actor: Actor, cidr: str, *, vrf: str | None = None) -> list[str]:
    prefix = get(session, actor, cidr, vrf=vrf)
    if prefix.status not in PARENT_STATUSES:
        return []
    return [str(n) for n in freespace.free_of(session, parent_id=prefix.id)]  # type: ignore[arg-type]


def _district_in_scope(session: Session, actor: Actor, district: str, *, action: str) -> District:
    """The district whose usage is asked: the role is checked first (the same refusal
    for any name), then another district reads as an unknown one (no existence oracle)."""
    require(actor, *USAGE_READERS, action=action)
    target = find_district(session, district)
    require_visible(actor, district_id=target.id, missing=f"unknown district {district!r}")
    return target


def utilization(session: Session, actor: Actor, *, district: str | None = None,
                vrf: str | None = None) -> list[Usage]:
    """Utilization of every pool and district block (of one district, if given)."""
    names = Names.load(session)
    query = select(Prefix).where(col(Prefix.status).in_([s.value for s in PARENT_STATUSES]))
    if vrf is not None:
        query = query.where(col(Prefix.vrf_id) == get_vrf(session, vrf).id)
    if district is not None:
        target = _district_in_scope(session, actor, district, action="read a district's usage")
        query = query.where(col(Prefix.district_id) == target.id)
    rows = session.scalars(query.where(visible_where(actor))
                           .order_by(col(Prefix.vrf_id), col(Prefix.version), col(Prefix.first)))
    return [usage_of(session, p, names) for p in rows]


REPORT_FORMATS = ("json", "csv", "md", "xlsx")
ALLOCATION_COLUMNS = ("prefix", "vrf", "status", "district", "owner", "purpose", "description")
BLOCK_COLUMNS = ("prefix", "vrf", "size", "used", "free", "percent")
EXCEL_DIGITS = 10**15 - 1  # the largest integer Excel keeps exactly


def report_data(session: Session, actor: Actor, *, district: str) -> dict[str, Any]:
    """A district's usage report to the municipal agency (Art. 25), as data."""
    target = _district_in_scope(session, actor, district, action="report a district's usage")
    names = Names.load(session)
    blocks = [u for u in utilization(session, actor, district=target.name)
              if u.status == Status.delegated.value]
    allocations = session.scalars(
        select(Prefix).where(col(Prefix.district_id) == target.id,
                             col(Prefix.status).notin_([s.value for s in PARENT_STATUSES]))
        .order_by(col(Prefix.vrf_id), col(Prefix.version), col(Prefix.first)))
    rows = [prefix_dict(session, p, names) for p in allocations]
    by_status = dict(session.execute(
        select(col(Prefix.status), func.count()).where(col(Prefix.district_id) == target.id)
        .group_by(col(Prefix.status))).all())
    return {"district": target.name, "generated_at": utcnow().isoformat(timespec="seconds"),
            "blocks": [b.as_dict() for b in blocks], "allocations": rows,
            "counts": by_status}


def allocation_rows(data: dict[str, Any]) -> list[list[str]]:
    """The allocations table of the CSV and the spreadsheet: a header, then a row each."""
    return [list(ALLOCATION_COLUMNS)] + [
        ["" if r[c] is None else str(r[c]) for c in ALLOCATION_COLUMNS]
        for r in data["allocations"]]


def report(session: Session, actor: Actor, *, district: str, fmt: str = "json") -> str:
    """A district's usage report to the municipal agency (Art. 25): json, csv or md.

    (``xlsx`` is binary: :func:`report_xlsx`.)"""
    if fmt not in ("json", "csv", "md"):
        raise InvalidInput(f"unknown format {fmt!r}; one of {', '.join(REPORT_FORMATS)}")
    data = report_data(session, actor, district=district)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows(allocation_rows(data))
        return buf.getvalue()
    lines = [f"# {data['district']} 地址使用情况报告 / address usage report",
             "", f"生成时间 / generated: {data['generated_at']}", "",
             "## 区县地址块 / district blocks", "",
             "| prefix | VRF | size | used | free | % |", "|---|---|---:|---:|---:|---:|"]
    lines += [f"| {b['prefix']} | {b['vrf']} | {b['size']} | {b['used']} | {b['free']} | "
              f"{100.0 * b['used'] / b['size'] if b['size'] else 0.0:.1f} |"
              for b in data["blocks"]]
    lines += ["", "## 分配明细 / allocations", "",
              "| prefix | VRF | status | owner | purpose | description |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['prefix']} | {r['vrf']} | {r['status']} | {r['owner'] or ''} | "
              f"{r['purpose']} | {r['description']} |" for r in data["allocations"]]
    return "\n".join(lines) + "\n"


def report_xlsx(session: Session, actor: Actor, *, district: str) -> bytes:
    """The report as an Excel workbook (openpyxl): the allocations sheet holds the CSV's
    rows, as text; a second sheet the district blocks' usage, as numbers."""
    from openpyxl import Workbook  # only this format needs it

    data = report_data(session, actor, district=district)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "分配明细 allocations"
    for row in allocation_rows(data):
        sheet.append(row)
    blocks = book.create_sheet("区县地址块 blocks")
    blocks.append(list(BLOCK_COLUMNS))
    for b in data["blocks"]:  # IPv6 sizes pass Excel's 15 digits: those stay text
        blocks.append([str(v) if isinstance(v, int) and v > EXCEL_DIGITS else v
                       for v in (b[c] for c in BLOCK_COLUMNS)])
    for ws in (sheet, blocks):
        ws.freeze_panes = "A2"
    info = book.create_sheet("报告 report")
    info.append(["district", data["district"]])
    info.append(["generated_at", data["generated_at"]])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
