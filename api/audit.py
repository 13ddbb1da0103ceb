"""/api/v1 audit head (``govnet audit head``): seal the chains' heads into one hash.

The reads of the log (``GET /audit``, ``GET /audit/verify``) are in :mod:`api.inventory`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.auth import ACTOR
from api.shapes import AuditHead, ok
from govnet import audit
from govnet.auth import Actor
from govnet.db import transaction

router = APIRouter(prefix="/api/v1", tags=["inventory, compliance, audit"])


@router.post("/audit/head", responses=ok(AuditHead))
def audit_head(actor: Actor = ACTOR) -> dict[str, Any]:
    """Record the current head of every chain; keep ``head`` outside govnet and check it
    later with ``GET /audit/verify?head=…``."""
    with transaction() as s:
        anchor = audit.checkpoint(s, actor)
        return {"head": anchor.hash, "seq": anchor.seq, "chains": anchor.chains,
                "recorded": True, "heads": [anchor.hash]}
