"""The small Shantou world the access tests share, and a database dump to prove
that a refused call changed nothing.

Districts 金平区 and 龙湖区; a city unit (市教育局) and one unit per district;
users of every role; zones with IPv4 pools (公用网络区, 专用网络区), an IPv6-only
zone (互联网接入区) and a zone without any pool (空区); an aggregation router
with an attachable port in 金平区.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlmodel import SQLModel

from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet.schema import load_models
from inventory.models import Device, Port
from ipam import service

CITY_UNIT = "市教育局"
JP_UNIT = "金平区卫生健康局"
LH_UNIT = "龙湖区教育局"
PUBLIC = "公用网络区"
PRIVATE = "专用网络区"
V6ZONE = "互联网接入区"
EMPTY = "空区"
DEVICE, PORT = "jp-agg1", "GigabitEthernet0/0/1"

USERS = {
    "edu": ("applicant", None, CITY_UNIT),
    "jp_unit": ("applicant", None, JP_UNIT),
    "lh_unit": ("applicant", None, LH_UNIT),
    "boss": ("authority", None, None),
    "jp_boss": ("authority", "金平区", None),
    "ops": ("municipal_operator", None, None),
    "jp_ops": ("district_operator", "金平区", None),
    "lh_ops": ("district_operator", "龙湖区", None),
    "inspector": ("auditor", None, None),
}


def build_world() -> None:
    """Create the districts, units, users, zones, pools and one device/port."""
    with transaction() as s:
        admin = load_actor(s, "admin")
        for name in ("金平区", "龙湖区"):
            org.add_district(s, admin, name)
        org.add_unit(s, admin, CITY_UNIT)
        org.add_unit(s, admin, JP_UNIT, district="金平区")
        org.add_unit(s, admin, LH_UNIT, district="龙湖区")
        for name, (role, district, unit) in USERS.items():
            org.add_user(s, admin, name, role=role, district=district, unit=unit)
        for zone, pools in ((PUBLIC, ("10.0.0.0/8", "2001:db8::/32")),
                            (PRIVATE, ("172.16.0.0/12",)), (V6ZONE, ("2001:db8:f000::/36",)),
                            (EMPTY, ())):
            service.add_vrf(s, admin, zone)
            for cidr in pools:
                service.add_pool(s, admin, cidr, vrf=zone)
        jp = org.find_district(s, "金平区")
        device = Device(name=DEVICE, platform="huawei_vrp", host="192.0.2.1", role="aggregation",
                        district_id=jp.id, demo=True)
        s.add(device)
        s.flush()
        s.add(Port(device_id=device.id, name=PORT, vlan_lo=100, vlan_hi=199))  # type: ignore[arg-type]


def submit_args(**override: Any) -> dict[str, Any]:
    """Keyword arguments of a valid ``workflow.submit`` for the city unit."""
    args: dict[str, Any] = dict(unit=CITY_UNIT, zones=[PUBLIC], hosts=50, site="金平区金砂路 1 号",
                                contact="张三 13800000000", purpose="办公网接入")
    return args | override


def dump() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table (audit chain included), in primary-key order."""
    load_models()
    result: dict[str, list[tuple[str, ...]]] = {}
    with read() as s:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = s.execute(select(table).order_by(*order)).all()
            result[table.name] = [tuple(map(str, row)) for row in rows]
    return result


def test_dump_sees_a_change(db: str) -> None:
    build_world()
    before = dump()
    assert before["unit"] and before["vrf"] and before["auditevent"]
    with transaction() as s:
        s.execute(text("UPDATE unit SET name = 'x' WHERE name = :n"), {"n": CITY_UNIT})
    assert dump() != before
