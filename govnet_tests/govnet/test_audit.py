"""The audit chain detects an edited, deleted or truncated history."""

from __future__ import annotations

import json

from sqlalchemy import delete, select, update

from govnet import audit
from govnet.db import read, transaction
from govnet.models import AuditEvent


def _events(cli, n=3):
    for i in range(n):
        assert cli(f"org district add 区{i}").code == 0


def test_intact_chain_verifies(any_db, cli):
    _events(cli)
    r = cli("audit verify --json")
    assert r.code == 0
    assert json.loads(r.out) == {"ok": True, "events": 4, "problem": None, "seq": None}


def test_edited_row_is_detected(any_db, cli):
    _events(cli)
    with transaction() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="mallory"))
    r = cli("audit verify")
    assert r.code == 4 and "event 2 was altered" in r.out


def test_edited_payload_is_detected(any_db, cli):
    _events(cli)
    with transaction() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(after={"name": "x"}))
    with read() as s:
        assert audit.verify(s).problem == "event 3 was altered"


def test_deleted_row_is_detected(any_db, cli):
    _events(cli)
    with transaction() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    r = cli("audit verify --json")
    problem = json.loads(r.out)["problem"]
    assert r.code == 4 and problem.startswith("an event before event 3 is missing")


def test_deleted_tail_is_detected(any_db, cli):
    _events(cli)
    with transaction() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    with read() as s:
        result = audit.verify(s)
    assert not result.ok and "events were removed" in (result.problem or "")


def test_rewritten_chain_is_detected(any_db, cli):
    """Re-hashing an edited row without its successors still breaks the next link."""
    _events(cli)
    with transaction() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        fields = dict(seq=ev.seq, chain=ev.chain, chain_seq=ev.chain_seq, at=ev.at,
                      actor="mallory", action=ev.action, object_type=ev.object_type,
                      object_id=ev.object_id, before=ev.before, after=ev.after,
                      prev_hash=ev.prev_hash)
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(
            actor="mallory", hash=audit.event_hash(**fields)))
    with read() as s:
        assert audit.verify(s).problem == "event 3 does not follow its predecessor"


def test_audit_list_shows_who_did_what(db, cli):
    _events(cli, 1)
    r = cli("audit list --json")
    events = json.loads(r.out)
    assert events[0]["action"] == "org.district.add" and events[0]["actor"] == "admin"


def test_scoped_users_see_only_their_own_events(db, cli):
    cli("org district add 金平区")
    cli("user add jp --role district_operator --district 金平区")
    cli("user add aud --role auditor")
    everyone = json.loads(cli("audit list --json", as_="aud").out)
    own = json.loads(cli("audit list --json", as_="jp").out)
    assert len(everyone) == 4 and own == []  # admin bootstrap + district + two users
    r = cli("audit verify", as_="jp")
    assert r.code == 3 and "may not verify the audit chain" in r.err
    assert cli("audit verify", as_="aud").code == 0
