"""Longest-match lookup of a bare address (`govnet ipam lookup ADDRESS`)."""

from __future__ import annotations

import json

import pytest

from govnet_tests.conftest import db_snapshot


def test_lookup_finds_the_innermost_prefix(db, cli):
    cli("demo --no-tui")
    tree = json.loads(cli("ipam tree 10.80.0.0/16 --vrf 公用网络区 --depth 1 --json").out)
    child = tree[0]["children"][0]["prefix"]  # an allocation inside 金平区's block
    address = child.split("/")[0].rsplit(".", 1)[0] + ".5"
    found = json.loads(cli(f"ipam lookup {address} --json").out)
    assert [f["prefix"] for f in found] == [child]
    assert found[0]["vrf"] == "公用网络区" and found[0]["status"] == "allocated"
    block = json.loads(cli("ipam lookup 10.80.255.254 --vrf 公用网络区 --json").out)
    assert block[0]["prefix"] == "10.80.0.0/16" and block[0]["status"] == "delegated"


@pytest.mark.parametrize("command,code,message", [
    ("ipam lookup 10.80.1", 2, "is not a valid IP address"),
    ("ipam lookup 172.16.0.1", 2, "no prefix holds 172.16.0.1"),
    ("ipam lookup 10.80.1.5 --vrf 火星网", 2, "unknown VRF"),
])
def test_lookup_refused(db, cli, command, code, message):
    cli("demo --no-tui")
    before = db_snapshot()
    r = cli(command)
    assert r.code == code and message in r.err and r.err.count("\n") == 1, r.err
    assert db_snapshot() == before
