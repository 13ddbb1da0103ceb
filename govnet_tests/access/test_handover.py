"""The network-opening confirmation sheet (网络开通确认单): Markdown and printable HTML."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from access import handover
from access import workflow as wf
from access.models import RequestZone
from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet.errors import InvalidInput, WrongState
from govnet_tests.access.test_workflow_world import (
    CITY_UNIT,
    DEVICE,
    JP_UNIT,
    PORT,
    PRIVATE,
    PUBLIC,
    build_world,
    dump,
    submit_args,
)

HOSTILE = "市<script>alert('x')</script>&局|`*"


def connect(unit: str = CITY_UNIT, model: str = "gateway") -> int:
    """Submit, approve and mark a request connected, with the zones filled in as
    provisioning would fill them."""
    with transaction() as s:
        number = wf.submit(s, load_actor(s, "admin"), **submit_args(
            unit=unit, zones=[PUBLIC, PRIVATE], application_doc="汕教函〔2026〕12号",
            model=model, hosts=None, size="/30" if model == "routed" else "/26")).id
        assert number is not None
    with transaction() as s:
        wf.approve(s, load_actor(s, "boss"), number, doc="汕政务核〔2026〕3号")
        ops = load_actor(s, "ops")
        wf.begin_provisioning(s, ops, number)
        zones = s.exec(select(RequestZone).where(RequestZone.request_id == number)
                       .order_by(RequestZone.position)).all()
        for i, zone in enumerate(zones):
            zone.device, zone.port, zone.vlan = DEVICE, PORT, 100 + i
            zone.subinterface = f"{PORT}.{100 + i}"
            if model == "gateway":
                zone.lan_cidr, zone.gateway4 = f"10.{20 + i}.1.0/26", f"10.{20 + i}.1.1/26"
                zone.lan6_cidr, zone.gateway6 = f"2001:db8:{i + 1}::/64", f"2001:db8:{i + 1}::1/64"
            else:
                zone.lan_cidr = f"192.168.{i}.0/30"
                zone.interconnect_cidr = f"10.255.{i}.0/30"
                zone.local4, zone.peer4 = f"10.255.{i}.1", f"10.255.{i}.2"
            zone.state = "verified"
            s.add(zone)
        wf.mark_connected(s, ops, number)
    return number


@pytest.fixture
def world(any_db: str) -> str:
    build_world()
    return any_db


def render(number: int, fmt: str, user: str = "admin") -> str:
    with read() as s:
        return handover.render_handover(s, load_actor(s, user), number, fmt)


def test_markdown_sheet(world: str) -> None:
    md = render(connect(), "md")
    for label in ("网络开通确认单", "Network Opening Confirmation", "接入单位 Unit", CITY_UNIT,
                  "核准文件 Approval document", "汕政务核〔2026〕3号",
                  "书面申请 Written application", f"网络区域 Zone 1: {PUBLIC}",
                  f"网络区域 Zone 2: {PRIVATE}", "| VLAN | 100 |", "| VLAN | 101 |",
                  f"设备 Device | {DEVICE}", "10.20.1.0/26", "10.20.1.1/26",
                  "子网掩码 Netmask | 255.255.255.192", "10.20.1.2 – 10.20.1.62",
                  "网关 Gateway (IPv6) | 2001:db8:1::1/64", "开通日期 Date connected",
                  "接入单位（盖章）Unit (seal)",
                  "默认路由下一跳 Default route next hop | 10.20.1.1"):
        assert label in md, label
    assert "{{" not in md and "None" not in md


def test_routed_sheet_shows_interconnect(world: str) -> None:
    md = render(connect(model="routed"), "md")
    assert "互联网段 Interconnect (IPv4) | 10.255.0.0/30" in md
    assert "对端地址 Unit router end | 10.255.0.2" in md
    assert "默认路由下一跳 Default route next hop | 10.255.0.1" in md
    assert "Unit LAN (IPv6)" not in md


def test_html_sheet_is_printable_and_escaped(world: str) -> None:
    with transaction() as s:
        org.add_unit(s, load_actor(s, "admin"), HOSTILE)
    page = render(connect(unit=HOSTILE), "html")
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "<style>" in page
    assert "<script>" not in page
    assert "市&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;局" in page
    for label in ("网络开通确认单", "Network Opening Confirmation", "核准文件", "Approval document",
                  "汕政务核〔2026〕3号", "子网掩码", "Netmask", "10.21.1.0/26"):
        assert label in page, label

    md = render(connect(unit=HOSTILE), "md")
    assert "市\\<script\\>alert('x')\\</script\\>&局\\|\\`\\*" in md  # one table cell, inert


class _Balance(HTMLParser):
    """Checks that every non-void element is closed in order."""

    VOID = frozenset({"meta", "br", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.rows = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)
        self.rows += tag == "tr"

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"


def test_html_is_well_formed(world: str) -> None:
    checker = _Balance()
    checker.feed(render(connect(), "html"))
    assert checker.stack == [] and checker.rows == 10 + 2 * 12  # header + two full zones


def test_refused_unless_connected_and_bad_format(world: str, cli: Any) -> None:
    with transaction() as s:
        number = wf.submit(s, load_actor(s, "edu"), **submit_args(application_doc="A")).id
    with read() as s, pytest.raises(WrongState, match="is submitted, not connected"):
        handover.render_handover(s, load_actor(s, "admin"), number, "md")  # type: ignore[arg-type]
    before = dump()
    result = cli(f"access handover {number}", as_="boss")
    assert result.code == 4 and result.out == ""
    assert result.err.strip() == (f"error: connection request {number} is submitted, not "
                                  "connected: the confirmation sheet is issued once the unit "
                                  "is connected")
    assert dump() == before
    connected = connect()
    with read() as s, pytest.raises(InvalidInput, match="--format"):
        handover.render_handover(s, load_actor(s, "admin"), connected, "pdf")
    assert cli(f"access handover {connected} --format pdf", as_="boss").code == 2
    assert cli(f"access handover {connected}", as_="jp_unit").code == 2  # another unit's: unseen


def test_handover_cli(world: str, cli: Any, tmp_path: Path) -> None:
    number = connect(unit=JP_UNIT)
    md = cli(f"access handover {number}", as_="jp_unit")
    assert md.code == 0 and md.out.startswith("# 网络开通确认单") and JP_UNIT in md.out
    target = tmp_path / "sheet.html"
    wrote = cli(f"access handover {number} --format html --output {target}", as_="jp_ops")
    assert wrote.code == 0 and "@media print" in target.read_text(encoding="utf-8")
    data = json.loads(cli(f"access handover {number} --json", as_="boss").out)
    assert data["approval_doc"] == "汕政务核〔2026〕3号" and data["zones"][0]["vlan"] == 100
    assert data["zones"][0]["netmask"] == "255.255.255.192" and data["connected_date"]
