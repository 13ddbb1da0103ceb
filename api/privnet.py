"""/api/v1 private networks: filings (备案, Art. 23) and applications (Art. 24 ¶2).

``govnet access private-network file|apply|approve|reject|list|show`` over HTTP: one
``access.privnet`` call per handler, answers ``privnet.network_dict`` (the CLI's ``--json``).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from access import privnet
from api.access import ApproveIn
from api.auth import ACTOR
from api.ipam import RejectIn
from api.paging import PAGING, Paging
from api.params import Body, Flag, Name, NumberPath, Text, TextQuery
from api.shapes import Page, PrivateNetwork, ok
from govnet.auth import Actor
from govnet.db import read, transaction

router = APIRouter(prefix="/api/v1", tags=["access"])


class NetworkIn(Body):
    kind: Literal["filing", "application"] = Field(
        description="filing: a retained network (Art. 23); application: a new one (Art. 24).")
    owner: Name = Field(description="The owning unit.")
    name: Name
    prefixes: list[Name] = Field(min_length=1, max_length=64)
    interconnection: Text = Field(description="Where it interconnects with the extranet.")
    zone: Name | None = Field(None, description="The extranet zone it interconnects with.")
    plan: Text | None = Field(None, description="The technical and security plan ref "
                              "(required for an application).")
    overlaps_plan: Flag = Field(False, description="Register it although it overlaps a pool "
                                "or the owner's own plan space (audited).")


@router.get("/private-networks", responses=ok(Page[PrivateNetwork]))
def network_list(status: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
                 ) -> dict[str, Any]:
    with read() as s:
        return paging.of(privnet.list_networks(s, actor, status=status),
                         lambda n: privnet.network_dict(s, n))


@router.get("/private-networks/{number}", responses=ok(PrivateNetwork))
def network_show(number: NumberPath, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        return privnet.network_dict(s, privnet.get_network(s, actor, number))


@router.post("/private-networks", status_code=201, responses=ok(PrivateNetwork, 201))
def network_register(body: NetworkIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """``kind`` ``filing``: file a retained private network with the authority (备案,
    Art. 23); ``application``: apply for a new one, whose ``plan`` needs approval first
    (Art. 24)."""
    with transaction() as s:
        register = privnet.file_network if body.kind == "filing" else privnet.apply_network
        network = register(s, actor, owner=body.owner, name=body.name, prefixes=body.prefixes,
                           interconnection=body.interconnection, zone=body.zone,
                           plan=body.plan, overlaps_plan=body.overlaps_plan)  # type: ignore[arg-type]
        return privnet.network_dict(s, network)


@router.post("/private-networks/{number}/approve", responses=ok(PrivateNetwork))
def network_approve(number: NumberPath, body: ApproveIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return privnet.network_dict(s, privnet.approve(s, actor, number, doc=body.doc))


@router.post("/private-networks/{number}/reject", responses=ok(PrivateNetwork))
def network_reject(number: NumberPath, body: RejectIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return privnet.network_dict(s, privnet.reject(s, actor, number, reason=body.reason))
