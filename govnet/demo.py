"""The Shantou demo data set (汕头): districts, zones, pools, blocks, units, allocations.

Demo devices are marked ``demo``: govnet refuses to connect to them before any
packet leaves. The addresses are private (10/8), IPv6 documentation space
(2001:db8::/32) and TEST-NET-2 for the internet access zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from govnet import audit, org
from govnet.auth import Actor, load_actor, require
from govnet.errors import Conflict
from govnet.models import AuditEvent, Role, User, table_of
from govnet.references import LABELS
from govnet.schema import load_models

DISTRICTS = [  # name, code
    ("金平区", "jinping"), ("龙湖区", "longhu"), ("濠江区", "haojiang"), ("澄海区", "chenghai"),
    ("潮阳区", "chaoyang"), ("潮南区", "chaonan"), ("南澳县", "nanao"),
]
ZONES = [  # name, description, pools
    ("公用网络区", "public zone 公用网络区", ["10.80.0.0/13", "2001:db8:5400::/40"]),
    ("专用网络区", "departments' private zone 专用网络区", ["10.96.0.0/14"]),
    ("互联网接入区", "internet access zone 互联网接入区", ["198.51.100.0/24"]),
]
# The non-public zones' VPN instance / VRF on devices: name, route distinguisher (= RT).
ZONE_INSTANCES = {"专用网络区": ("ZWZY", "65000:20"), "互联网接入区": ("ZWHLW", "65000:30")}
CITY_UNITS = ["市教育局", "市卫生健康局", "市公安局", "市人力资源和社会保障局", "市政务服务数据管理局"]
DISTRICT_UNITS = {
    "金平区": ["金平区教育局", "金平区卫生健康局", "金平区石炮台街道办事处"],
    "龙湖区": ["龙湖区人民政府办公室", "龙湖区民政局"],
    "濠江区": ["濠江区财政局"],
    "澄海区": ["澄海区教育局", "澄海区人民医院"],
    "潮阳区": ["潮阳区农业农村局"],
    "潮南区": ["潮南区市场监督管理局"],
    "南澳县": ["南澳县人民政府办公室"],
}
USERS = [  # name, role, district, unit
    ("authority", Role.authority, None, None),
    ("city-ops", Role.municipal_operator, None, None),
    ("jinping-ops", Role.district_operator, "金平区", None),
    ("longhu-ops", Role.district_operator, "龙湖区", None),
    ("edu-applicant", Role.applicant, None, "市教育局"),
    ("auditor", Role.auditor, None, None),
]

# Demo devices: a core and one aggregation router per district, all marked demo (never
# contacted). Hosts are in TEST-NET-1 (192.0.2.0/24), a documentation range.
DEVICE_PLATFORMS = ["huawei_vrp", "h3c_comware", "huawei_vrpv8", "cisco_ios"]
PORTS = {"huawei_vrp": "GigabitEthernet0/0/1", "huawei_vrpv8": "GigabitEthernet0/0/1",
         "h3c_comware": "GigabitEthernet1/0/1", "cisco_ios": "GigabitEthernet0/1"}
REQUESTS = [  # unit, hosts, site, contact, purpose, what happens to it
    ("市教育局", 200, "汕头市金平区东厦北路", "陈工 0754-88100001", "教育局机关办公网接入", "approved"),
    ("金平区教育局", 60, "金平区金砂路 45 号", "林工 0754-88200002", "区教育局业务专网接入", "returned"),
    ("龙湖区民政局", 30, "龙湖区长平路 8 号", "黄工 0754-88300003", "民政业务系统接入", "submitted"),
    ("澄海区人民医院", 120, "澄海区中山路 1 号", "蔡工 0754-88400004", "医院互联网接入", "rejected"),
]

SYSTEM = Actor(name="demo-seed", role=Role.admin)


SEEDED, RESET = "demo.seed", "demo.reset"  # audit actions: the chain says what the demo made
_KEPT = {table_of(AuditEvent).name, "audithead"}  # the audit chain: never wiped


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table outside the audit chain (tables with rows only)."""
    counts = {}
    for table in load_models().metadata.sorted_tables:
        if table.name not in _KEPT:
            n = session.execute(select(func.count()).select_from(table)).scalar_one()
            if n:
                counts[table.name] = n
    return counts


@dataclass(frozen=True)
class Contents:
    """What a database holds, as far as the demo is concerned.

    ``kind`` is ``empty`` (nothing but admins, e.g. after ``govnet init``), ``demo`` (the
    newest ``demo.seed`` event names the tables it left) or ``other``. ``changes`` are the
    audit events after that seed (anchors by ``govnet audit head`` change no row and are
    not counted); ``drift`` the row counts that differ from the seed's when no audited
    change explains them: rows changed behind govnet's back. (With audited changes the
    counts are expected to differ, so an unaudited change among them is not detected.)
    """

    kind: str
    counts: dict[str, int]
    seeded_at: datetime | None = None
    changes: list[AuditEvent] = field(default_factory=list)
    drift: dict[str, int] = field(default_factory=dict)

    @property
    def pristine(self) -> bool:
        """Everything in it is what the demo created (or there is nothing)."""
        return self.kind == "empty" or (self.kind == "demo" and not self.changes
                                        and not self.drift)

    def summary(self) -> str:
        if self.kind == "demo":
            parts = []
            if self.changes:
                newest = self.changes[-1]
                parts.append(f"{len(self.changes)} change(s) since the demo was seeded (newest: "
                             f"#{newest.seq} {newest.action} by {newest.actor})")
            if self.drift:
                parts.append("rows changed without an audit event (outside govnet): "
                             + ", ".join(f"{t} {n:+d}" for t, n in self.drift.items()))
            return "; ".join(parts) or "unchanged since the demo was seeded"
        return "data the demo did not create (" + ", ".join(
            f"{LABELS.get(t, t)} ×{n}" for t, n in self.counts.items()) + ")"


def contents(session: Session) -> Contents:
    counts = table_counts(session)
    mark = session.scalars(select(AuditEvent).where(col(AuditEvent.action) == SEEDED)
                           .order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    if mark is not None:
        changes = list(session.scalars(select(AuditEvent).where(
            col(AuditEvent.seq) > mark.seq, col(AuditEvent.action) != audit.CHECKPOINT)
            .order_by(col(AuditEvent.seq))))
        then: dict[str, int] = (mark.after or {}).get("tables", {})
        drift = {} if changes else {  # audited changes explain any difference in counts
            t: counts.get(t, 0) - then.get(t, 0) for t in sorted({*counts, *then})
            if counts.get(t, 0) != then.get(t, 0)}
        return Contents("demo", counts, mark.at, changes, drift)
    only_admins = set(counts) <= {table_of(User).name} and not session.scalars(
        select(User).where(col(User.role) != Role.admin.value).limit(1)).first()
    return Contents("empty" if only_admins else "other", counts)


def wipe(session: Session, actor: str, found: Contents, *, force: bool) -> None:
    """Delete every row outside the audit chain, which is kept and records the reset
    (a database holding only admins keeps them: nothing is wiped).

    Refused (Conflict) when the database holds anything the demo did not create, unless
    ``force``; a forced wipe of such data needs an admin of that database.
    """
    if found.kind == "empty":  # only admins: they stay, the demo is seeded beside them
        return
    if not found.pristine:
        if not force:
            raise Conflict(f"the database holds {found.summary()}: 'govnet demo --reset --force' "
                           "wipes it (the audit chain is kept and records the reset)")
        if session.scalars(select(User).limit(1)).first() is not None:
            require(load_actor(session, actor), action="wipe a database holding other data")
    for table in reversed(load_models().metadata.sorted_tables):
        if table.name not in _KEPT:
            session.execute(delete(table))
    audit.record(session, actor, RESET, "database", "demo",
                 before={"tables": found.counts, "kind": found.kind,
                         "changes_since_seed": len(found.changes), "forced": force},
                 after={"tables": {}})


def seed_marked(session: Session, *, admin: str) -> dict[str, Any]:
    """:func:`seed` and a ``demo.seed`` audit event naming the rows it left."""
    counts = seed(session, admin=admin)
    audit.record(session, SYSTEM, SEEDED, "database", "demo",
                 after={"counts": counts, "tables": table_counts(session)})
    return counts


def seed(session: Session, *, admin: str, operations: bool = True) -> dict[str, Any]:
    """Seed the demo into an empty database; ``admin`` is the login user made admin.

    ``operations`` adds the demo devices and connection requests (tests that build
    their own devices and requests leave them out).
    """
    from ipam import applications, service

    if session.scalars(select(User).where(col(User.name) == admin)).first() is None:
        org.add_user(session, None, admin, role=Role.admin.value)
    for name, code in DISTRICTS:
        org.add_district(session, SYSTEM, name, code=code)
    for zone, description, pools in ZONES:
        device_name, rd = ZONE_INSTANCES.get(zone, (None, None))
        service.add_vrf(session, SYSTEM, zone, description=description,
                        device_name=device_name, rd=rd)
        for cidr in pools:
            service.add_pool(session, SYSTEM, cidr, vrf=zone, description=f"{zone} 市级地址池")
    for unit in CITY_UNITS:
        org.add_unit(session, SYSTEM, unit)
    for district, units in DISTRICT_UNITS.items():
        for unit in units:
            org.add_unit(session, SYSTEM, unit, district=district)
    for name, role, user_district, user_unit in USERS:
        org.add_user(session, None, name, role=role.value, district=user_district,
                     unit=user_unit)

    public, private = ZONES[0][0], ZONES[1][0]
    counts = {"blocks": 0, "allocations": 0, "applications": 0}
    for district, _code in DISTRICTS:
        service.delegate(session, SYSTEM, district=district, size="/16", vrf=public,
                         description=f"{district}区县地址块")
        service.delegate(session, SYSTEM, district=district, size="/48", vrf=public, family=6)
        counts["blocks"] += 2
        for i, unit in enumerate(DISTRICT_UNITS[district]):
            service.allocate(session, SYSTEM, owner=unit, hosts=(50, 200, 20)[i % 3],
                             district=district, vrf=public, description=f"{unit}办公网")
            service.allocate(session, SYSTEM, owner=unit, size="/64", district=district,
                             vrf=public, family=6, description=f"{unit} IPv6")
            counts["allocations"] += 2
    city_pool = ZONES[0][2][0]
    for unit in CITY_UNITS:
        service.allocate(session, SYSTEM, owner=unit, hosts=500, within=city_pool, vrf=public,
                         description=f"{unit}机关局域网")
        service.allocate(session, SYSTEM, owner=unit, size="/24", within=ZONES[1][2][0],
                         vrf=private, description=f"{unit}业务专网")
        counts["allocations"] += 2
    service.reserve(session, SYSTEM, "10.87.255.0/24", reason="核心设备互联保留 core links",
                    vrf=public)
    if operations:
        counts["devices"] = _seed_devices(session)
        counts["requests"] = _seed_requests(session, public)
    for district, size, reason in [("金平区", "/20", "街道办事处及社区接入扩容"),
                                   ("潮阳区", "/22", "乡镇卫生院接入"),
                                   ("南澳县", "/23", "海岛基站及应急指挥系统")]:
        actor = SYSTEM
        applications.apply(session, actor, district=district, size=size, reason=reason,
                           vrf=public)
        counts["applications"] += 1
    return counts


def _seed_devices(session: Session) -> int:
    from inventory import service as inventory

    inventory.add_device(session, SYSTEM, name="st-core-1", platform="huawei_vrpv8",
                         host="192.0.2.1", role="core", site="市政务云机房", demo=True)
    # City-level units (市教育局 …) attach to the city's own aggregation router.
    inventory.add_device(session, SYSTEM, name="st-agg-1", platform="huawei_vrp",
                         host="192.0.2.2", role="aggregation", site="市政务云机房", demo=True)
    inventory.add_port(session, SYSTEM, device="st-agg-1", name=PORTS["huawei_vrp"],
                       vlans=(100, 199), description="市直单位接入 city unit access")
    for i, (district, code) in enumerate(DISTRICTS):
        platform = DEVICE_PLATFORMS[i % len(DEVICE_PLATFORMS)]
        name = f"{code}-agg-1"
        inventory.add_device(session, SYSTEM, name=name, platform=platform,
                             host=f"192.0.2.{10 + i}", role="aggregation", district=district,
                             site=f"{district}政务服务中心机房", demo=True)
        inventory.add_port(session, SYSTEM, device=name, name=PORTS[platform],
                           vlans=(100, 199), description="单位接入 unit access")
    return len(DISTRICTS) + 2


def _seed_requests(session: Session, zone: str) -> int:
    from access import workflow

    authority = Actor(name="authority", role=Role.authority)
    for n, (unit, hosts, site, contact, purpose, fate) in enumerate(REQUESTS, start=1):
        request = workflow.submit(session, SYSTEM, unit=unit, zones=[zone], hosts=hosts,
                                  site=site, contact=contact, purpose=purpose,
                                  application_doc=None if fate == "returned"
                                  else f"汕政数申〔2026〕{n}号")
        assert request.id is not None  # flushed by submit
        if fate == "approved":
            workflow.approve(session, authority, request.id, doc=f"汕电政核〔2026〕{n}号")
        elif fate == "returned":
            workflow.return_request(session, authority, request.id,
                                    missing=["书面申请 written application",
                                             "网络安全责任人 security officer"])
        elif fate == "rejected":
            workflow.reject(session, authority, request.id,
                            reason="互联网接入应经互联网接入区统一出口 use the internet access zone")
    return len(REQUESTS)
