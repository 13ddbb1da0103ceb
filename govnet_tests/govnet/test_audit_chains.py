"""Parallel audit chains: writers that do not wait, rollbacks, several processes, anchors.

The risks of chains that grow side by side: a writer blocking on another's head row
(the point of the design), a rolled-back append mistaken for a deletion, concurrent
appends breaking a chain, and a consistently re-hashed history that only an anchor
recorded outside the database can reveal.
"""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select, text, update

from govnet import audit
from govnet.db import read, transaction
from govnet.models import AuditEvent, AuditHead
from govnet_tests.conftest import db_snapshot
from govnet_tests.procs import START_TIMEOUT, run_together

PROCESSES, EACH = 8, 40


def _events(cli, n=3, first=0):
    for i in range(first, first + n):
        assert cli(f"org district add 区{i}").code == 0


def _rehash_from(chain: int, position: int, **changes) -> None:
    """What a careful forger does: edit one event, re-hash it and all its successors in
    its chain, and move the chain's head row to match."""
    with transaction() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.chain == chain,
                                                  AuditEvent.chain_seq >= position)
                         .order_by(AuditEvent.chain_seq)).all()
        prev = rows[0].prev_hash
        for i, ev in enumerate(rows):
            fields = dict(seq=ev.seq, chain=ev.chain, chain_seq=ev.chain_seq, at=ev.at,
                          actor=ev.actor, action=ev.action, object_type=ev.object_type,
                          object_id=ev.object_id, before=ev.before, after=ev.after,
                          prev_hash=prev)
            if i == 0:
                fields.update(changes)
            digest = audit.event_hash(**fields)
            s.execute(update(AuditEvent).where(AuditEvent.id == ev.id).values(
                **{k: v for k, v in fields.items() if k in changes or k == "prev_hash"},
                hash=digest))
            prev = digest
        s.execute(update(AuditHead).where(AuditHead.id == chain).values(hash=prev))


def _two_chains() -> None:
    """Writer A holds a chain while writer B appends and commits first (PostgreSQL)."""
    with transaction() as a:
        audit.record(a, "alice", "test.a", "thing", 1)
        with transaction() as b:
            b.execute(text("SET LOCAL lock_timeout = '5s'"))  # fail, not hang, if B waited
            audit.record(b, "bob", "test.b", "thing", 2)


@pytest.mark.postgres
def test_a_second_writer_takes_another_chain_instead_of_waiting(pg_db):
    _two_chains()
    with read() as s:
        events = {e.actor: e for e in s.scalars(select(AuditEvent))}
        assert audit.verify(s).ok
    assert events["alice"].chain != events["bob"].chain
    # A drew its event number first but committed last: numbers are not chain order.
    assert events["alice"].seq < events["bob"].seq


def test_a_rolled_back_append_is_a_gap_not_a_deletion(any_db):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction() as s:
        audit.record(s, "alice", "test.rolled-back", "thing", 1)
        raise Boom
    with transaction() as s:
        audit.record(s, "bob", "test.kept", "thing", 2)
    with read() as s:
        result = audit.verify(s)
        seqs = [e.seq for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert result.ok and result.events == 2
    if any_db.startswith("postgresql"):
        assert seqs == [1, 3]  # the sequence value the rollback drew is never reused
    else:
        assert seqs == [1, 2]


@pytest.mark.postgres
def test_a_writer_that_rolls_back_after_a_later_one_committed_leaves_a_verifiable_log(pg_db):
    with pytest.raises(RuntimeError), transaction() as a:
        audit.record(a, "alice", "test.a", "thing", 1)
        with transaction() as b:
            b.execute(text("SET LOCAL lock_timeout = '5s'"))
            audit.record(b, "bob", "test.b", "thing", 2)
        raise RuntimeError("alice gives up")
    with transaction() as s:
        audit.record(s, "carol", "test.c", "thing", 3)
    with read() as s:
        result = audit.verify(s)
    assert result.ok and result.events == 3


def _appender(url: str, barrier) -> int:  # type: ignore[no-untyped-def]
    os.environ["GOVNET_DB"] = url
    from govnet import audit as a
    from govnet.db import transaction as t

    barrier.wait(START_TIMEOUT)
    for i in range(EACH):
        with t() as s:
            a.record(s, f"p{os.getpid()}", "test.concurrent", "thing", i, after={"i": i})
    return EACH


@pytest.mark.slow
def test_concurrent_appends_from_several_processes_leave_verifiable_chains(any_db):
    done = run_together(_appender, [any_db], PROCESSES)
    with read() as s:
        result = audit.verify(s)
        rows = s.execute(select(AuditEvent.seq)).scalars().all()
    assert sum(done) == PROCESSES * EACH
    assert result.ok and result.events == 1 + PROCESSES * EACH  # + the admin bootstrap
    assert len(set(rows)) == len(rows)


def test_head_anchors_the_history_and_later_events_still_verify(any_db, cli):
    _events(cli)
    anchor = json.loads(cli("audit head --json").out)
    _events(cli, 2, first=3)
    r = cli(f"audit verify --head {anchor['head']} --json")
    assert r.code == 0 and json.loads(r.out)["ok"] is True
    listed = json.loads(cli("audit list --json --limit 3").out)
    assert "audit.head" in [e["action"] for e in listed]


def test_verify_head_catches_a_history_rewritten_before_it(any_db, cli):
    _events(cli)
    anchor = json.loads(cli("audit head --json").out)["head"]
    _events(cli, 1, first=3)
    _rehash_from(1, 2, actor="mallory")
    assert cli("audit verify").code == 0  # re-hashed consistently: the chain alone cannot tell
    r = cli(f"audit verify --head {anchor}")
    assert r.code == 4 and f"head {anchor} is not in the chain" in r.out


@pytest.mark.postgres
def test_verify_head_catches_a_rewritten_chain_the_anchor_is_not_in(pg_db, cli):
    _two_chains()
    with read() as s:
        bob = s.scalars(select(AuditEvent).where(AuditEvent.actor == "bob")).one()
    anchor = json.loads(cli("audit head --json").out)["head"]
    with read() as s:
        sealing = s.scalars(select(AuditEvent).where(AuditEvent.hash == anchor)).one()
    assert sealing.chain != bob.chain  # the anchor lives in another chain than the forgery
    _rehash_from(bob.chain, bob.chain_seq, actor="mallory")
    assert cli("audit verify").code == 0
    r = cli(f"audit verify --head {anchor} --json")
    problem = json.loads(r.out)["problem"]
    assert r.code == 4 and f"event {bob.seq} differs from what head {anchor} sealed" in problem


def test_verify_head_catches_a_removed_tail_that_held_the_anchor(any_db, cli):
    _events(cli)
    anchor = json.loads(cli("audit head --json").out)
    with transaction() as s:
        s.execute(AuditEvent.__table__.delete().where(AuditEvent.seq >= anchor["seq"]))
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq.desc())).first()
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(
            seq=last.chain_seq, hash=last.hash))
    assert cli("audit verify").code == 0
    r = cli(f"audit verify --head {anchor['head']}")
    assert r.code == 4 and "is not in the chain" in r.out


def test_recording_a_head_is_for_verifiers_and_a_refusal_changes_nothing(db, cli):
    cli("org unit add 市教育局")
    cli("user add edu --role applicant --unit 市教育局")
    cli("user add aud --role auditor")
    before = db_snapshot()
    r = cli("audit head", as_="edu")
    assert r.code == 3 and "may not record the audit head" in r.err
    assert db_snapshot() == before
    r = cli("audit head", as_="aud")
    assert r.code == 0 and len(r.out.split()[0]) == 64
