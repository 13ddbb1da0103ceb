"""The endpoints issue 17 added, over real HTTPS against ``govnet serve`` (SQLite and
PostgreSQL): users and organization, tokens, audit head, IPAM edits/lookups/imports,
private networks, handover and cpe-config, disconnect/resume, inventory writes and
device contact, compliance. Each answer is compared with the CLI's ``--json`` for the same
question; refusals by role (403), by scope (404; 403 until the services hide what is out
of scope), and bad input (400) change nothing."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select, update

from govnet import db as gdb
from govnet_tests.api.conftest import Server
from govnet_tests.conftest import db_snapshot

JINPING, LONGHU, PUBLIC = "金平区", "龙湖区", "公用网络区"
OUT_OF_SCOPE = (403, 404)  # h6 turns the 403s of objects outside scope into 404s


def _cli_json(cli, command: str, as_: str = "admin"):  # type: ignore[no-untyped-def]
    res = cli(f"{command} --json", as_=as_)
    assert res.code == 0, res.err
    return json.loads(res.out)


def _refused(c, method: str, path: str, status: int | tuple[int, ...], **kw):  # type: ignore[no-untyped-def]
    """``method path`` is refused with ``status`` and changes nothing."""
    before = db_snapshot()
    r = c.request(method, path, **kw)
    wanted = status if isinstance(status, tuple) else (status,)
    assert r.status_code in wanted, (path, r.status_code, r.text)
    assert set(r.json()) >= {"error", "detail"} and "\n" not in r.json()["detail"]
    assert db_snapshot() == before
    return r


# -- users, districts, units ---------------------------------------------------------------

def test_users_and_org_read_as_the_cli_says(api: Server, cli) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        assert c.get("/api/v1/users").json() == _cli_json(cli, "user list")
        assert c.get("/api/v1/org").json() == _cli_json(cli, "org list")
    with api.client("jinping-ops") as c:  # a district agency lists its own units
        mine = c.get("/api/v1/org").json()
        assert mine == _cli_json(cli, "org list", as_="jinping-ops")
        assert {u["district"] for u in mine["units"]} <= {JINPING, None}
        assert "金平区教育局" in {u["name"] for u in mine["units"]}
        assert "龙湖区民政局" not in {u["name"] for u in mine["units"]}


def test_org_writes_by_admin_and_refusals(api: Server, cli) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        r = c.post("/api/v1/districts", json={"name": "测试区", "code": "ceshi"})
        assert r.status_code == 201 and r.json() == {"name": "测试区", "code": "ceshi"}
        r = c.post("/api/v1/units", json={"name": "测试区教育局", "district": "测试区"})
        assert r.status_code == 201 and r.json() == {"name": "测试区教育局", "district": "测试区"}
        r = c.post("/api/v1/units/测试区教育局/rename", json={"name": "测试区教育和体育局"})
        assert r.json() == {"name": "测试区教育和体育局", "was": "测试区教育局"}
        r = c.post("/api/v1/users", json={"name": "ceshi-ops", "role": "district_operator",
                                          "district": "测试区"})
        assert r.status_code == 201, r.text
        assert r.json()["role"] == "district_operator" and r.json()["district"] == "测试区"
        r = c.post("/api/v1/users/ceshi-ops/role", json={"role": "auditor"})
        assert r.status_code == 200 and r.json()["role"] == "auditor", r.text
        _refused(c, "DELETE", "/api/v1/districts/测试区", 409)  # a unit is in it
        assert c.delete("/api/v1/users/ceshi-ops").json()["name"] == "ceshi-ops"
        assert c.delete("/api/v1/units/测试区教育和体育局").status_code == 200
        r = c.post("/api/v1/districts/ceshi/rename", json={"name": "测试新区"})
        assert r.json() == {"name": "测试新区", "code": "ceshi", "was": "ceshi"}
        assert c.delete("/api/v1/districts/测试新区").json()["name"] == "测试新区"
        _refused(c, "DELETE", "/api/v1/units/没有这个单位", 404)
        _refused(c, "POST", "/api/v1/units", 400, json={"name": "坏\x00名"})
        _refused(c, "POST", "/api/v1/users", 400, json={"name": "x", "role": "emperor"})
        _refused(c, "POST", "/api/v1/units", 400, json={"name": "x", "extra": 1})
    with api.client("jinping-ops") as c:
        _refused(c, "POST", "/api/v1/units", 403, json={"name": "金平区新单位",
                                                      "district": JINPING})
        _refused(c, "POST", "/api/v1/users", 403, json={"name": "x", "role": "admin"})
        _refused(c, "DELETE", "/api/v1/units/龙湖区民政局", (*OUT_OF_SCOPE, 403))
    with api.client(token=api.tokens["reader"]) as c:  # a read-only token never writes
        _refused(c, "POST", "/api/v1/districts", 403, json={"name": "只读区"})


# -- tokens ----------------------------------------------------------------------------------

def test_token_create_shows_the_secret_once_list_and_revoke(api: Server, cli) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        r = c.post("/api/v1/tokens", json={"user": "auditor", "expires": "1d",
                                           "read_only": True, "description": "审计脚本"})
        assert r.status_code == 201, r.text
        made = r.json()
        secret = made.pop("token")
        assert secret.startswith("govnet_") and made["user"] == "auditor" and made["read_only"]
        listed = c.get("/api/v1/tokens").json()
        assert listed == _cli_json(cli, "token list")
        assert secret not in json.dumps(listed) and made["key"] in {t["key"] for t in listed}
        _refused(c, "POST", "/api/v1/tokens", 400, json={"user": "auditor", "expires": "soon"})
        _refused(c, "POST", "/api/v1/tokens", 404, json={"user": "nobody-here"})
    with api.client("robot", token=secret) as c:  # the new token works, read-only
        assert c.get("/api/v1/audit/verify").json()["ok"] is True
        assert made["key"] in {t["key"] for t in c.get("/api/v1/tokens").json()}
        _refused(c, "POST", "/api/v1/audit/head", 403)  # the auditor may; its read-only token not
    with api.client("jinping-ops") as c:
        _refused(c, "POST", "/api/v1/tokens", 403, json={"user": "jinping-ops"})
        _refused(c, "POST", f"/api/v1/tokens/{made['key']}/revoke", 403)
    with api.client(token=api.tokens["admin"]) as c:
        r = c.post(f"/api/v1/tokens/{made['key']}/revoke")
        assert r.status_code == 200 and r.json()["state"] == "revoked"
        _refused(c, "POST", f"/api/v1/tokens/{made['key']}/revoke", 409)
        _refused(c, "POST", "/api/v1/tokens/ffffffffffff/revoke", 404)
    with api.client("robot", token=secret) as c:
        assert c.get("/api/v1/vrfs").status_code == 401


# -- audit ----------------------------------------------------------------------------------

def test_audit_head_then_verify_with_it(api: Server, cli) -> None:
    with api.client(token=api.tokens["city-ops"]) as c:
        r = c.post("/api/v1/audit/head")
        assert r.status_code == 200, r.text
        head = r.json()["head"]
        assert r.json()["seq"] >= 1 and r.json()["heads"] == [head] and r.json()["recorded"]
        assert set(r.json()) == set(_cli_json(cli, "audit head", as_="city-ops"))
        _refused(c, "GET", "/api/v1/audit/verify", 400, params={"head": "0000"})
        v = c.get("/api/v1/audit/verify", params={"head": head}).json()
        assert v["ok"] is True
        _refused(c, "GET", "/api/v1/audit/verify", 400, params={"head": "x\x01"})
    with api.client("jinping-ops") as c:
        _refused(c, "POST", "/api/v1/audit/head", 403)


# -- IPAM -----------------------------------------------------------------------------------

def test_lookup_edit_and_removals(api: Server, cli) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        found = c.get("/api/v1/lookup", params={"address": "10.80.0.1"}).json()
        assert found == _cli_json(cli, "ipam lookup 10.80.0.1")
        assert found and found[0]["prefix"].startswith("10.80.")
        _refused(c, "GET", "/api/v1/lookup", 400, params={"address": "not-an-address"})
        pool = c.post("/api/v1/pools", json={"prefix": "172.20.0.0/16", "vrf": PUBLIC}).json()
        r = c.patch(f"/api/v1/prefixes/{pool['id']}", json={"description": "测试池"})
        assert r.status_code == 200 and r.json()["description"] == "测试池", r.text
        shown = _cli_json(cli, f"ipam show 172.20.0.0/16 --vrf {PUBLIC}")
        assert {k: shown[k] for k in r.json()} == r.json()
        _refused(c, "PATCH", f"/api/v1/prefixes/{pool['id']}", 400, json={})
        _refused(c, "PATCH", "/api/v1/prefixes/2147483647", 404, json={"description": "x"})
        r = c.post("/api/v1/vrfs", json={"name": "测试区", "device_name": "CESHI",
                                         "rd": "65000:99"})
        assert r.status_code == 201 and r.json() == {"name": "测试区", "description": "",
                                                     "device_name": "CESHI", "rd": "65000:99",
                                                     "rt": "65000:99"}, r.text
        _refused(c, "POST", "/api/v1/vrfs", 400, json={"name": "坏区", "rd": "nope"})
    with api.client("jinping-ops") as c:
        _refused(c, "PATCH", f"/api/v1/prefixes/{pool['id']}", (*OUT_OF_SCOPE,),
                 json={"description": "x"})
        _refused(c, "DELETE", f"/api/v1/pools/{pool['id']}", (*OUT_OF_SCOPE,))
        _refused(c, "DELETE", "/api/v1/vrfs/测试区", 403)
    with api.client(token=api.tokens["admin"]) as c:
        r = c.delete(f"/api/v1/pools/{pool['id']}")
        assert r.status_code == 200 and r.json()["prefix"] == "172.20.0.0/16", r.text
        assert c.delete("/api/v1/vrfs/测试区").json()["name"] == "测试区"
        _refused(c, "DELETE", f"/api/v1/vrfs/{PUBLIC}", 409)  # it holds prefixes


def test_import_csv(api: Server) -> None:
    csv = ("prefix,vrf,status,district,owner,description\n"
           f"172.31.0.0/16,{PUBLIC},container,,,旧网络\n"
           f"172.31.1.0/24,{PUBLIC},allocated,,市教育局,旧教育局网\n")
    with api.client(token=api.tokens["admin"]) as c:
        r = c.post("/api/v1/imports/csv", content=csv.encode(),
                   headers={"Content-Type": "text/csv"})
        assert r.status_code == 200, r.text
        assert {p["prefix"] for p in r.json()["created"]} >= {"172.31.1.0/24"}
        _refused(c, "POST", "/api/v1/imports/csv", (400, 409), content=csv.encode(),
                 headers={"Content-Type": "text/csv"})
        r = c.post("/api/v1/imports/csv", params={"skip_existing": "true"}, content=csv.encode(),
                   headers={"Content-Type": "text/csv"})
        assert r.status_code == 200 and len(r.json()["skipped"]) == 2, r.text
        _refused(c, "POST", "/api/v1/imports/csv", 400, content=b"prefix\n\xff\xfe",
                 headers={"Content-Type": "text/csv"})
    with api.client("jinping-ops") as c:
        _refused(c, "POST", "/api/v1/imports/csv", 403, content=csv.encode(),
                 headers={"Content-Type": "text/csv"})


# -- private networks ------------------------------------------------------------------------

def test_private_network_file_apply_approve_list(api: Server, cli) -> None:
    body = {"kind": "filing", "owner": "金平区教育局", "name": "教育城域网", "prefixes": ["192.168.40.0/22"],
            "interconnection": "金平区汇聚 jinping-agg-1"}
    with api.client("jinping-ops") as c:
        r = c.post("/api/v1/private-networks", json=body)
        assert r.status_code == 201 and r.json()["state"] == "filed", r.text
        application = body | {"kind": "application", "name": "视频会议网",
                              "prefixes": ["192.168.60.0/24"]}
        _refused(c, "POST", "/api/v1/private-networks", 400, json=application)  # no plan
        _refused(c, "POST", "/api/v1/private-networks", 400, json=body | {"kind": "x"})
        r = c.post("/api/v1/private-networks", json=application | {"plan": "金平教〔2026〕7号"})
        assert r.status_code == 201 and r.json()["state"] == "pending", r.text
        pending = r.json()["id"]
        _refused(c, "POST", "/api/v1/private-networks", (*OUT_OF_SCOPE, 403),
                 json=body | {"owner": "龙湖区民政局", "prefixes": ["192.168.80.0/24"]})
        _refused(c, "POST", f"/api/v1/private-networks/{pending}/approve", 403,
                 json={"doc": "x"})
        _refused(c, "POST", "/api/v1/private-networks", 400,
                 json=body | {"prefixes": ["999.1.1.0/24"]})
    with api.client(token=api.tokens["authority"]) as c:
        r = c.post(f"/api/v1/private-networks/{pending}/approve", json={"doc": "汕电政核〔2026〕9号"})
        assert r.status_code == 200 and r.json()["state"] == "approved", r.text
        listed = c.get("/api/v1/private-networks").json()
        assert listed["results"] == _cli_json(cli, "access private-network list",
                                              as_="authority")
        assert c.get(f"/api/v1/private-networks/{pending}").json() == _cli_json(
            cli, f"access private-network show {pending}", as_="authority")
    with api.client("longhu-ops") as c:
        _refused(c, "GET", f"/api/v1/private-networks/{pending}", OUT_OF_SCOPE)


# -- handover, cpe-config, disconnect, resume ------------------------------------------------

@pytest.mark.parametrize(("method", "path", "command"), [
    ("GET", "/api/v1/requests/1/handover", "access handover 1"),
    ("GET", "/api/v1/requests/1/handover?format=html", "access handover 1 --format html"),
    ("GET", "/api/v1/requests/1/cpe-config", "access cpe-config 1"),
    ("POST", "/api/v1/requests/1/disconnect", "access disconnect 1"),
    ("POST", "/api/v1/requests/1/resume", "access resume 1"),
])
def test_request_operations_refuse_as_the_cli_does(api: Server, cli, method: str, path: str,
                                                   command: str) -> None:
    """Request 1 is approved, not connected: the sheet, the day-0 config, disconnecting and
    resuming are refused (409) with the CLI's own message."""
    with api.client(token=api.tokens["city-ops"]) as c:
        r = _refused(c, method, path, 409)
    res = cli(command, as_="city-ops")
    assert res.code == 4 and r.json()["detail"] in res.err.strip().splitlines()[-1]
    with api.client("edu-applicant") as c:  # 市教育局's applicant reads its own request
        if method == "POST":
            _refused(c, method, path, 403)
    with api.client("longhu-ops") as c:  # another district's request
        _refused(c, method, path, OUT_OF_SCOPE)


def test_disconnect_dry_run_and_unknown_request(api: Server) -> None:
    with api.client(token=api.tokens["city-ops"]) as c:
        _refused(c, "GET", "/api/v1/requests/1/disconnect/diff", 409)
        _refused(c, "POST", "/api/v1/requests/99999/disconnect", 404)
        _refused(c, "POST", "/api/v1/requests/0/resume", 400)
        _refused(c, "POST", "/api/v1/requests/1/resume", 400, json={"rollback": "yes"})


# -- inventory ----------------------------------------------------------------------------------

def test_inventory_add_ports_export_import_remove(api: Server, cli) -> None:
    device = {"name": "jp-acc-9", "platform": "frr", "host": "192.0.2.99", "role": "access",
              "district": JINPING, "demo": True}
    with api.client("jinping-ops") as c:
        _refused(c, "POST", "/api/v1/devices", 403, json=device | {"district": LONGHU})
    with api.client(token=api.tokens["city-ops"]) as c:
        r = c.post("/api/v1/devices", json=device)
        assert r.status_code == 201, r.text
        assert r.json() == [d for d in _cli_json(cli, "inventory list") if d["name"] == "jp-acc-9"][0]
        r = c.post("/api/v1/devices/jp-acc-9/ports", json={"port": "eth1", "vlans": "200-299"})
        assert r.status_code == 201 and r.json()["vlans"] == "200-299", r.text
        assert c.get("/api/v1/devices/jp-acc-9/ports").json() == _cli_json(
            cli, "inventory ports list jp-acc-9")
        _refused(c, "POST", "/api/v1/devices/jp-acc-9/ports", 400,
                 json={"port": "eth2", "vlans": "0-5000"})
        _refused(c, "POST", "/api/v1/devices", 400, json=device | {"port": 70000})
        _refused(c, "POST", "/api/v1/devices", 409, json=device)  # exists, no replace
        csv = c.get("/api/v1/inventory/export", params={"format": "csv"})
        assert csv.status_code == 200 and "jp-acc-9" in csv.text
        assert csv.text == _cli_json(cli, "inventory export --format csv")["text"]
        rows = "\n".join(line.replace("jp-acc-9", "jp-acc-10").replace("192.0.2.99", "192.0.2.98")
                         for line in csv.text.splitlines() if line.startswith(("name", "jp-acc-9")))
        r = c.post("/api/v1/inventory/import", content=rows.encode(),
                   headers={"Content-Type": "text/csv"})
        assert r.status_code == 200 and [d["name"] for d in r.json()] == ["jp-acc-10"], r.text
        _refused(c, "POST", "/api/v1/inventory/import", 400, content=b"name,platform\nx,nope\n",
                 headers={"Content-Type": "text/csv"})
        assert c.delete("/api/v1/devices/jp-acc-10").json() == {"name": "jp-acc-10",
                                                                "removed": True}
    with api.client("longhu-ops") as c:
        _refused(c, "DELETE", "/api/v1/devices/jp-acc-9", OUT_OF_SCOPE)
        _refused(c, "POST", "/api/v1/devices/jp-acc-9/ports", OUT_OF_SCOPE,
                 json={"port": "eth3"})


def test_device_contact_refuses_demo_devices_and_scope(api: Server, cli) -> None:
    with api.client(token=api.tokens["city-ops"]) as c:
        r = _refused(c, "POST", "/api/v1/inventory/check", (400, 409, 502),
                     json={"names": ["jinping-agg-1"], "timeout": 2})
        res = cli("inventory check jinping-agg-1 --timeout 2", as_="city-ops")
        assert res.code != 0 and r.json()["detail"] in res.err
        r = c.post("/api/v1/inventory/backup", json={})  # demo devices are left out
        assert r.status_code == 200 and r.json() == [], r.text
        _refused(c, "POST", "/api/v1/inventory/check", 400, json={"names": []})
        _refused(c, "POST", "/api/v1/inventory/discover", 400, json={"workers": 0})
        _refused(c, "GET", "/api/v1/devices/jinping-agg-1/backups/live-diff", (400, 404, 409, 502))
    with api.client("jinping-ops") as c:
        _refused(c, "POST", "/api/v1/inventory/check", (*OUT_OF_SCOPE,),
                 json={"names": ["longhu-agg-1"]})


# -- compliance -----------------------------------------------------------------------------

def _finding() -> int:
    from compliance.models import Finding
    from govnet.models import District

    with gdb.transaction() as s:
        district = s.scalars(select(District).where(District.name == JINPING)).one()
        row = Finding(fingerprint=f"api-test-{time.monotonic_ns()}", type="unapproved",
                      severity="high", device="jinping-agg-1",
                      interface="GigabitEthernet0/0/1.102", vlan=102, vrf="",
                      prefix="10.80.9.0/24", detail="10.80.9.0/24 with no allocation (Art. 41)",
                      evidence="interface GigabitEthernet0/0/1.102", district_id=district.id)
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def test_compliance_scan_acknowledge_isolate_restore(api: Server, cli) -> None:
    number = _finding()
    with api.client(token=api.tokens["city-ops"]) as c:
        r = c.post("/api/v1/compliance/scans", json={})  # demo devices only: none contacted
        assert r.status_code == 200 and r.json()["devices"] == [], r.text
        r = c.post(f"/api/v1/findings/{number}/acknowledge", json={"note": "已通知单位"})
        assert r.status_code == 200 and r.json()["state"] == "acknowledged", r.text
        shown = _cli_json(cli, f"compliance show {number}", as_="city-ops")
        dates = {"first_seen", "last_seen", "acknowledged_at", "isolated_at", "restored_at"}
        assert {k: v for k, v in r.json().items() if k not in dates} == {  # ISO 8601 either way
            k: v for k, v in shown.items() if k not in dates}
        _refused(c, "POST", f"/api/v1/findings/{number}/isolate", 400, json={})
        _refused(c, "POST", f"/api/v1/findings/{number}/restore", 409)  # not isolated
        _refused(c, "POST", f"/api/v1/findings/{number}/resume", 409)  # no job
        _refused(c, "POST", "/api/v1/findings/2147483647/isolate", 404, json={"doc": "x"})
    with api.client("longhu-ops") as c:
        _refused(c, "POST", f"/api/v1/findings/{number}/acknowledge", OUT_OF_SCOPE)
    with api.client("edu-applicant") as c:
        _refused(c, "POST", f"/api/v1/findings/{number}/isolate", (403, 404),
                 json={"doc": "汕电政核〔2026〕40号"})
    with api.client(token=api.tokens["authority"]) as c:
        r = c.post(f"/api/v1/findings/{number}/isolate", json={"doc": "汕电政核〔2026〕40号"})
        assert r.status_code == 202, r.text
        url = r.json()["url"]
        assert r.headers["location"] == url and r.json()["finding"] == number
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = c.get(url).json()
            if job["state"] not in ("pending", "running"):
                break
            time.sleep(0.2)
        assert job["state"] in ("rolled_back", "failed"), job  # a demo device is never contacted
        assert "demo" in (job["error"] or "")
        assert c.get(f"/api/v1/findings/{number}").json().get("isolated") in (False, None)


def test_handover_sheet_as_markdown_html_and_json(api: Server, cli) -> None:
    """The sheet of a connected request (request 1 marked connected here: demo devices are
    never contacted, so provisioning cannot connect it), as the CLI prints it."""
    from access.models import ConnectionRequest

    with gdb.transaction() as s:
        s.execute(update(ConnectionRequest).where(ConnectionRequest.id == 1)
                  .values(state="connected"))
    try:
        with api.client("edu-applicant") as c:  # 市教育局's own request
            md = c.get("/api/v1/requests/1/handover")
            assert md.status_code == 200 and md.headers["content-type"].startswith(
                "text/markdown"), md.text
            res = cli("access handover 1", as_="edu-applicant")
            assert res.code == 0 and _unprinted(md.text) == _unprinted(res.out)
            html = c.get("/api/v1/requests/1/handover", params={"format": "html"})
            assert html.headers["content-type"].startswith("text/html") and "<" in html.text
            data = c.get("/api/v1/requests/1/handover", params={"format": "json"}).json()
            shown = _cli_json(cli, "access handover 1", as_="edu-applicant")
            assert data.pop("printed_at") and shown.pop("printed_at")
            assert data == shown and data["unit"] == "市教育局"
            _refused(c, "GET", "/api/v1/requests/1/handover", 400, params={"format": "pdf"})
        with api.client("longhu-ops") as c:
            _refused(c, "GET", "/api/v1/requests/1/handover", OUT_OF_SCOPE)
    finally:
        with gdb.transaction() as s:
            s.execute(update(ConnectionRequest).where(ConnectionRequest.id == 1)
                      .values(state="approved"))


def _unprinted(text: str) -> list[str]:
    """The sheet without its print time (a minute may turn between the two)."""
    return [line for line in text.splitlines() if "UTC" not in line]


def test_disconnect_a_failed_request(api: Server) -> None:
    """Provisioning on a demo device fails (never contacted); disconnecting the failed
    request then only changes its state: 200 with the outcome, no job (runs last: it ends
    request 1)."""
    with api.client(token=api.tokens["city-ops"]) as c:
        url = c.post("/api/v1/requests/1/provision").json()["url"]
        deadline = time.monotonic() + 60
        while c.get(url).json()["state"] in ("pending", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert c.get("/api/v1/requests/1").json()["state"] == "failed"
        with api.client("jinping-ops") as other:  # not its district's request
            _refused(other, "POST", "/api/v1/requests/1/disconnect", OUT_OF_SCOPE)
        r = c.post("/api/v1/requests/1/disconnect")
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "disconnected" and r.json()["job"] is None
        assert c.get("/api/v1/requests/1").json()["state"] == "disconnected"
        _refused(c, "POST", "/api/v1/requests/1/disconnect", 409)
