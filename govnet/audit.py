"""The hash-chained audit log.

Each event stores the hash of the previous one and a SHA-256 over its own
fields and that previous hash; a single head row names the newest event. An
edited row breaks its own hash, a deleted row breaks the next event's link, and
a deleted tail disagrees with the head. ``record`` is called by services inside
their transaction, as the last write before commit: the head row is locked
(``FOR UPDATE`` on PostgreSQL; SQLite's write lock already serializes), so the
chain stays linear under concurrent writers and is held only briefly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from govnet.auth import Actor
from govnet.models import AuditEvent, AuditHead, table_of, utcnow
from govnet.prepared import Prepared

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-stable form of before/after payloads (datetimes, sets, …)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False))


def event_hash(
    *, seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str,
    before: Any, after: Any, prev_hash: str,
) -> str:
    payload = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), actor, action, object_type, object_id,
         before, after, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


_HEAD = table_of(AuditHead)
_EVENTS = table_of(AuditEvent)
_READ_HEAD = Prepared(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update())
_NEW_HEAD = Prepared(insert(_HEAD).values(id=1, seq=0, hash=GENESIS))
_MOVE_HEAD = Prepared(update(_HEAD).where(_HEAD.c.id == 1).values(
    seq=bindparam("new_seq"), hash=bindparam("new_hash")))
_EVENT_COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "before", "after",
                  "prev_hash", "hash")
_APPEND = Prepared(insert(_EVENTS).values(
    {c: bindparam(c, type_=_EVENTS.c[c].type) for c in _EVENT_COLUMNS}))


def record(
    session: Session, actor: Actor | str, action: str, object_type: str, object_id: Any,
    *, before: Any = None, after: Any = None,
) -> str:
    """Append one event to the chain (inside the caller's transaction); returns its hash."""
    head = _READ_HEAD.first(session)
    if head is None:
        _NEW_HEAD.run(session, {})
        seq, prev = 0, GENESIS
    else:
        seq, prev = head.seq, head.hash
    fields: dict[str, Any] = dict(
        seq=seq + 1, at=utcnow(), actor=actor if isinstance(actor, str) else actor.name,
        action=action, object_type=object_type, object_id=str(object_id),
        before=_canonical(before), after=_canonical(after), prev_hash=prev,
    )
    digest = event_hash(**fields)
    _APPEND.run(session, {**fields, "hash": digest})
    _MOVE_HEAD.run(session, {"new_seq": fields["seq"], "new_hash": digest})
    return digest


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    problem: str | None = None
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "problem": self.problem, "seq": self.seq}


def verify(session: Session) -> VerifyResult:
    """Walk the chain; report the first event that was edited, removed or forged."""
    prev, expected_seq, count = GENESIS, 1, 0
    for ev in session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))):
        count += 1
        if ev.seq != expected_seq:
            return VerifyResult(False, count, f"event {expected_seq} is missing", expected_seq)
        if ev.prev_hash != prev:
            return VerifyResult(False, count, f"event {ev.seq} does not follow its predecessor",
                                ev.seq)
        fields: dict[str, Any] = dict(seq=ev.seq, at=ev.at, actor=ev.actor, action=ev.action,
                      object_type=ev.object_type, object_id=ev.object_id,
                      before=ev.before, after=ev.after, prev_hash=ev.prev_hash)
        if event_hash(**fields) != ev.hash:
            return VerifyResult(False, count, f"event {ev.seq} was altered", ev.seq)
        prev, expected_seq = ev.hash, expected_seq + 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev:
        return VerifyResult(False, count,
                            f"the chain ends at event {expected_seq - 1} but its head says "
                            f"{head_seq}: events were removed", head_seq)
    return VerifyResult(True, count)


def list_events(
    session: Session, *, limit: int = 50, action: str | None = None, actor: str | None = None,
    search: str | None = None, viewer: Actor | None = None, offset: int = 0,
) -> list[AuditEvent]:
    """The newest events first, optionally filtered.

    A ``viewer`` whose role does not read everything (district operator, applicant)
    sees only the events it caused itself.
    """
    return list(session.exec(_filtered(select(AuditEvent), action=action, actor=actor,
                                       search=search, viewer=viewer)
                             .order_by(col(AuditEvent.seq).desc()).offset(offset).limit(limit)))


def count_events(session: Session, *, action: str | None = None, actor: str | None = None,
                 search: str | None = None, viewer: Actor | None = None) -> int:
    """How many events :func:`list_events` would page through with these filters."""
    from sqlalchemy import func

    return session.exec(_filtered(select(func.count()).select_from(AuditEvent), action=action,
                                  actor=actor, search=search, viewer=viewer)).one()


def _filtered(query: Any, *, action: str | None, actor: str | None, search: str | None,
              viewer: Actor | None) -> Any:
    if viewer is not None and not viewer.reads_all:
        query = query.where(col(AuditEvent.actor) == viewer.name)
    if action:
        query = query.where(col(AuditEvent.action).startswith(action))
    if actor:
        query = query.where(col(AuditEvent.actor) == actor)
    if search:
        like = f"%{search}%"
        query = query.where(col(AuditEvent.object_id).like(like) | col(AuditEvent.action).like(like))
    return query


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """An audit event as JSON-ready data (``govnet audit list --json`` and the API)."""
    return {"seq": event.seq, "at": event.at.isoformat(timespec="seconds"), "actor": event.actor,
            "action": event.action, "object": f"{event.object_type}:{event.object_id}",
            "before": event.before, "after": event.after}
