"""Private networks (Art. 23 filings, Art. 24 applications) and ``covering_filing``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from access import privnet
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet.errors import InvalidInput, NotPermitted, PrefixConflict, WrongState
from govnet_tests.access.test_workflow_world import (
    CITY_UNIT,
    JP_UNIT,
    LH_UNIT,
    PRIVATE,
    PUBLIC,
    build_world,
    dump,
)

FILE = (f"access private-network file --owner {CITY_UNIT} --name 教育城域网 "
        "--prefix 172.20.0.0/16 --prefix 3fff:ed::/48 "
        f"--interconnection 'core1 GigabitEthernet0/0/1' --zone {PUBLIC}")
APPLY = (f"access private-network apply --owner {JP_UNIT} --name 医保专网 "
         "--prefix 192.168.50.0/24 --interconnection 'jp-agg1 Gi0/0/2' --plan 'SEC-PLAN-2026-01'")


@pytest.fixture
def world(any_db: str) -> str:
    build_world()
    return any_db


def ok(cli: Any, command: str, as_: str) -> Any:
    result = cli(command + " --json", as_=as_)
    assert result.code == 0, result.err
    return json.loads(result.out)


def refused(cli: Any, command: str, as_: str, code: int, says: str) -> None:
    before = dump()
    result = cli(command, as_=as_)
    assert result.code == code, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.err
    assert dump() == before


def test_file_apply_approve_reject_list(world: str, cli: Any) -> None:
    filed = ok(cli, FILE, "edu")
    assert (filed["kind"], filed["state"], filed["zone"]) == ("filed", "filed", PUBLIC)
    assert filed["prefixes"] == ["172.20.0.0/16", "3fff:ed::/48"]

    applied = ok(cli, APPLY, "jp_unit")
    assert (applied["kind"], applied["state"], applied["plan"]) == \
        ("applied", "pending", "SEC-PLAN-2026-01")
    approved = ok(cli, f"access private-network approve {applied['id']} --doc 汕政务〔2026〕9号",
                  "boss")
    assert approved["state"] == "approved" and approved["approval_doc"] == "汕政务〔2026〕9号"
    refused(cli, f"access private-network approve {applied['id']} --doc X", "boss", 4,
            "is approved, not pending")

    other = ok(cli, APPLY.replace("医保专网", "视频专网").replace("192.168.50.0/24",
                                                            "192.168.60.0/24"), "jp_ops")
    rejected = ok(cli, f"access private-network reject {other['id']} --reason 应整合进外网",
                  "jp_boss")
    assert rejected["state"] == "rejected" and rejected["reason"] == "应整合进外网"

    assert [n["name"] for n in ok(cli, "access private-network list", "inspector")] == \
        ["教育城域网", "医保专网", "视频专网"]
    assert [n["name"] for n in ok(cli, "access private-network list", "edu")] == ["教育城域网"]
    assert [n["name"] for n in ok(cli, "access private-network list", "jp_ops")] == \
        ["医保专网", "视频专网"]
    assert [n["id"] for n in ok(cli, "access private-network list --status approved",
                                "boss")] == [applied["id"]]
    table = cli("access private-network list", as_="boss")
    assert table.code == 0 and "教育城域网" in table.out
    assert ok(cli, f"access private-network show {filed['id']}", "boss")["name"] == "教育城域网"


def test_refusals(world: str, cli: Any) -> None:
    refused(cli, APPLY.replace("--plan 'SEC-PLAN-2026-01'", ""), "jp_unit", 2,
            "Missing option '--plan'")
    refused(cli, APPLY.replace("'SEC-PLAN-2026-01'", "' '"), "jp_unit", 2, "--plan is required")
    refused(cli, FILE, "jp_unit", 3, "may not register private networks of 市教育局")
    refused(cli, APPLY, "lh_ops", 3, "outside its district")
    refused(cli, FILE.replace("172.20.0.0/16", "172.20.0.1/16"), "edu", 2, "host bits")
    refused(cli, FILE.replace("172.20.0.0/16", "banana"), "edu", 2, "not a CIDR")
    refused(cli, FILE + " --prefix 172.20.5.0/24", "edu", 2, "overlap")
    refused(cli, FILE.replace("--interconnection 'core1 GigabitEthernet0/0/1'",
                              "--interconnection ''"), "edu", 2, "--interconnection is required")
    refused(cli, FILE.replace(f"--zone {PUBLIC}", "--zone 无此区"), "edu", 2, "unknown VRF")
    refused(cli, FILE.replace(CITY_UNIT, "无此单位"), "admin", 2, "unknown unit")

    number = ok(cli, APPLY, "jp_unit")["id"]
    refused(cli, f"access private-network approve {number} --doc D", "ops", 3, "may not approve")
    refused(cli, f"access private-network approve {number} --doc ''", "boss", 2, "--doc")
    refused(cli, f"access private-network reject {number} --reason ''", "boss", 2, "--reason")
    refused(cli, f"access private-network show {number}", "lh_unit", 2,
            f"no private network {number}")  # another unit's reads as missing
    refused(cli, "access private-network list --status nope", "boss", 2, "unknown status")
    refused(cli, "access private-network approve 99 --doc D", "boss", 2, "no private network 99")

    ok(cli, FILE, "edu")
    refused(cli, FILE, "edu", 4, "already")  # same owner and name
    other = FILE.replace("教育城域网", "另一网").replace("172.20.0.0/16", "172.21.0.0/16")
    refused(cli, other.replace("3fff:ed::/48", "3fff:ed:0:1::/64"), "edu", 4,
            "3fff:ed:0:1::/64 overlaps 3fff:ed::/48")


def test_covering_filing(world: str) -> None:
    with transaction() as s:
        edu, lh = load_actor(s, "edu"), load_actor(s, "lh_unit")
        wide = privnet.file_network(s, edu, owner=CITY_UNIT, name="wide",
                                    prefixes=["172.24.0.0/13"], interconnection="core1",
                                    zone=PUBLIC)
        anyzone = privnet.file_network(s, lh, owner=LH_UNIT, name="anyzone",
                                       prefixes=["198.18.0.0/15"], interconnection="lh-agg1")
        pending = privnet.apply_network(s, lh, owner=LH_UNIT, name="pending",
                                        prefixes=["100.64.0.0/10"], interconnection="x",
                                        plan="P-1", zone=PUBLIC)
        ids = wide.id, anyzone.id, pending.id
    with read() as s:
        def covering(zone: str, prefix: str) -> int | None:
            found = privnet.covering_filing(s, zone, prefix)
            return found.id if found else None

        assert covering(PUBLIC, "172.25.1.0/24") == ids[0]
        assert covering(PUBLIC, "172.24.0.0/13") == ids[0]
        assert covering(PUBLIC, "172.16.0.0/12") is None  # wider than the filing
        assert covering(PRIVATE, "172.25.1.0/24") is None  # filed in another zone
        assert covering(PRIVATE, "198.19.0.1/32") == ids[1]  # filed without a zone
        assert covering(PUBLIC, "100.64.1.0/24") is None  # pending plans cover nothing
        assert covering(PUBLIC, "2001:db8::/64") is None
    with transaction() as s:
        privnet.approve(s, load_actor(s, "boss"), ids[2], doc="D-7")
    with read() as s:
        found = privnet.covering_filing(s, PUBLIC, "100.64.1.0/24")
        assert found is not None and found.id == ids[2]


def test_service_refusals(world: str) -> None:
    with transaction() as s:
        actor = load_actor(s, "boss")
        with pytest.raises(InvalidInput, match="--prefix is required"):
            privnet.file_network(s, actor, owner=CITY_UNIT, name="n", prefixes=[],
                                 interconnection="x")
        with pytest.raises(InvalidInput, match="--plan is required"):
            privnet.apply_network(s, actor, owner=CITY_UNIT, name="n", prefixes=["192.168.29.0/24"],
                                  interconnection="x", plan=None)  # type: ignore[arg-type]
        filed = privnet.file_network(s, actor, owner=CITY_UNIT, name="n",
                                     prefixes=["192.168.29.0/24"], interconnection="x")
        with pytest.raises(WrongState, match="is filed, not pending"):
            privnet.approve(s, actor, filed.id, doc="D")  # type: ignore[arg-type]
        with pytest.raises(NotPermitted):
            privnet.file_network(s, load_actor(s, "inspector"), owner=CITY_UNIT, name="m",
                                 prefixes=["192.168.28.0/24"], interconnection="x")
        with pytest.raises(PrefixConflict):
            privnet.file_network(s, actor, owner=JP_UNIT, name="m", prefixes=["192.168.29.0/25"],
                                 interconnection="x")
