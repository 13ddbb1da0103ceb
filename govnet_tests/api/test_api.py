"""The network API over real HTTPS on SQLite and PostgreSQL: credentials, roles × scopes,
tokens, certificates, the NetBox shape with pynetbox, provisioning jobs, concurrency."""

from __future__ import annotations

import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from netaddr import IPNetwork
from sqlalchemy import text, update

from govnet import db as gdb
from govnet.models import ApiToken, utcnow
from govnet_tests.api.conftest import Server
from govnet_tests.conftest import db_snapshot

JINPING, LONGHU = "金平区", "龙湖区"
PUBLIC = "公用网络区"


def _block_of(api: Server, district: str) -> dict:
    with api.client(token=api.tokens["admin"]) as c:
        rows = c.get("/api/v1/prefixes", params={"status": "delegated", "limit": 100}).json()
    return next(p for p in rows["results"] if p["district"] == district and ":" not in p["prefix"])


def test_no_credential_is_401_and_a_bad_token_too(api: Server) -> None:
    before = db_snapshot()
    with api.client("robot") as c:  # a CA-signed certificate no user is mapped to
        r = c.get("/api/v1/vrfs")
        assert r.status_code == 401 and "no govnet user has the client certificate" in r.text
        r = c.post("/api/v1/vrfs", json={"name": "x"})
        assert r.status_code == 401
    with api.client("robot", token="govnet_0123456789ab." + "A" * 43) as c:
        r = c.get("/api/v1/vrfs")
        assert r.status_code == 401 and r.json() == {"detail": "unknown API token",
                                                     "error": "not_authenticated"}
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert db_snapshot() == before


def test_district_operator_does_its_art25_work_by_certificate(api: Server) -> None:
    block = _block_of(api, JINPING)
    with api.client("jinping-ops") as c:
        r = c.post("/api/v1/applications", json={"district": JINPING, "size": "/22",
                                                  "reason": "社区接入扩容"})
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "pending" and r.json()["applicant"] == "jinping-ops"
        r = c.post("/api/v1/allocations", json={"owner": "金平区教育局", "size": "/28",
                                                 "district": JINPING})
        assert r.status_code == 201, r.text
        got = r.json()
        assert got["district"] == JINPING and IPNetwork(got["prefix"]) in IPNetwork(block["prefix"])
        r = c.post("/api/v1/releases", json={"prefix": got["prefix"], "quarantine_days": 0})
        assert r.status_code == 200 and r.json()["status"] == "free"
        r = c.get("/api/v1/report", params={"district": JINPING})
        assert r.status_code == 200 and r.json()["district"] == JINPING
        r = c.get("/api/v1/applications")
        assert {a["district"] for a in r.json()["results"]} == {JINPING}
        shown = c.get(f"/api/v1/prefixes/{block['id']}").json()
        assert shown["prefix"] == block["prefix"] and "percent" in shown


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/v1/allocations", {"owner": "龙湖区民政局", "size": "/28", "district": LONGHU}),
    ("post", "/api/v1/allocations", {"owner": "市教育局", "size": "/28", "within": "10.80.0.0/13"}),
    ("post", "/api/v1/applications", {"district": LONGHU, "size": "/22", "reason": "x"}),
    ("post", "/api/v1/applications/1/approve", {}),
    ("post", "/api/v1/pools", {"prefix": "172.16.0.0/16"}),
    ("get", "/api/v1/report?district=" + LONGHU, None),
    ("post", "/api/v1/requests/1/approve", {"doc": "x"}),
    ("post", "/api/v1/releases", {"prefix": "10.87.255.0/24", "vrf": PUBLIC}),
])
def test_district_operator_is_refused_outside_its_district(api: Server, cli, method: str,
                                                           path: str, body: dict | None) -> None:
    before = db_snapshot()
    with api.client("jinping-ops") as c:
        r = c.request(method.upper(), path, json=body)
    assert r.status_code in (403, 404), r.text
    assert r.json()["error"] in ("not_permitted", "not_found")
    assert db_snapshot() == before


def test_a_refusal_reads_as_the_cli_says_it(api: Server, cli) -> None:
    before = db_snapshot()
    with api.client("jinping-ops") as c:
        r = c.post("/api/v1/allocations", json={"owner": "龙湖区民政局", "size": "/28",
                                                 "district": LONGHU})
    res = cli(f"ipam allocate --owner 龙湖区民政局 --size /28 --district {LONGHU}",
              as_="jinping-ops")
    assert r.status_code == 403 and res.code == 3
    assert res.err.strip() == f"error: {r.json()['detail']}"
    assert db_snapshot() == before


def test_applicant_acts_for_its_unit_only(api: Server) -> None:
    body = {"zones": [PUBLIC], "hosts": 20, "site": "x 路 1 号", "contact": "陈工 0754-1",
            "purpose": "接入", "application_doc": "汕政数申〔2026〕99号"}
    with api.client("edu-applicant") as c:
        r = c.post("/api/v1/requests", json={"unit": "市教育局", **body})
        assert r.status_code == 201, r.text
        mine = r.json()["id"]
        before = db_snapshot()
        r = c.post("/api/v1/requests", json={"unit": "市公安局", **body})
        assert r.status_code == 403, r.text
        assert c.get("/api/v1/requests/3").status_code == 404  # 龙湖区民政局's: unseen
        assert c.post("/api/v1/allocations", json={"owner": "市教育局", "size": "/28",
                                                    "within": "10.80.0.0/13"}).status_code == 403
        assert db_snapshot() == before
        units = {q["unit"] for q in c.get("/api/v1/requests").json()["results"]}
        assert units == {"市教育局"}
        assert c.post(f"/api/v1/requests/{mine}/withdraw").json()["state"] == "withdrawn"


def test_request_workflow_return_resubmit_approve_reject(api: Server) -> None:
    with api.client(token=api.tokens["authority"]) as auth, api.client("edu-applicant") as unit:
        r = unit.post("/api/v1/requests", json={
            "unit": "市教育局", "zones": [PUBLIC], "hosts": 10, "site": "s", "contact": "c 1",
            "purpose": "p"})
        n = r.json()["id"]
        r = auth.post(f"/api/v1/requests/{n}/return", json={"missing": ["书面申请"]})
        assert r.status_code == 200 and r.json()["state"] == "returned", r.text
        r = unit.post(f"/api/v1/requests/{n}/resubmit",
                      json={"application_doc": "汕政数申〔2026〕7号"})
        assert r.json()["state"] == "submitted", r.text
        assert auth.post(f"/api/v1/requests/{n}/reject", json={"reason": "重复"}).json()[
            "state"] == "rejected"
        r = auth.post(f"/api/v1/requests/{n}/approve", json={"doc": "x"})
        assert r.status_code == 409 and r.json()["error"] == "conflict"


def test_read_only_token_reads_and_is_refused_on_write(api: Server) -> None:
    before = db_snapshot()
    with api.client(token=api.tokens["reader"]) as c:
        assert c.get("/api/v1/vrfs").status_code == 200
        r = c.post("/api/v1/vrfs", json={"name": "测试区"})
        assert r.status_code == 403 and "read-only" in r.json()["detail"]
    after = db_snapshot()
    after.pop("api_token"), before.pop("api_token")  # the successful read recorded a use
    assert after == before


def test_token_revoke_and_expiry(api: Server, cli) -> None:
    made = cli("token create jinping-ops --expires 1d --json")
    assert made.code == 0, made.err
    import json

    data = json.loads(made.out)
    secret = data["token"]
    with api.client(token=secret) as c:
        assert c.get("/api/v1/vrfs").status_code == 200
        listed = json.loads(cli("token list --json").out)
        mine = next(t for t in listed if t["key"] == data["key"])
        assert mine["last_used_at"] is not None and "token" not in mine
        with gdb.transaction() as s:
            s.execute(update(ApiToken).where(ApiToken.key == data["key"])
                      .values(expires_at=utcnow() - timedelta(seconds=1)))
        r = c.get("/api/v1/vrfs")
        assert r.status_code == 401 and "expired" in r.json()["detail"]
    second = json.loads(cli("token create jinping-ops --json").out)
    with api.client(token=second["token"]) as c:
        assert c.get("/api/v1/vrfs").status_code == 200
        assert cli(f"token revoke {second['key']}").code == 0
        r = c.get("/api/v1/vrfs")
        assert r.status_code == 401 and "revoked" in r.json()["detail"]
    assert cli(f"token revoke {second['key']}").code == 4


def test_bad_input_is_one_line_and_changes_nothing(api: Server) -> None:
    before = db_snapshot()
    with api.client("jinping-ops") as c:
        r = c.post("/api/v1/allocations", json={"owner": "金平区教育局", "size": "/99",
                                                 "district": JINPING})
        assert r.status_code == 400 and r.json()["error"] == "invalid_input"
        r = c.post("/api/v1/allocations", json={"owner": "金平区教育局", "sise": "/28"})
        assert r.status_code == 400 and "sise" in r.json()["detail"]
        r = c.post("/api/v1/allocations", json={"owner": "无此单位", "size": "/28",
                                                 "district": JINPING})
        assert r.status_code == 404 and r.json()["detail"] == "unknown unit '无此单位'"
    assert db_snapshot() == before


def test_the_netbox_token_form_is_accepted(api: Server) -> None:
    with api.client() as c:
        r = c.get("/api/v1/vrfs", headers={"Authorization": f"Token {api.tokens['city-ops']}"})
    assert r.status_code == 200 and r.json()["count"] == 3


def test_a_certificate_from_another_ca_is_refused_in_the_handshake(api: Server) -> None:
    ctx = ssl.create_default_context(cafile=api.pki.ca)
    ctx.load_cert_chain(*api.pki.pair("foreign"))
    with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
        with httpx.Client(base_url=api.url, verify=ctx) as c:
            c.get("/api/v1/vrfs", headers={"Authorization": f"Bearer {api.tokens['admin']}"})
    ctx = ssl.create_default_context(cafile=api.pki.ca)  # and no certificate at all
    with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
        with httpx.Client(base_url=api.url, verify=ctx) as c:
            c.get("/api/v1/vrfs", headers={"Authorization": f"Bearer {api.tokens['admin']}"})


def test_secrets_are_in_neither_the_database_nor_the_log(api: Server) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        assert c.get("/api/v1/audit", params={"limit": 5}).status_code == 200
    dump = repr(db_snapshot())
    if api.db_url.startswith("sqlite"):
        path = Path(api.db_url.removeprefix("sqlite:///"))
        dump += "".join(p.read_bytes().decode("latin1") for p in path.parent.glob(path.name + "*"))
    log = api.log.read_text()
    for secret in api.tokens.values():
        body = secret.split(".", 1)[1]
        assert body not in dump and body not in log
    assert "GET /api/v1/audit" in log  # the log is the server's access log


def test_pynetbox_allocates_from_a_prefix(api: Server) -> None:
    import pynetbox
    import requests

    block = _block_of(api, JINPING)
    nb = pynetbox.api(api.url, token=api.tokens["jinping-ops"])
    session = requests.Session()
    session.trust_env = False  # else a CA bundle from the environment wins over verify
    session.verify = api.pki.ca
    session.cert = api.pki.pair("robot")
    nb.http_session = session
    assert nb.status()["python-version"]
    parent = nb.ipam.prefixes.get(block["id"])
    assert str(parent) == block["prefix"]
    child = parent.available_prefixes.create({"prefix_length": 29})
    assert IPNetwork(child.prefix).prefixlen == 29 and IPNetwork(child.prefix) in IPNetwork(
        block["prefix"])
    assert child.status.value == "active" and child.custom_fields["district"] == JINPING
    free = parent.available_prefixes.list()
    assert free and all(IPNetwork(str(f)) in IPNetwork(block["prefix"]) for f in free)
    found = list(nb.ipam.prefixes.filter(within=block["prefix"], vrf_id=parent.vrf.id))
    assert child.prefix in {p.prefix for p in found}
    ips = nb.ipam.prefixes.get(child.id).available_ips.create({})
    assert ips.address.endswith("/29")
    longhu = _block_of(api, LONGHU)
    assert nb.ipam.prefixes.get(longhu["id"]) is None  # another district's block: not visible
    from pynetbox.core.query import Request

    before = db_snapshot()
    with pytest.raises(pynetbox.RequestError) as refused:
        Request(base=f"{nb.base_url}/ipam/prefixes/{longhu['id']}/available-prefixes/",
                token=nb.token, http_session=session).post({"prefix_length": 29})
    assert refused.value.req.status_code == 404
    assert db_snapshot() == before


def test_provision_answers_202_with_the_job_and_its_log(api: Server) -> None:
    with api.client(token=api.tokens["city-ops"]) as c:
        diff = c.get("/api/v1/requests/1/provision/diff")
        assert diff.status_code == 200 and diff.json()["state"] == "dry-run", diff.text
        assert diff.json()["lines"]
        r = c.post("/api/v1/requests/1/provision")
        assert r.status_code == 202, r.text
        url = r.json()["url"]
        assert r.headers["location"] == url and url.endswith(f"/api/v1/jobs/{r.json()['job']}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = c.get(url).json()
            if job["state"] not in ("pending", "running"):
                break
            time.sleep(0.2)
        assert job["state"] in ("rolled_back", "failed"), job  # demo devices are never contacted
        assert job["steps"] and "demo" in (job["error"] or "")
        assert c.get("/api/v1/requests/1").json()["state"] == "failed"
    with api.client("longhu-ops") as c:  # another district's request and job read as missing
        assert c.post("/api/v1/requests/1/provision").status_code == 404
        assert c.get(url).status_code == 404


def test_reads_devices_findings_audit(api: Server) -> None:
    with api.client("jinping-ops") as c:
        devices = c.get("/api/v1/devices").json()
        assert [d["name"] for d in devices["results"]] == ["jinping-agg-1"]
        assert c.get("/api/v1/devices/longhu-agg-1").status_code == 404
        assert c.get("/api/v1/devices/jinping-agg-1/backups").json()["count"] == 0
        assert c.get("/api/v1/findings").status_code == 200
        assert c.get("/api/v1/audit/verify").status_code == 403
        own = c.get("/api/v1/audit").json()
        assert {e["actor"] for e in own["results"]} <= {"jinping-ops"}
    with api.client(token=api.tokens["admin"]) as c:
        page = c.get("/api/v1/audit", params={"limit": 2}).json()
        assert len(page["results"]) == 2 and page["count"] > 2 and "offset=2" in page["next"]
        assert c.get("/api/v1/audit/verify").json()["ok"] is True
        assert c.get("/api/schema").json()["info"]["title"] == "govnet"


def test_16_concurrent_clients_allocate_from_one_parent_without_overlap(api: Server) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        pool = c.post("/api/v1/pools", json={"prefix": "100.64.0.0/16", "vrf": PUBLIC}).json()

    def worker(_: int) -> list[str]:
        got = []
        with api.client(token=api.tokens["city-ops"]) as c:
            for _ in range(8):
                r = c.post(f"/api/ipam/prefixes/{pool['id']}/available-prefixes/",
                           json={"prefix_length": 29})
                assert r.status_code == 201, r.text
                got.append(r.json()["prefix"])
        return got

    with ThreadPoolExecutor(16) as ex:
        nets = [IPNetwork(p) for chunk in ex.map(worker, range(16)) for p in chunk]
    assert len(nets) == 128 and len({str(n) for n in nets}) == 128
    nets.sort()
    assert all(a.last < b.first for a, b in zip(nets, nets[1:], strict=False))
    with gdb.read() as s:
        stored = s.execute(text("select count(*) from prefix where parent_id = :p"),
                           {"p": pool["id"]}).scalar_one()
    assert stored == 128


def test_a_proxy_forwarded_certificate_counts_only_when_configured(api: Server) -> None:
    from urllib.parse import quote

    from govnet_tests.api.conftest import start_server, stop_server

    pem = quote(Path(api.pki.pair("jinping-ops")[0]).read_text())
    header = {"X-SSL-Client-Cert": pem}
    for trusted, expected in ((True, 200), (False, 401)):
        extra = ("--proxy-cert-header", "X-SSL-Client-Cert", "--trusted-proxy", "127.0.0.1")
        proc, url = start_server(api.db_url, api.pki, api.log, *(extra if trusted else ()),
                                 client_ca=False)
        try:
            with httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=api.pki.ca)) as c:
                r = c.get("/api/v1/devices", headers=header)
                assert r.status_code == expected, r.text
                if trusted:
                    assert [d["name"] for d in r.json()["results"]] == ["jinping-agg-1"]
        finally:
            stop_server(proc)


@pytest.mark.parametrize(("who", "method", "path", "body"), [
    ("authority", "post", "/api/v1/allocations", {"owner": "市教育局", "size": "/28",
                                                 "within": "10.80.0.0/13"}),
    ("authority", "post", "/api/v1/applications/1/approve", {}),
    ("edu-applicant", "post", "/api/v1/pools", {"prefix": "172.16.0.0/16"}),
    ("edu-applicant", "post", "/api/v1/requests/1/approve", {"doc": "x"}),
    ("edu-applicant", "get", "/api/v1/devices", None),
    ("city-ops", "post", "/api/v1/requests/3/approve", {"doc": "x"}),
])
def test_roles_are_refused_what_they_may_not_do(api: Server, who: str, method: str, path: str,
                                                body: dict | None) -> None:
    before = db_snapshot()
    with api.client(token=api.tokens[who]) as c:
        r = c.request(method.upper(), path, json=body)
    assert r.status_code == 403 and r.json()["error"] == "not_permitted", r.text
    assert f"{who} (" in r.json()["detail"]
    assert db_snapshot() == before


def test_plan_reads_tree_free_utilization_pools(api: Server) -> None:
    block = _block_of(api, JINPING)
    with api.client("jinping-ops") as c:
        tree = c.get("/api/v1/tree", params={"prefix": block["prefix"], "depth": 1}).json()
        assert tree[0]["prefix"] == block["prefix"] and tree[0]["children"]
        free = c.get(f"/api/v1/prefixes/{block['id']}/free").json()
        assert free and all(IPNetwork(f) in IPNetwork(block["prefix"]) for f in free)
        use = c.get("/api/v1/utilization", params={"district": JINPING}).json()
        assert use["count"] >= 2 and {u["district"] for u in use["results"]} == {JINPING}
        assert c.get("/api/v1/utilization", params={"district": LONGHU}).status_code == 404
        pools = c.get("/api/v1/pools", params={"vrf": PUBLIC}).json()
        assert {p["status"] for p in pools["results"]} == {"container"}
        csv = c.get("/api/v1/report", params={"district": JINPING, "format": "csv"})
        assert csv.headers["content-type"].startswith("text/csv") and "prefix,vrf" in csv.text
