"""The API's edge over real HTTPS (SQLite and PostgreSQL): every id, number, string and
enum is checked before a service runs (400, one error shape, nothing changed), and the
OpenAPI document and its offline Swagger UI say what the server does."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from govnet_tests.api.conftest import Server
from govnet_tests.conftest import db_snapshot

JINPING = "金平区"
BIG = [2**31, 2**63, 2**64]


def _refused(r, what: str = "") -> None:
    assert r.status_code == 400, (what, r.status_code, r.text)
    body = r.json()
    assert body["error"] == "invalid_input" and isinstance(body["detail"], str), body
    assert "Traceback" not in r.text


def _pool_id(api: Server) -> int:
    with api.client(token=api.tokens["admin"]) as c:
        rows = c.get("/api/ipam/prefixes/", params={"limit": 200}).json()["results"]
    return next(p["id"] for p in rows if p["status"]["value"] == "container"
                and p["custom_fields"]["district"] == JINPING and ":" not in p["prefix"])


def _allocated_id(api: Server) -> int:
    with api.client(token=api.tokens["admin"]) as c:
        r = c.post("/api/v1/allocations", json={"owner": "金平区教育局", "size": "/28",
                                                 "district": JINPING})
        assert r.status_code == 201, r.text
        return r.json()["id"]


@pytest.mark.parametrize("path", [
    "/api/v1/prefixes/{n}", "/api/v1/prefixes/{n}/free", "/api/v1/requests/{n}",
    "/api/v1/jobs/{n}", "/api/v1/findings/{n}", "/api/v1/requests/{n}/provision/diff",
    "/api/ipam/vrfs/{n}/", "/api/ipam/prefixes/{n}/", "/api/ipam/prefixes/{n}/available-ips/",
    "/api/v1/vrfs?offset={n}", "/api/v1/audit?offset={n}", "/api/ipam/prefixes/?id={n}",
    "/api/ipam/prefixes/?vrf_id={n}", "/api/v1/prefixes?parent={n}", "/api/v1/jobs?request_number={n}",
])
def test_ids_and_offsets_past_the_columns_are_400(api: Server, path: str) -> None:
    """PostgreSQL's integer ends at 2³¹−1, SQLite's at 2⁶³−1: both were a 500."""
    with api.client(token=api.tokens["admin"]) as c:
        for n in BIG:
            _refused(c.get(path.format(n=n)), path.format(n=n))
            _refused(c.post(f"/api/v1/requests/{n}/withdraw"))


@pytest.mark.parametrize("number", ["%EF%BC%91", "%D9%A1", "+1", "%201", "1_0", "-1", "0"])
def test_a_number_in_the_url_is_ascii_digits(api: Server, number: str) -> None:
    with api.client(token=api.tokens["admin"]) as c:
        _refused(c.get(f"/api/v1/prefixes/{number}"))
        _refused(c.get(f"/api/ipam/prefixes/?id={number}"))
        if number != "0":  # limit 0 is the largest page
            _refused(c.get(f"/api/v1/vrfs?limit={number}"))


def test_a_nul_or_control_character_in_any_string_is_400_and_changes_nothing(api: Server
                                                                          ) -> None:
    """PostgreSQL refuses NUL in text: each of these was a 500 there."""
    before = db_snapshot()
    with api.client(token=api.tokens["admin"]) as c:
        for path in ("/api/v1/devices/a%00b", "/api/v1/devices/a%00b/backups",
                     "/api/v1/devices/a%00b/backups/diff", "/api/v1/prefixes?vrf=a%00b",
                     "/api/v1/prefixes?within=10.0.0.0%00", "/api/v1/report?district=a%00b",
                     "/api/v1/findings?device=a%00b", "/api/v1/audit?search=a%00b",
                     "/api/v1/requests?status=a%00b", "/api/ipam/vrfs/?name=a%00b",
                     "/api/ipam/prefixes/?prefix=a%00b", "/api/v1/tree?prefix=a%E2%80%AEb",
                     "/api/v1/utilization?district=a%01b"):
            _refused(c.get(path), path)
        for path, body in [
            ("/api/v1/vrfs", {"name": "a\x00b"}),
            ("/api/v1/vrfs", {"name": "ok", "description": "a\u202eb"}),
            ("/api/v1/allocations", {"owner": "金平区教育局\x00", "size": "/28",
                                     "district": JINPING}),
            ("/api/v1/allocations", {"owner": "金平区教育局", "size": "/28", "district": JINPING,
                                     "description": "zero\u200bwidth"}),
            ("/api/v1/reservations", {"prefix": "10.80.0.0/29", "reason": "a\x00"}),
            ("/api/v1/requests", {"unit": "金平区教育局", "zones": ["a\x00"], "site": "s",
                                  "contact": "c", "purpose": "p"}),
        ]:
            _refused(c.post(path, json=body), body)
    assert db_snapshot() == before


@pytest.mark.parametrize("field", [
    {"size": "/２８"}, {"size": "２８"}, {"size": "/٢٨"}, {"size": "/ 28"}, {"size": "28 "},
    {"hosts": True}, {"hosts": "12"}, {"hosts": 2**64}, {"hosts": 1.5},
    {"family": 0}, {"family": 5}, {"family": -1}, {"family": 2**64}, {"family": "4"},
    {"family": True},
])
def test_numbers_are_ascii_json_numbers_in_range(api: Server, field: dict) -> None:
    before = db_snapshot()
    body = {"owner": "金平区教育局", "district": JINPING} | ({"size": "/28"} if "hosts" not in
                                                          field else {}) | field
    with api.client(token=api.tokens["admin"]) as c:
        _refused(c.post("/api/v1/allocations", json=body), body)
        if "family" in field:
            _refused(c.post("/api/v1/delegations", json={"district": JINPING, "size": "/24"}
                            | field))
            _refused(c.post("/api/v1/applications", json={"district": JINPING, "size": "/24",
                                                           "reason": "x"} | field))
    assert db_snapshot() == before


def test_netbox_bodies_are_checked_like_every_other_input(api: Server) -> None:
    pool, lan = _pool_id(api), _allocated_id(api)
    before = db_snapshot()
    with api.client(token=api.tokens["admin"]) as c:
        for body in ({"prefix_length": 29, "tenant": 2**64},
                     {"prefix_length": 29, "tenant": {"id": 2**31}},
                     {"prefix_length": True}, {"prefix_length": "29"}, {"prefix_length": 129},
                     {"prefix_length": 29, "description": ["a", "list"]},
                     {"prefix_length": 29, "description": "a\x00b"},
                     {"prefix_length": 29, "tenant": "金平区教育局\u202e"},
                     [{"prefix_length": 29}, {"prefix_length": 29, "description": {"x": 1}}]):
            _refused(c.post(f"/api/ipam/prefixes/{pool}/available-prefixes/", json=body), body)
        for fields in ({"device": "sw\x00"}, {"device": "sw\u200b1"}, {"device": "sw\u202e1"},
                       {"device": "sw\x07"}, {"interface": "eth\u200b1"},
                       {"interface": "eth1\n"}, {"interface": "ｅｔｈ1"},
                       {"device": ["sw1"]}, {"device": "s" * 65}, {"interface": "e" * 65}):
            _refused(c.post(f"/api/ipam/prefixes/{lan}/available-ips/",
                            json={"custom_fields": fields}), fields)
        _refused(c.post(f"/api/ipam/prefixes/{lan}/available-ips/",
                        json={"description": ["a", "list"]}))
        assert db_snapshot() == before
        # a NetBox client's extra fields are still ignored, and good input still works
        r = c.post(f"/api/ipam/prefixes/{lan}/available-ips/",
                   json={"status": "active", "tags": [],
                         "custom_fields": {"device": "st-agg-1", "interface": "eth1.100"}})
        assert r.status_code == 201, r.text
        assert r.json()["custom_fields"] == {"device": "st-agg-1", "interface": "eth1.100"}


def test_every_error_has_one_shape(api: Server) -> None:
    lan = _allocated_id(api)
    with api.client(token=api.tokens["admin"]) as c:
        r = c.get("/api/v1/no-such-thing")
        assert r.status_code == 404 and set(r.json()) == {"error", "detail"}
        r = c.delete("/api/v1/vrfs")
        assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
        assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
        r = c.options(f"/api/ipam/prefixes/{lan}/available-ips/")
        assert r.status_code == 405 and {"GET", "POST"} <= set(r.headers["allow"].split(", "))
        r = c.post("/api/v1/vrfs", content=b"{not json",
                   headers={"Content-Type": "application/json"})
        _refused(r)
        r = c.post("/api/v1/allocations", json={"owner": "x", "sise": "/28"})
        _refused(r)
        assert "sise" in r.json()["detail"] and r.json()["errors"][0]["loc"][-1] == "sise"


def test_an_unexpected_error_is_json_without_a_traceback(db: str) -> None:
    from api.app import create_app
    from govnet import tokens
    from govnet.db import transaction
    from govnet_tests.conftest import actor

    with transaction() as s:  # the guard authenticates before any route runs
        _, secret = tokens.create(s, actor(), "admin")
    app = create_app()

    @app.get("/api/v1/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("secret internals")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.get("/api/v1/boom", headers={"Authorization": f"Bearer {secret}"})

    r = asyncio.run(call())
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == "error" and "secret" not in r.text


def test_the_openapi_document_says_what_the_server_does(api: Server) -> None:
    with api.client() as c:
        doc = c.get("/api/schema").json()
    assert set(doc["components"]["securitySchemes"]) == {"bearer", "token", "mutualTLS"}
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "detail"}
    assert error["properties"]["detail"]["type"] == "string"
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            answers = op["responses"]
            assert "422" not in answers, (method, path)
            assert {"401", "403"} <= set(answers), (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert {"400", "404"} <= set(answers), (method, path)
            if method == "post":
                assert "409" in answers, (method, path)
            for status, answer in answers.items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error"
    ips = doc["paths"]["/api/ipam/prefixes/{prefix_id}/available-ips/"]
    assert {"get", "post"} <= set(ips) and "502" in \
        doc["paths"]["/api/v1/requests/{number}/provision"]["post"]["responses"]


def test_swagger_ui_loads_only_from_govnet(api: Server) -> None:
    with api.client() as c:
        page = c.get("/api/docs")
        assert page.status_code == 200 and "SwaggerUIBundle" in page.text
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
        urls += re.findall(r"""url:\s*['"]([^'"]+)['"]""", page.text)
        assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
        assert "cdn" not in page.text.lower() and "https://" not in page.text
        for u in urls:
            r = c.get(u)
            assert r.status_code == 200 and len(r.content) > 100, u
        assert any(u.endswith("swagger-ui-bundle.js") for u in urls)
