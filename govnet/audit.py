"""The hash-chained audit log: several parallel chains, sealed together by anchors.

Each event belongs to one of up to :data:`CHAINS` chains. Inside a chain it has a
position (``chain_seq``), the hash of its predecessor in that chain, and a SHA-256
over its own fields and that hash; a head row per chain names the chain's newest
event. An edited row breaks its own hash, a deleted row leaves a hole in its
chain's positions and breaks the next link, a deleted tail disagrees with the head.

Why several chains: with one chain every audited write in the city held its head
row from the append until commit, so all writers queued behind one row. An append
now locks the first head row no other transaction holds (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), so writers in different parents never wait for each other;
while every chain is busy a new one is added, up to :data:`CHAINS`, and only beyond
that does a writer wait. Within a chain the order is the commit order of its head
lock, so no event is ever sealed out of order and a rolled-back transaction leaves
nothing to explain. ``seq``, the event number shown to users, comes from a database
sequence on PostgreSQL (a rollback leaves a gap there; gaps in ``seq`` are never
evidence, holes in a chain's positions are). SQLite serializes writers anyway: it
keeps one chain, and ``seq`` equals the position.

Anchors (:func:`checkpoint`, ``govnet audit head``) append an ``audit.head`` event
whose payload records the head of every chain; its hash therefore covers the whole
history before it. An operator writes that hash down elsewhere; ``verify(head=H)``
proves the chains are intact and that the history H sealed is still there,
unchanged. See docs/audit.md.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Sequence, bindparam, func, insert, literal, select, update

from govnet import tables
from govnet.auth import Actor, require
from govnet.clock import utcnow
from govnet.errors import GovnetError, InvalidInput
from govnet.prepared import Bind, Prepared, dialect_name
from govnet.roles import Role

GENESIS = "0" * 64
CHAINS = 32  # most writers that append at the same time without waiting for one another
CHECKPOINT = "audit.head"
EVENT_NUMBER = Sequence("audit_event_number")  # PostgreSQL; created by migration 0007


def _canonical(value: Any) -> Any:
    """JSON-stable form of before/after payloads (datetimes, sets, …)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False))


def event_hash(
    *, seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str,
    before: Any, after: Any, prev_hash: str, chain: int = 1, chain_seq: int | None = None,
) -> str:
    """SHA-256 of an event. Chain and position are hashed unless they are (1, seq), the
    only shape before chains existed, so events recorded then still verify."""
    fields = [seq, at.isoformat(timespec="microseconds"), actor, action, object_type, object_id,
              before, after, prev_hash]
    if (chain, seq if chain_seq is None else chain_seq) != (1, seq):
        fields += [chain, chain_seq]
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


# Core tables: recording an event is on the allocation path, which imports no ORM.
_HEAD = tables.audithead
_EVENTS = tables.auditevent
_HEAD_COLUMNS = (_HEAD.c.id, _HEAD.c.seq, _HEAD.c.hash)
_NEXT_SEQ_OF = {  # the next event number
    "postgresql": EVENT_NUMBER.next_value(),
    "sqlite": select(func.coalesce(func.max(_EVENTS.c.seq), 0) + 1).scalar_subquery(),
}
_NEXT_SEQ = {d: Prepared(select(expr.label("next"))) for d, expr in _NEXT_SEQ_OF.items()}
# The first chain no other transaction holds, with the next event number, in one round
# trip (SQLite renders no lock: it has one writer).
_FREE = (select(*_HEAD_COLUMNS).order_by(_HEAD.c.id).limit(1)
         .with_for_update(skip_locked=True).subquery("free"))
_TAKE_FREE = {d: Prepared(select(_FREE.c.id, _FREE.c.seq, _FREE.c.hash, expr.label("next")))
              for d, expr in _NEXT_SEQ_OF.items()}
_TAKE = Prepared(select(*_HEAD_COLUMNS).where(_HEAD.c.id == bindparam("chain")).with_for_update())
_NEXT_ID = func.coalesce(func.max(_HEAD.c.id), 0)
_NEW_CHAIN_ROWS = select((_NEXT_ID + 1).label("id"), literal(0).label("seq"),
                         literal(GENESIS).label("hash")).having(_NEXT_ID < CHAINS)


@cache
def _new_chain(dialect: str) -> Prepared:
    """Add the next chain's head row. Two writers adding the same chain: on PostgreSQL
    the second waits for the first's commit, then skips. Built on first use, so a
    command on SQLite never imports the PostgreSQL dialect (issue 11: command start)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return Prepared(pg_insert(_HEAD).from_select(["id", "seq", "hash"], _NEW_CHAIN_ROWS)
                        .on_conflict_do_nothing().returning(*_HEAD_COLUMNS))
    return Prepared(insert(_HEAD).from_select(["id", "seq", "hash"], _NEW_CHAIN_ROWS)
                    .returning(*_HEAD_COLUMNS))


_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == bindparam("h_chain")).values(
    seq=bindparam("h_seq"), hash=bindparam("h_hash"))
_EVENT_COLUMNS = ("seq", "chain", "chain_seq", "at", "actor", "action", "object_type",
                  "object_id", "before", "after", "prev_hash", "hash")
_INSERT_EVENT = insert(_EVENTS).values(
    {c: bindparam(c, type_=_EVENTS.c[c].type) for c in _EVENT_COLUMNS})
# PostgreSQL moves the head in the same statement (a data-modifying CTE); SQLite cannot.
_APPEND = {"postgresql": [Prepared(_INSERT_EVENT.add_cte(_MOVE_HEAD.cte("moved")))],
           "sqlite": [Prepared(_INSERT_EVENT), Prepared(_MOVE_HEAD)]}


def _take_chain(session: Bind, dialect: str) -> tuple[Any, int]:
    """Lock the head row of a chain for this transaction (a free one, a new one, or wait
    for one) and draw the next event number."""
    head = _TAKE_FREE[dialect].first(session)
    if head is not None:
        return head, head.next
    head = _new_chain(dialect).first(session)
    if head is None:  # every chain is held (more than CHAINS writers): queue behind one
        head = (_TAKE.first(session, {"chain": random.randint(1, CHAINS)})
                or _TAKE.first(session, {"chain": 1}))
    if head is None:
        raise GovnetError("the audit chain has no head row it can lock")
    return head, _NEXT_SEQ[dialect].first(session).next


def _append(session: Bind, actor: Actor | str, action: str, object_type: str, object_id: Any,
            *, before: Any, after: Any) -> tuple[int, str]:
    dialect = dialect_name(session)
    head, seq = _take_chain(session, dialect)
    fields: dict[str, Any] = dict(
        seq=seq, chain=head.id, chain_seq=head.seq + 1, at=utcnow(),
        actor=actor if isinstance(actor, str) else actor.name, action=action,
        object_type=object_type, object_id=str(object_id), before=_canonical(before),
        after=_canonical(after), prev_hash=head.hash,
    )
    digest = event_hash(**fields)
    params = {**fields, "hash": digest, "h_chain": head.id, "h_seq": fields["chain_seq"],
              "h_hash": digest}
    for statement in _APPEND[dialect]:
        statement.run(session, params)
    return seq, digest


def record(
    session: Bind, actor: Actor | str, action: str, object_type: str, object_id: Any,
    *, before: Any = None, after: Any = None,
) -> str:
    """Append one event (inside the caller's transaction, as its last write); returns its hash."""
    return _append(session, actor, action, object_type, object_id, before=before, after=after)[1]


VERIFIERS = (Role.authority, Role.municipal_operator, Role.auditor)


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    chains: int


def checkpoint(session: Bind, actor: Actor) -> Anchor:
    """Seal the current head of every chain into one event; its hash is the anchor."""
    require(actor, *VERIFIERS, action="record the audit head")
    heads = [[h.id, h.seq, h.hash] for h in session.execute(
        select(*_HEAD_COLUMNS).order_by(_HEAD.c.id))]
    seq, digest = _append(session, actor, CHECKPOINT, "audit", "head", before=None,
                          after={"heads": heads})
    return Anchor(seq, digest, max(len(heads), 1))


def chain_heads(session: Bind, actor: Actor) -> list[Anchor]:
    """The newest event of every chain, read only: what ``govnet audit head`` shows when
    the database cannot record an anchor (read-only, disk full). Each hash is a head
    ``verify(head=...)`` accepts; it seals the history of its own chain (SQLite has one
    chain, so there it seals everything)."""
    require(actor, *VERIFIERS, action="read the audit head")
    newest = select(_HEAD.c.hash).where(_HEAD.c.seq > 0)
    return [Anchor(ev.seq, ev.hash, 1) for ev in session.execute(
        select(_EVENTS.c.seq, _EVENTS.c.hash).where(_EVENTS.c.hash.in_(newest))
        .order_by(_EVENTS.c.chain))]


_HEAD_TEXT = re.compile(r"[0-9a-f]{64}")


def parse_head(text: str) -> str:
    """An audit head as typed (``govnet audit verify --head``): 64 hex digits, either case.

    >>> parse_head("0000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: --head '0000' is not an audit head: expected the 64 hex digits ...
    """
    value = text.strip().lower()
    if not _HEAD_TEXT.fullmatch(value):
        raise InvalidInput(f"--head {text!r} is not an audit head: expected the 64 hex digits "
                           "'govnet audit head' printed")
    return value


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    problem: str | None = None
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "problem": self.problem, "seq": self.seq}


def _anchored(session: Bind, head: str) -> dict[tuple[int, int], str] | str:
    """What anchor ``head`` sealed: {(chain, position): hash}, or why it cannot be found."""
    ev = session.execute(select(_EVENTS).where(_EVENTS.c.hash == head)).first()
    if ev is None:
        return (f"head {head} is not in the chain: the history it sealed was rewritten "
                "or removed")
    sealed = {(ev.chain, ev.chain_seq): ev.hash}
    if ev.action == CHECKPOINT and isinstance(ev.after, dict):
        sealed.update({(c, n): h for c, n, h in ev.after.get("heads", []) if n})
    return sealed


def verify(session: Bind, *, head: str | None = None) -> VerifyResult:
    """Walk every chain; report the first event edited, removed or forged.

    With ``head`` (an anchor hash recorded earlier), also prove that the history it
    sealed is still there, unchanged.
    """
    sealed: dict[tuple[int, int], str] = {}
    if head is not None:
        head = parse_head(head)
        found = _anchored(session, head)
        if isinstance(found, str):
            return VerifyResult(False, 0, found)
        sealed = found
    heads = {h.id: (h.seq, h.hash) for h in session.execute(select(*_HEAD_COLUMNS))}
    ends: dict[int, tuple[int, str, int]] = {}  # chain -> (last position, its hash, its seq)
    count = 0
    for ev in session.execute(select(_EVENTS).order_by(_EVENTS.c.chain, _EVENTS.c.chain_seq)):
        count += 1
        position, prev, _ = ends.get(ev.chain, (0, GENESIS, 0))
        if ev.chain_seq != position + 1:
            return VerifyResult(False, count, f"an event before event {ev.seq} is missing "
                                f"(chain {ev.chain}, position {position + 1})", ev.seq)
        if ev.prev_hash != prev:
            return VerifyResult(False, count, f"event {ev.seq} does not follow its predecessor",
                                ev.seq)
        fields: dict[str, Any] = dict(
            seq=ev.seq, chain=ev.chain, chain_seq=ev.chain_seq, at=ev.at, actor=ev.actor,
            action=ev.action, object_type=ev.object_type, object_id=ev.object_id,
            before=ev.before, after=ev.after, prev_hash=ev.prev_hash)
        if event_hash(**fields) != ev.hash:
            return VerifyResult(False, count, f"event {ev.seq} was altered", ev.seq)
        recorded = sealed.pop((ev.chain, ev.chain_seq), None)
        if recorded is not None and recorded != ev.hash:
            return VerifyResult(False, count, f"event {ev.seq} differs from what head {head} "
                                "sealed: the history before it was rewritten", ev.seq)
        ends[ev.chain] = (ev.chain_seq, ev.hash, ev.seq)
    for chain in sorted(set(heads) | set(ends)):
        position, last, seq = ends.get(chain, (0, GENESIS, 0))
        head_seq, head_hash = heads.get(chain, (None, None))
        if head_seq is None:
            return VerifyResult(False, count, f"chain {chain} has no head row: it was removed",
                                seq or None)
        if (head_seq, head_hash) != (position, last):
            return VerifyResult(False, count, f"chain {chain} ends at position {position} but its "
                                f"head says {head_seq}: events were removed", seq or None)
    if heads and sorted(heads) != list(range(1, len(heads) + 1)):
        return VerifyResult(False, count, "a chain's head row was removed")
    if sealed:
        (chain, position), _ = min(sealed.items())
        return VerifyResult(False, count, f"head {head} sealed chain {chain} up to position "
                            f"{position}, which is gone: events were removed")
    return VerifyResult(True, count)


def list_events(
    session: Bind, *, limit: int = 50, action: str | None = None, actor: str | None = None,
    search: str | None = None, viewer: Actor | None = None, offset: int = 0,
) -> list[Row[Any]]:
    """The newest events first, optionally filtered.

    A ``viewer`` whose role does not read everything (district operator, applicant)
    sees only the events it caused itself.
    """
    return list(session.execute(_filtered(select(_EVENTS), action=action, actor=actor,
                                          search=search, viewer=viewer)
                                .order_by(_EVENTS.c.seq.desc()).offset(offset).limit(limit)))


def count_events(session: Bind, *, action: str | None = None, actor: str | None = None,
                 search: str | None = None, viewer: Actor | None = None) -> int:
    """How many events :func:`list_events` would page through with these filters."""
    count: int = session.execute(_filtered(select(func.count()).select_from(_EVENTS),
                                           action=action, actor=actor, search=search,
                                           viewer=viewer)).scalar_one()
    return count


def _filtered(query: Any, *, action: str | None, actor: str | None, search: str | None,
              viewer: Actor | None) -> Any:
    if viewer is not None and not viewer.reads_all:
        query = query.where(_EVENTS.c.actor == viewer.name)
    if action:
        query = query.where(_EVENTS.c.action.startswith(action))
    if actor:
        query = query.where(_EVENTS.c.actor == actor)
    if search:
        like = f"%{search}%"
        query = query.where(_EVENTS.c.object_id.like(like) | _EVENTS.c.action.like(like))
    return query


def event_dict(event: Any) -> dict[str, Any]:
    """An audit event as JSON-ready data (``govnet audit list --json`` and the API)."""
    return {"seq": event.seq, "at": event.at.isoformat(timespec="seconds"), "actor": event.actor,
            "action": event.action, "object": f"{event.object_type}:{event.object_id}",
            "before": event.before, "after": event.after}
