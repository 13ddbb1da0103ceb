"""No existence oracle (issue 16, item 2): every API path, called with the id of another
district's (or unit's) object and with the id of a missing one, answers the same status
and the same body apart from the id itself, for a district operator and an applicant.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from govnet_tests.api.conftest import Server
from govnet_tests.conftest import db_snapshot

LONGHU = "龙湖区"
MISSING = {"number": "987654", "job_id": "987655", "name": "no-such-device",
           "prefix_id": "987656", "application": "987657", "key": "no-such-key"}
# A body that gets each write past request validation, so the service itself answers.
BODIES = {"approve": {"doc": "汕电政核〔2026〕1号"}, "reject": {"reason": "x"},
          "return": {"missing": ["x"]}, "resubmit": {"site": "x"},
          "available-prefixes/": {"prefix_length": 29}, "available-ips/": {},
          "/ports": {"port": "GE0/0/9"}, "/role": {"role": "auditor"}, "/rename": {"name": "x"},
          "/isolate": {"doc": "汕电政核〔2026〕2号"}}
# Paths whose ids name objects nobody is scoped out of (VRFs are the whole extranet's).
UNSCOPED = {"/api/ipam/vrfs/{vrf_id}/"}


def _others(api: Server) -> dict[str, str]:
    """Ids of 龙湖区's objects (none is the operator's or the applicant's): its request, a
    job of that request, its aggregation router, its block, and a block application."""
    with api.client(token=api.tokens["admin"]) as c:
        requests = c.get("/api/v1/requests", params={"limit": 100}).json()["results"]
        mine = next(r for r in requests if r["district"] == LONGHU)
        if mine["state"] == "submitted":
            r = c.post(f"/api/v1/requests/{mine['id']}/approve", json={"doc": "汕电政核〔2026〕9号"})
            assert r.status_code == 200, r.text
        jobs = c.get("/api/v1/jobs", params={"request_number": mine["id"]}).json()["results"]
        if not jobs:
            r = c.post(f"/api/v1/requests/{mine['id']}/provision")
            assert r.status_code == 202, r.text
            job = r.json()["job"]
            deadline = time.monotonic() + 60
            while c.get(f"/api/v1/jobs/{job}").json()["state"] in ("pending", "running"):
                assert time.monotonic() < deadline
                time.sleep(0.2)
        else:
            job = jobs[0]["id"]
        blocks = c.get("/api/v1/prefixes", params={"status": "delegated", "limit": 100}).json()
        block = next(p for p in blocks["results"] if p["district"] == LONGHU)
        apps = c.get("/api/v1/applications", params={"limit": 100}).json()["results"]
        app = next(a for a in apps if a["district"] not in ("金平区", None))
        key = c.get("/api/v1/tokens").json()[0]["key"]  # the admin's: not theirs to revoke
    return {"key": key, "number": str(mine["id"]), "job_id": str(job), "name": "longhu-agg-1",
            "prefix_id": str(block["id"]), "application": str(app["id"])}


def _paths(api: Server) -> list[tuple[str, str]]:
    with api.client(token=api.tokens["admin"]) as c:
        schema = c.get("/api/schema").json()
    return [(method.upper(), path) for path, ops in schema["paths"].items()
            for method in ops if "{" in path and path not in UNSCOPED]


def _call(c: httpx.Client, method: str, path: str) -> httpx.Response:
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    if path.startswith("/api/v1/applications/"):  # a block application's decision
        body = {"reason": "x"} if path.endswith("reject") else {}
    if method == "PATCH":  # an edit: one harmless field, so the service answers
        body = {"description": "x"}
    return c.request(method, path, json=body if method in ("POST", "PATCH") else None)


def _same(a: httpx.Response, b: httpx.Response, a_id: str, b_id: str) -> tuple[Any, Any]:
    def norm(r: httpx.Response, ident: str) -> Any:
        return re.sub(rf"\b{re.escape(ident)}\b", "ID", r.text)

    return (a.status_code, norm(a, a_id)), (b.status_code, norm(b, b_id))


@pytest.mark.parametrize("who", ["jinping-ops", "edu-applicant"])
def test_every_path_answers_another_districts_id_as_a_missing_one(api: Server, who: str) -> None:
    others = _others(api)
    paths = _paths(api)
    assert len(paths) >= 20  # the route list really is walked
    kinds = set()
    before = db_snapshot()
    with api.client(who) as c:
        for method, path in paths:
            params = re.findall(r"{(\w+)}", path)
            assert len(params) == 1 and params[0] in others, f"add ids for {path}"
            key = "application" if path.startswith("/api/v1/applications/") else params[0]
            kinds.add(key)
            other = _call(c, method, path.replace(f"{{{params[0]}}}", others[key]))
            missing = _call(c, method, path.replace(f"{{{params[0]}}}", MISSING[key]))
            seen, gone = _same(other, missing, others[key], MISSING[key])
            assert seen == gone, (method, path)
            assert other.status_code in (403, 404), (method, path, other.text)
            if other.status_code == 403:  # a role refusal: the same for any id
                assert other.json()["error"] == "not_permitted" and "may not" in other.text
    assert kinds == set(MISSING)
    assert db_snapshot() == before


@pytest.mark.parametrize(("who", "path", "other", "missing"), [
    ("jinping-ops", "/api/v1/report?district={}", LONGHU, "无此区"),
    ("jinping-ops", "/api/v1/utilization?district={}", LONGHU, "无此区"),
    ("jinping-ops", "/api/v1/devices?district={}", LONGHU, "无此区"),
    ("jinping-ops", "/api/v1/jobs?request_number={}", "3", "987654"),
    ("edu-applicant", "/api/v1/jobs?request_number={}", "3", "987654"),
    ("jinping-ops", "/api/ipam/prefixes/?id={}", "LONGHU_BLOCK", "987656"),
    ("edu-applicant", "/api/ipam/prefixes/?id={}", "LONGHU_BLOCK", "987656"),
])
def test_filters_naming_another_districts_object_answer_as_missing(
        api: Server, who: str, path: str, other: str, missing: str) -> None:
    if other == "LONGHU_BLOCK":
        other = _others(api)["prefix_id"]
    with api.client(who) as c:
        a, b = c.get(path.format(other)), c.get(path.format(missing))
    seen, gone = _same(a, b, other, missing)
    assert seen == gone
    assert a.status_code in (200, 404), a.text


def test_a_job_of_another_district_does_not_name_its_request(api: Server) -> None:
    others = _others(api)
    with api.client("jinping-ops") as c:
        r = c.get(f"/api/v1/jobs/{others['job_id']}")
    assert r.status_code == 404
    assert r.json() == {"detail": f"no job {others['job_id']}", "error": "not_found"}
