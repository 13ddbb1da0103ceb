"""What the TUI tests add to the demo: one request, two devices with backups.

Written through the services (as a user would), at the fixed clock of conftest.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from govnet.auth import load_actor

RUNNING_1 = """sysname jp-agg-1
#
interface GigabitEthernet0/0/1
 description to-units
#
interface GigabitEthernet0/0/1.101
 description 金平区卫生健康局
 dot1q termination vid 101
 ip address 10.80.1.1 255.255.255.0
#
return
"""
RUNNING_2 = RUNNING_1.replace(" ip address 10.80.1.1 255.255.255.0",
                              " ip address 10.80.1.1 255.255.255.0\n"
                              " ip binding vpn-instance gov-public") + \
    "interface GigabitEthernet0/0/1.102\n description 金平区教育局\n dot1q termination vid 102\n"


def add_world(session: Session, clock: datetime) -> None:
    from access import workflow
    from inventory import backup
    from inventory import service as inventory

    admin = load_actor(session, "admin")
    workflow.submit(session, admin, unit="金平区卫生健康局", zones=["公用网络区"], hosts=100,
                    site="汕头市金平区卫生路 8 号", contact="李工 0754-88000001",
                    purpose="卫生健康局办公网接入", application_doc="JP-WS-2026-3")
    dev = inventory.add_device(session, admin, name="jp-agg-1", platform="huawei_vrp",
                               host="10.255.1.1", role="aggregation", district="金平区",
                               site="金平区政务中心机房", demo=True)
    inventory.add_port(session, admin, device="jp-agg-1", name="GigabitEthernet0/0/1",
                       vlans=(100, 199), description="to units")
    port = inventory.find_port(session, dev, "GigabitEthernet0/0/1")
    inventory.claim_vlan(session, admin, port, 101, owner="金平区卫生健康局")
    for text in (RUNNING_1, RUNNING_2):
        snap, _stored = backup.store_snapshot(session, admin, dev, text)
        snap.taken_at = clock
    inventory.record_contact(session, admin, dev, ok=True)
    lh = inventory.add_device(session, admin, name="lh-agg-1", platform="h3c_comware",
                              host="10.255.2.1", role="aggregation", district="龙湖区",
                              site="龙湖区政务中心", demo=True)
    inventory.record_contact(session, admin, lh, ok=False, error="lh-agg-1: timed out")
    add_finding(session, dev.district_id)


def add_finding(session: Session, district_id: int | None) -> None:
    """A finding as a compliance scan of jp-agg-1 would leave it (demo devices are never
    contacted, so the scan itself cannot run here)."""
    from compliance.models import Finding

    session.add(Finding(
        fingerprint="tui-test-unapproved-1", type="unapproved", severity="high",
        device="jp-agg-1", interface="GigabitEthernet0/0/1.102", vlan=102, vrf="",
        prefix="10.80.9.0/24", detail="10.80.9.0/24 configured with no allocation or "
        "approval behind it (Art. 41)", evidence="interface GigabitEthernet0/0/1.102\n"
        " description 金平区教育局\n dot1q termination vid 102\n ip address 10.80.9.1 "
        "255.255.255.0", district_id=district_id))
    session.flush()
