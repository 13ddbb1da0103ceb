"""FRR driver rules without a router: remediation lines and JSON/uptime parsing.

The lab tests prove these lines on real FRR; here they are pinned as data.
"""

from __future__ import annotations

import pytest

from inventory.drivers import ConnectionTarget
from inventory.drivers.frr import FrrDriver, frr_interval_seconds

BASE = """Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname agg1
service integrated-vtysh-config
!
interface eth-core
 description to-core
 ip address 10.254.1.1/31
exit
!
router ospf
 network 10.254.1.0/31 area 0
exit
!
end
"""

ATTACHED = BASE.replace("router ospf\n", """interface ethu1.100
 description GOV-UNIT-A
 ip address 10.100.1.1/30
exit
!
ip route 10.9.0.0/24 10.100.1.2
!
router ospf
 network 10.100.1.0/30 area 0
""")


@pytest.fixture
def driver() -> FrrDriver:
    return FrrDriver(ConnectionTarget(name="agg1", platform="frr", host="198.18.0.11"))


def test_detach_empties_the_interface_instead_of_deleting_it(driver: FrrDriver) -> None:
    # FRR refuses `no interface X` for a kernel interface: negate its lines instead.
    lines = [line.strip() for line in driver.remediation(ATTACHED, BASE)]
    assert "no interface ethu1.100" not in lines
    assert lines[lines.index("interface ethu1.100") + 1:][:2] == [
        "no description", "no ip address 10.100.1.1/30"]
    assert "no ip route 10.9.0.0/24 10.100.1.2" in lines
    assert "no network 10.100.1.0/30 area 0" in lines
    assert not any(line in ("exit-address-family", "end", "!") for line in lines)


def test_attach_adds_only_what_is_missing(driver: FrrDriver) -> None:
    lines = [line.strip() for line in driver.remediation(BASE, ATTACHED)]
    assert lines.count("ip address 10.100.1.1/30") == 1
    assert not any(line.startswith("no ") for line in lines)
    assert "frr version 8.4.4" not in lines


def test_second_address_is_added_not_replaced(driver: FrrDriver) -> None:
    # FRR's `ip address` is additive (IOS replaces the primary): keep the old one.
    more = BASE.replace(" ip address 10.254.1.1/31\n",
                        " ip address 10.254.1.1/31\n ip address 10.77.0.1/24\n")
    lines = [line.strip() for line in driver.remediation(BASE, more)]
    assert lines == ["interface eth-core", "ip address 10.77.0.1/24", "exit"]


def test_description_change_is_one_line(driver: FrrDriver) -> None:
    changed = BASE.replace("description to-core", "description to-core-2")
    lines = [line.strip() for line in driver.remediation(BASE, changed)]
    assert lines == ["interface eth-core", "description to-core-2", "exit"]


def test_identical_configs_need_nothing(driver: FrrDriver) -> None:
    assert driver.remediation(ATTACHED, ATTACHED.replace("Building configuration...\n", "")) == []


@pytest.mark.parametrize(("text", "seconds"), [
    ("00:00:36", 36), ("23:59:59", 86399), ("1d02h03m", 93780), ("2w3d04h", 1483200),
    ("", None), ("never", None)])
def test_frr_uptime_formats(text: str, seconds: int | None) -> None:
    assert frr_interval_seconds(text) == seconds
