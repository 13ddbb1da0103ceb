"""Connection request workflow (Art. 10, 24) on SQLite and PostgreSQL: the whole path,
every refused transition (with an unchanged database), validation, scopes, and the
provisioning-side transitions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from access import workflow as wf
from access.models import ConnectionRequest, RequestState
from govnet import audit
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet.errors import GovnetError, InvalidInput, NotFound, NotPermitted, WrongState
from govnet.models import AuditEvent, utcnow
from govnet_tests.access.test_workflow_world import (
    DEVICE,
    EMPTY,
    JP_UNIT,
    LH_UNIT,
    PORT,
    PRIVATE,
    PUBLIC,
    V6ZONE,
    build_world,
    dump,
    submit_args,
)


def call(user: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(session, actor, …)`` as ``user`` in one transaction; return a plain dict
    for requests."""
    with transaction() as s:
        result = fn(s, load_actor(s, user), *args, **kwargs)
        if isinstance(result, ConnectionRequest):
            return wf.request_dict(s, result)
        return result


def refused(exc: type[GovnetError], user: str, fn: Callable[..., Any], *args: Any,
            **kwargs: Any) -> str:
    """Assert the call raises ``exc`` and leaves every table as it was; return the message."""
    before = dump()
    with pytest.raises(exc) as info:
        call(user, fn, *args, **kwargs)
    assert dump() == before, "a refused call changed the database"
    assert "\n" not in info.value.message
    return info.value.message


@pytest.fixture
def world(any_db: str) -> str:
    build_world()
    return any_db


def _force(number: int, **fields: Any) -> None:
    """Put a request into a state the test needs (bypassing the workflow)."""
    with transaction() as s:
        request = s.get(ConnectionRequest, number)
        assert request is not None
        for key, value in fields.items():
            setattr(request, key, value)
        s.add(request)


# -- the Article 24 path ---------------------------------------------------------------

def test_article_24_path_submit_return_resubmit_approve(world: str) -> None:
    req = call("edu", wf.submit, **submit_args(zones=[PUBLIC, PRIVATE]))
    assert req["state"] == "submitted" and req["district"] is None
    assert [z["vrf"] for z in req["zones"]] == [PUBLIC, PRIVATE]
    assert req["size"] == "/26" and req["hosts"] == 50 and req["application_doc"] is None
    number = req["id"]

    missing = ["单位盖章 the unit's seal", "网络拓扑图 network diagram",
               "联系人身份证明 contact ID"]
    returned = call("boss", wf.return_request, number, missing=missing)
    assert returned["state"] == "returned" and returned["return_count"] == 1
    # The three given, plus the gap govnet sees itself: the list is complete at once.
    assert returned["returned_items"] == [*missing, wf.APPLICATION_GAP]
    with read() as s:
        row = s.get(ConnectionRequest, number)
        assert row is not None and row.correct_by is not None
        assert timedelta(days=14) < row.correct_by - utcnow() <= timedelta(days=15)

    again = call("edu", wf.resubmit, number, application_doc="汕教函〔2026〕12号", size="/25",
                 contact="李四 13900000000")
    assert again["state"] == "submitted" and again["size"] == "/25" and again["hosts"] is None
    assert again["application_doc"] == "汕教函〔2026〕12号"
    assert again["returned_items"] == returned["returned_items"]  # the record stays

    msg = refused(WrongState, "boss", wf.return_request, number, missing=["更多 more"])
    assert "returned once already" in msg and "approve or reject" in msg

    approved = call("boss", wf.approve, number, doc="汕政务核〔2026〕3号")
    assert approved["state"] == "approved" and approved["approval_doc"] == "汕政务核〔2026〕3号"
    assert approved["approver"] == "boss" and approved["decided_at"]

    with read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent).where(
            AuditEvent.object_type == "connection_request").order_by(col(AuditEvent.seq)))]
        assert actions == ["access.request.submit", "access.request.return",
                           "access.request.resubmit", "access.request.approve"]
        assert audit.verify(s).ok


def test_operator_submits_on_behalf_and_zones_change_on_resubmit(world: str) -> None:
    req = call("jp_ops", wf.submit, **submit_args(unit=JP_UNIT, device=DEVICE, port=PORT,
                                                  model="routed", hosts=None, size="/28",
                                                  application_doc="金卫函 1 号"))
    assert req["district"] == "金平区" and req["device"] == DEVICE and req["model"] == "routed"
    call("jp_boss", wf.return_request, req["id"], missing=["安全方案 security plan"])
    assert call("jp_unit", wf.resubmit, req["id"], zones=[PRIVATE],
                security_plan="SEC-7")["zones"][0]["vrf"] == PRIVATE


def test_withdraw_and_reject(world: str) -> None:
    a = call("edu", wf.submit, **submit_args())["id"]
    assert call("edu", wf.withdraw, a)["state"] == "withdrawn"
    b = call("edu", wf.submit, **submit_args())["id"]
    rejected = call("boss", wf.reject, b, reason="不符合接入规范 not to the standard")
    assert rejected["state"] == "rejected" and rejected["reject_reason"].startswith("不符合")
    c = call("edu", wf.submit, **submit_args())["id"]
    call("boss", wf.return_request, c, missing=["x"])
    assert call("edu", wf.withdraw, c)["state"] == "withdrawn"  # returned → withdrawn too


# -- refused transitions: exit code class, one line, nothing changed ------------------------

def _submitted(user: str = "edu", **kw: Any) -> int:
    return call(user, wf.submit, **submit_args(application_doc="APP-1", **kw))["id"]


def _approved() -> int:
    number = _submitted()
    call("boss", wf.approve, number, doc="DOC-1")
    return number


REFUSALS: list[tuple[str, Callable[[], int], type[GovnetError], str, Callable[..., Any],
                     dict[str, Any], str]] = [
    ("approve without doc", _submitted, InvalidInput, "boss", wf.approve, {"doc": ""},
     "--doc is required"),
    ("approve blank doc", _submitted, InvalidInput, "boss", wf.approve, {"doc": "   "},
     "--doc is required"),
    ("applicant approves", _submitted, NotPermitted, "edu", wf.approve, {"doc": "D"},
     "may not approve"),
    ("operator approves", _submitted, NotPermitted, "ops", wf.approve, {"doc": "D"},
     "may not approve"),
    ("auditor rejects", _submitted, NotPermitted, "inspector", wf.reject, {"reason": "r"},
     "may not reject"),
    ("empty reason", _submitted, InvalidInput, "boss", wf.reject, {"reason": " "},
     "--reason is required"),
    ("reject approved", _approved, WrongState, "boss", wf.reject, {"reason": "r"},
     "is approved, not submitted or returned"),
    ("approve twice", _approved, WrongState, "boss", wf.approve, {"doc": "D2"},
     "is approved, not submitted"),
    ("withdraw approved", _approved, WrongState, "edu", wf.withdraw, {},
     "only before approval"),
    ("resubmit submitted", _submitted, WrongState, "edu", wf.resubmit, {"site": "x"},
     "is submitted, not returned"),
    ("return without items", _submitted, InvalidInput, "boss", wf.return_request,
     {"missing": []}, "--missing is required"),
    ("return blank item", _submitted, InvalidInput, "boss", wf.return_request,
     {"missing": ["ok", " "]}, "--missing is required"),
    ("return approved", _approved, WrongState, "boss", wf.return_request, {"missing": ["x"]},
     "is approved"),
    ("another unit's applicant withdraws", _submitted, NotFound, "jp_unit", wf.withdraw,
     {}, "no connection request"),
    ("another unit's applicant resubmits", _submitted, NotFound, "lh_unit", wf.resubmit,
     {"site": "x"}, "no connection request"),
    ("other district's operator withdraws", lambda: _submitted("jp_unit", unit=JP_UNIT),
     NotFound, "lh_ops", wf.withdraw, {}, "no connection request"),
    ("other district's authority approves", lambda: _submitted("lh_unit", unit=LH_UNIT),
     NotPermitted, "jp_boss", wf.approve, {"doc": "D"}, "outside its district"),
    ("provision before approval", _submitted, WrongState, "ops", wf.begin_provisioning, {},
     "is submitted, not approved or failed"),
    ("district operator provisions a city request", _approved, NotFound, "jp_ops",
     wf.begin_provisioning, {}, "no connection request"),
    ("applicant provisions", _approved, NotPermitted, "edu", wf.begin_provisioning, {},
     "may not provision"),
    ("connected before provisioning", _approved, WrongState, "ops", wf.mark_connected, {},
     "is approved, not provisioning"),
    ("disconnect an approved request", _approved, WrongState, "ops", wf.begin_disconnect, {},
     "is approved, not connected or failed"),
    ("mark disconnected too early", _approved, WrongState, "ops", wf.mark_disconnected, {},
     "not disconnecting"),
    ("unknown request", lambda: 999, NotFound, "boss", wf.approve, {"doc": "D"},
     "no connection request 999"),
    ("resubmit unknown field", _submitted, InvalidInput, "edu", wf.resubmit, {"colour": "x"},
     "unknown field"),
]


@pytest.mark.parametrize(("case", "make", "exc", "user", "fn", "kwargs", "says"), REFUSALS,
                         ids=[r[0] for r in REFUSALS])
def test_refused_transition_changes_nothing(world: str, case: str, make: Callable[[], int],
                                            exc: type[GovnetError], user: str,
                                            fn: Callable[..., Any], kwargs: dict[str, Any],
                                            says: str) -> None:
    number = make()
    if case == "resubmit unknown field":  # needs a returned request to get past the state
        call("boss", wf.return_request, number, missing=["x"])
    assert says in refused(exc, user, fn, number, **kwargs)


def test_approval_needs_a_written_application(world: str) -> None:
    number = call("edu", wf.submit, **submit_args())["id"]  # no --application-doc
    msg = refused(WrongState, "boss", wf.approve, number, doc="DOC-9")
    assert "no written application" in msg
    assert call("boss", wf.reject, number, reason="无书面申请")["state"] == "rejected"


def test_correction_period_ends(world: str) -> None:
    number = _submitted()
    call("boss", wf.return_request, number, missing=["盖章"], days=3)
    assert "until" in refused(WrongState, "boss", wf.reject, number, reason="too early")
    _force(number, correct_by=utcnow() - timedelta(minutes=1))
    assert "correction period ended" in refused(WrongState, "edu", wf.resubmit, number)
    assert call("boss", wf.reject, number, reason="逾期未补正")["state"] == "rejected"


def test_return_days_bounds(world: str) -> None:
    number = _submitted()
    assert "--days" in refused(InvalidInput, "boss", wf.return_request, number,
                               missing=["x"], days=0)


def test_district_operator_cannot_submit_outside_its_district(world: str) -> None:
    assert "outside its district" in refused(NotPermitted, "lh_ops", wf.submit,
                                             **submit_args(unit=JP_UNIT))
    assert "outside its district" in refused(NotPermitted, "jp_ops", wf.submit, **submit_args())
    assert "for 金平区卫生健康局" in refused(NotPermitted, "edu", wf.submit,
                                        **submit_args(unit=JP_UNIT))
    assert "may not submit" in refused(NotPermitted, "boss", wf.submit, **submit_args())


# -- submit validation ------------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], type[GovnetError], str]] = [
    ("unknown unit", {"unit": "不存在局"}, NotFound, "unknown unit"),
    ("unknown zone", {"zones": ["无此区"]}, NotFound, "unknown VRF"),
    ("no zone", {"zones": []}, InvalidInput, "--zone is required"),
    ("zone twice", {"zones": [PUBLIC, PUBLIC]}, InvalidInput, "each zone once"),
    ("zone without pool", {"zones": [EMPTY]}, InvalidInput, "has no address pool"),
    ("families differ", {"zones": [PRIVATE, V6ZONE]}, InvalidInput, "no address family"),
    ("hosts and size", {"size": "/24"}, InvalidInput, "one of them"),
    ("neither size", {"hosts": None}, InvalidInput, "one of them"),
    ("zero hosts", {"hosts": 0}, InvalidInput, "at least 1"),
    ("too big", {"hosts": None, "size": "/8"}, InvalidInput, "between /16 and /30"),
    ("gateway /31", {"hosts": None, "size": "/31"}, InvalidInput, "between /16 and /30"),
    ("v6 length in v4", {"hosts": None, "size": "/64"}, InvalidInput, "not an IPv4"),
    ("size garbage", {"hosts": None, "size": "big"}, InvalidInput, "not a prefix length"),
    ("v6 gateway not /64", {"zones": [V6ZONE], "hosts": None, "size": "/56"}, InvalidInput,
     "between /64 and /64"),
    ("bad model", {"model": "bridge"}, InvalidInput, "--model"),
    ("device without port", {"device": DEVICE}, InvalidInput, "together"),
    ("unknown device", {"device": "nope", "port": PORT}, NotFound, "unknown device"),
    ("unknown port", {"device": DEVICE, "port": "Gi9/9/9"}, NotFound, "no attachable port"),
    ("device of another district", {"unit": LH_UNIT, "device": DEVICE, "port": PORT},
     InvalidInput, "another district"),
    ("empty contact", {"contact": "  "}, InvalidInput, "--contact is required"),
    ("control char in site", {"site": "a\x1b[2Jb"}, InvalidInput, "--site: control"),
    ("newline in purpose", {"purpose": "a\nb"}, InvalidInput, "--purpose: control"),
    ("contact too long", {"contact": "x" * 201}, InvalidInput, "at most 200"),
    ("blank application doc", {"application_doc": " "}, InvalidInput, "--application-doc"),
]


@pytest.mark.parametrize(("case", "override", "exc", "says"), INVALID, ids=[i[0] for i in INVALID])
def test_submit_validates_every_field(world: str, case: str, override: dict[str, Any],
                                      exc: type[GovnetError], says: str) -> None:
    assert says in refused(exc, "admin", wf.submit, **submit_args(**override))


def test_ipv6_only_zone_and_routed_lengths(world: str) -> None:
    v6 = call("edu", wf.submit, **submit_args(zones=[V6ZONE], hosts=500))
    assert (v6["family"], v6["size"]) == (6, "/64")
    routed = call("edu", wf.submit, **submit_args(model="routed", hosts=None, size="/32"))
    assert routed["size"] == "/32"
    dual = call("edu", wf.submit, **submit_args(zones=[PUBLIC, PRIVATE], hosts=None,
                                               size="255.255.255.0"))
    assert (dual["family"], dual["size"]) == (4, "/24")


# -- reading -----------------------------------------------------------------------------------

def test_list_and_show_are_scoped(world: str) -> None:
    city = _submitted()
    jp = _submitted("jp_unit", unit=JP_UNIT)
    lh = _submitted("lh_unit", unit=LH_UNIT)

    def ids(user: str, **kw: Any) -> list[int]:
        with read() as s:
            return [r.id for r in wf.list_requests(s, load_actor(s, user), **kw)]  # type: ignore[misc]

    assert ids("edu") == [city] and ids("jp_unit") == [jp]
    assert ids("jp_ops") == [jp] and ids("lh_ops") == [lh]
    assert ids("inspector") == ids("boss") == ids("ops") == [city, jp, lh]
    call("boss", wf.approve, jp, doc="D")
    assert ids("boss", status="approved") == [jp] and ids("edu", status="approved") == []
    with read() as s, pytest.raises(InvalidInput, match="unknown status"):
        wf.list_requests(s, load_actor(s, "boss"), status="pending")
    with read() as s, pytest.raises(NotFound, match=f"^no connection request {jp}$"):
        wf.get_request(s, load_actor(s, "lh_ops"), jp)
    with read() as s:
        assert wf.get_request(s, load_actor(s, "inspector"), lh).id == lh


# -- the provisioning side -----------------------------------------------------------------------

def test_provisioning_transitions(world: str) -> None:
    number = _submitted("jp_unit", unit=JP_UNIT)
    call("jp_boss", wf.approve, number, doc="金政务〔2026〕1号")
    assert call("jp_ops", wf.begin_provisioning, number)["state"] == "provisioning"
    failed = call("jp_ops", wf.mark_failed, number, error="push rejected on jp-agg1")
    assert failed["state"] == "failed" and failed["last_error"] == "push rejected on jp-agg1"
    assert call("jp_ops", wf.begin_provisioning, number)["last_error"] is None  # retry
    connected = call("ops", wf.mark_connected, number)
    assert connected["state"] == "connected" and connected["connected_at"]
    assert call("jp_ops", wf.begin_disconnect, number)["state"] == "disconnecting"
    back = call("jp_ops", wf.abort_disconnect, number, error="detach rolled back")
    assert back["state"] == "connected" and back["last_error"] == "detach rolled back"
    call("jp_ops", wf.begin_disconnect, number)
    done = call("jp_ops", wf.mark_disconnected, number)
    assert done["state"] == "disconnected" and done["disconnected_at"]
    refused(WrongState, "ops", wf.begin_provisioning, number)
    with read() as s:
        assert audit.verify(s).ok


def test_provisioning_refuses_without_approval_document(world: str) -> None:
    number = _submitted()
    _force(number, state=RequestState.approved.value)  # e.g. a hand-edited row
    assert "no approval document" in refused(WrongState, "ops", wf.begin_provisioning, number)


def test_racing_decisions_one_wins(world: str) -> None:
    """Two authorities decide the same request at once: one wins, the other sees its state."""
    number = _submitted()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def decide(fn: Callable[..., Any], **kwargs: Any) -> None:
        barrier.wait()
        try:
            call("boss", fn, number, **kwargs)
            results.append("ok")
        except WrongState:
            results.append("wrong state")

    threads = [threading.Thread(target=decide, args=(wf.approve,), kwargs={"doc": "D-1"}),
               threading.Thread(target=decide, args=(wf.return_request,),
                                kwargs={"missing": ["盖章"]})]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["ok", "wrong state"]
    with read() as s:
        assert s.get(ConnectionRequest, number).state in ("approved", "returned")  # type: ignore[union-attr]
        assert audit.verify(s).ok
