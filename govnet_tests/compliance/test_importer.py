"""``govnet ipam import``: CSV (line-numbered errors, all or nothing) and from devices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet_tests.conftest import db_snapshot
from inventory import service as inventory
from inventory.discovery import replace_interfaces
from inventory.drivers import InterfaceInfo
from inventory.models import Device
from ipam.models import IpAddress

HEADER = "prefix,vrf,status,district,owner,description\n"
GOOD = HEADER + (
    "10.80.0.0/13,,container,,,市级池\n"
    "10.80.0.0/16,,delegated,金平区,,\n"
    "10.80.1.0/24,,allocated,金平区,金平区教育局,办公网\n"
    "10.80.2.0/24,,reserved,金平区,,预留\n"
    "10.0.0.0/8,专用网络区,container,,,\n"
    "10.1.0.0/24,专用网络区,allocated,,金平区教育局,\n")


@pytest.fixture
def world(any_db: str) -> str:
    with transaction() as s:
        admin = load_actor(s, "admin")
        org.add_district(s, admin, "金平区")
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_user(s, admin, "ops", role="municipal_operator")
        org.add_user(s, admin, "jp", role="district_operator", district="金平区")
        from ipam import service as ipam

        ipam.add_vrf(s, admin, "公用网络区")
    return any_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_builds_the_plan_marked_unpapered(world: str, cli: object,
                                                     tmp_path: Path) -> None:
    res = cli(f"ipam import --from-csv {write(tmp_path, GOOD)} --json", as_="ops")  # type: ignore[operator]
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert [c["prefix"] for c in data["created"]] == [
        "10.0.0.0/8", "10.80.0.0/13", "10.80.0.0/16", "10.1.0.0/24", "10.80.1.0/24",
        "10.80.2.0/24"]
    shown = json.loads(cli("ipam show 10.80.1.0/24 --json", as_="ops").out)  # type: ignore[operator]
    assert (shown["status"], shown["owner"], shown["district"]) == ("allocated", "金平区教育局", "金平区")
    assert shown["description"] == "imported: no paperwork; 办公网"
    zoned = json.loads(cli("ipam show 10.1.0.0/24 --vrf 专用网络区 --json", as_="ops").out)  # type: ignore[operator]
    assert zoned["vrf"] == "专用网络区"  # the zone was created by the import
    events = json.loads(cli("audit list --action ipam.import --json").out)  # type: ignore[operator]
    assert len(events) == 6 and all(e["after"]["paperwork"] is False for e in events)
    before = db_snapshot()
    refused = cli(f"ipam import --from-csv {tmp_path / 'plan.csv'} --json", as_="ops")  # type: ignore[operator]
    assert refused.code == 4 and "line 2: 10.80.0.0/13 is already in the plan" in refused.err
    assert db_snapshot() == before
    again = json.loads(cli(f"ipam import --from-csv {tmp_path / 'plan.csv'} --skip-existing "  # type: ignore[operator]
                           "--json", as_="ops").out)
    assert again["created"] == [] and len(again["skipped"]) == 6


@pytest.mark.parametrize(("rows", "message"), [
    ("10.90.0.0/33,,container,,,\n10.91.0.0/16,,bogus,,,\n",
     "line 2: '10.90.0.0/33' is not a valid CIDR prefix; line 3: unknown status 'bogus'"),
    ("10.90.0.1/16,,container,,,\n", "line 2: 10.90.0.1/16 has host bits set"),
    ("10.90.0.0/16,,quarantined,,,\n", "line 2: status 'quarantined' is not importable"),
    ("10.80.0.0/13,,container,,,\n10.80.9.0/24,,allocated,无此区,,\n",
     "line 3: unknown district '无此区'"),
    ("10.80.0.0/13,,container,,,\n10.80.9.0/24,,allocated,,无此单位,\n",
     "line 3: unknown unit '无此单位'"),
    ("10.99.0.0/24,,allocated,,,\n", "line 2: 10.99.0.0/24 is outside every pool"),
    ("10.80.0.0/13,,container,,,\n10.80.9.0/24,,allocated,金平区,,\n",
     "line 3: 10.80.9.0/24 is labelled 金平区 but lies in 10.80.0.0/13, outside 金平区's blocks"),
    ("10.80.0.0/13,,container,,,\n10.81.0.0/16,,delegated,,,\n10.80.0.0/16,,delegated,金平区,,\n"
     "10.81.2.0/24,,reserved,金平区,,\n",
     "line 3: 10.81.0.0/16: a delegated block names its district"),
    ("10.80.0.0/13,,container,,,\n10.80.0.0/16,,delegated,金平区,,\n"
     "10.80.0.0/17,,delegated,金平区,,\n",
     "line 4: 10.80.0.0/17: a district block goes inside a pool, not 10.80.0.0/16"),
    ("10.80.0.0/13,,container,金平区,,\n", "line 2: 10.80.0.0/13: a pool belongs to no district"),
    ("10.80.0.0/13,,container,,,\n10.80.0.0/24,,allocated,,,\n10.80.0.0/25,,allocated,,,\n",
     "line 4: 10.80.0.0/25 overlaps an existing prefix inside 10.80.0.0/13"),
])
def test_csv_errors_name_the_line_and_import_nothing(world: str, cli: object, tmp_path: Path,
                                                      rows: str, message: str) -> None:
    before = db_snapshot()
    res = cli(f"ipam import --from-csv {write(tmp_path, HEADER + rows)}", as_="ops")  # type: ignore[operator]
    assert res.code in (2, 4) and message in res.err, res.err
    assert db_snapshot() == before


def test_csv_header_and_roles(world: str, cli: object, tmp_path: Path) -> None:
    bad = write(tmp_path, "prefix,status\n")
    res = cli(f"ipam import --from-csv {bad}", as_="ops")  # type: ignore[operator]
    assert res.code == 2 and "line 1: the header lacks vrf, district, owner, description" in res.err
    assert cli(f"ipam import --from-csv {write(tmp_path, GOOD)}", as_="jp").code == 3  # type: ignore[operator]
    assert cli("ipam import", as_="ops").code == 2  # type: ignore[operator]
    assert cli(f"ipam import --from-devices --from-csv {tmp_path / 'plan.csv'}",  # type: ignore[operator]
               as_="ops").code == 2


def test_import_from_discovery_makes_pools_and_records_addresses(world: str, cli: object) -> None:
    with transaction() as s:
        admin = load_actor(s, "admin")
        for i in (1, 2):
            inventory.add_device(s, admin, name=f"agg{i}", platform="frr",
                                 host=f"198.18.0.{10 + i}", role="aggregation",
                                 district="金平区" if i == 1 else None)
        for i in (1, 2):
            device = s.exec(select(Device).where(Device.name == f"agg{i}")).one()
            replace_interfaces(s, device, [
                InterfaceInfo("lo", addresses=[f"10.255.0.{10 + i}/32", "127.0.0.1/8"]),
                InterfaceInfo("mgmt0", addresses=[f"198.18.0.{10 + i}/24"]),
                InterfaceInfo("eth-core", addresses=[f"10.254.{i}.1/31", "fe80::1/64"]),
                InterfaceInfo("ethu1.100", addresses=["10.80.1.1/26", "10.80.1.33/27"])
                if i == 1 else InterfaceInfo("ethu1.100")])
    res = cli("ipam import --from-devices --json", as_="ops")  # type: ignore[operator]
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert sorted(data["pools"]) == ["10.254.0.0/16", "10.255.0.0/16", "10.80.0.0/16",
                                     "198.18.0.0/16"]
    got = {c["prefix"]: (c["purpose"], c["district"]) for c in data["created"]}
    # made pools are city space: nothing in them carries a district label (issue 9 item 4)
    assert got == {"10.255.0.11/32": ("loopback", None), "10.255.0.12/32": ("loopback", None),
                   "198.18.0.0/24": ("mgmt", None), "10.254.1.0/31": ("interconnect", None),
                   "10.254.2.0/31": ("interconnect", None), "10.80.1.0/26": ("lan", None)}
    described = {c["prefix"]: c["description"] for c in data["created"]}
    assert described["10.80.1.0/26"] == "imported: no paperwork; seen on agg1 (金平区) ethu1.100"
    with read() as s:  # 10.80.1.33/27 is a secondary inside the /26: held by it
        rows = {(a.address, a.device, a.interface) for a in s.exec(select(IpAddress))}
    assert ("198.18.0.11", "agg1", "mgmt0") in rows and ("198.18.0.12", "agg2", "mgmt0") in rows
    assert len(rows) == data["addresses"] == 7
    usage = {u["prefix"]: u["used"] for u in json.loads(
        cli("ipam utilization --json", as_="ops").out)}  # type: ignore[operator]
    assert usage == {"10.254.0.0/16": 4, "10.255.0.0/16": 2, "10.80.0.0/16": 64,
                     "198.18.0.0/16": 256}
