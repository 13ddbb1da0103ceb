from __future__ import annotations


def test_allocate_roundtrip(db, cli):
    assert cli("ipam vrf add 公用网络区").code == 0
    assert cli("ipam pool add 10.0.0.0/8").code == 0
    assert cli("org district add 金平区 --code jp").code == 0
    assert cli("ipam delegate --district 金平区 --size /16").code == 0
    assert cli("org unit add 市教育局 --district 金平区").code == 0
    r = cli("ipam allocate --owner 市教育局 --hosts 50 --district 金平区 --json")
    assert r.code == 0, r.err
    assert '"10.0.0.0/26"' in r.out


def test_on_postgres_too(any_db, cli):
    assert cli("ipam vrf add public").code == 0
    assert cli("ipam pool add 10.0.0.0/8").code == 0
    r = cli("ipam pool add 10.1.0.0/16")
    assert r.code == 4 and "overlaps" in r.err
