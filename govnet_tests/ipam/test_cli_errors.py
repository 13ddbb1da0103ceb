"""Every bad-input path, typed as a user would: exit code, one-line message, nothing changed."""

from __future__ import annotations

import pytest

from govnet_tests.conftest import db_snapshot

U = "金平区教育局"
CASES = [
    # (command, as, exit code, message fragment)
    ("ipam pool add 10.0.0.300/24 --vrf public", None, 2, "is not a valid CIDR prefix"),
    ("ipam pool add 10.9.0.1/24 --vrf public", None, 2, "has host bits set; did you mean 10.9.0.0/24?"),
    ("ipam reserve 172.16.0.0/24 --reason x --vrf public", None, 2, "outside every pool"),
    (f"ipam allocate --owner {U} --size /8 --within 10.0.0.0/20 --vrf public", None, 2,
     "does not fit inside 10.0.0.0/20"),
    (f"ipam allocate --owner {U} --size /29 --within 10.0.32.0/29 --vrf public", None, 2,
     "no prefix 10.0.32.0/29"),
    (f"ipam allocate --owner {U} --size /28 --district 火星区 --vrf public", None, 2,
     "unknown district '火星区'"),
    ("ipam allocate --owner 无此单位 --size /28 --district 金平区 --vrf public", None, 2,
     "unknown unit '无此单位'"),
    (f"ipam allocate --owner {U} --size /28 --district 金平区 --vrf nosuch", None, 2,
     "unknown VRF 'nosuch'"),
    (f"ipam allocate --owner {U} --size 255.255.255.0 --within 2001:db8::/48 --vrf public",
     None, 2, "IPv4 netmask but the space is IPv6"),
    (f"ipam allocate --owner {U} --size /24 --family 4 --within 2001:db8::/48 --vrf public",
     None, 2, "IPv4 asked of 2001:db8::/48"),
    ("ipam pool add 10.0.128.0/17 --vrf public", None, 4, "overlaps pool 10.0.0.0/16"),
    ("ipam pool add 10.0.0.0/16 --vrf public", None, 4, "pool 10.0.0.0/16 exists already"),
    ("ipam release 10.0.5.0/24 --vrf public", None, 2, "is not allocated"),
    ("ipam release 10.0.0.0/16 --vrf public", None, 4, "pools are not released"),
    ("ipam allocate --owner 龙湖区民政局 --size /28 --within 10.0.16.0/20 --vrf public", "jp-ops",
     3, "may not allocate in 10.0.16.0/20 outside its district"),
    (f"ipam allocate --owner {U} --size /28 --within 10.0.0.0/16 --vrf public", "jp-ops", 3,
     "may allocate only inside its district's blocks"),
    ("ipam allocate --owner 市教育局 --size /28 --district 金平区 --vrf public", "edu", 3,
     "edu (applicant) may not allocate addresses"),
    ("ipam pool add 10.50.0.0/16 --vrf public", "jp-ops", 3, "may not add pools"),
    ("ipam allocate --owner x --size /28 --district 金平区", "nobody", 3, "unknown user 'nobody'"),
    (f"ipam allocate --owner {U} --hosts 0 --district 金平区 --vrf public", None, 2,
     "--hosts must be at least 1"),
    (f"ipam allocate --owner {U} --district 金平区 --vrf public", None, 2,
     "give --size /N or --hosts N"),
    (f"ipam allocate --owner {U} --size /28 --vrf public", None, 2, "give --district D or --within"),
    ("ipam allocate --size /28 --district 金平区", None, 2, "Missing option '--owner'"),
    ("ipam approve-application 99", None, 2, "no block application 99"),
]


@pytest.mark.parametrize("command,as_,code,message", CASES, ids=[c[3][:40] for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(plan, cli, command, as_, code, message):
    before = db_snapshot()
    r = cli(command, as_=as_)
    assert (r.code, r.out) == (code, ""), r.err
    assert message in r.err
    assert r.err.startswith("error: ") and r.err.count("\n") == 1, r.err  # one line
    assert "Traceback" not in r.err
    assert db_snapshot() == before


def test_exhausted_parent(plan, cli):
    assert cli(f"ipam allocate --owner {U} --size /21 --district 金平区 --vrf public").code == 0
    assert cli(f"ipam allocate --owner {U} --size /21 --district 金平区 --vrf public").code == 0
    before = db_snapshot()
    r = cli(f"ipam allocate --owner {U} --size /30 --district 金平区 --vrf public")
    assert r.code == 4 and r.err.startswith("error: no free /30 left in 10.0.0.0/20"), r.err
    assert db_snapshot() == before
