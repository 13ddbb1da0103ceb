"""/api/v1 API tokens (``govnet token create|list|revoke``): the secret is in the answer
to ``POST /tokens`` once; only its hash is kept, and no other answer carries it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from api.auth import ACTOR
from api.params import Body, Flag, Name, NamePath, Text, TextQuery
from api.shapes import ApiToken, ApiTokenCreated, ok
from govnet import tokens
from govnet.auth import Actor
from govnet.db import read, transaction

router = APIRouter(prefix="/api/v1", tags=["tokens"])


class TokenIn(Body):
    user: Name
    expires: Name | None = Field(None, description="A count and h, d or w (90d), or never.")
    read_only: Flag = False
    description: Text = ""


@router.post("/tokens", status_code=201, responses=ok(ApiTokenCreated, 201))
def token_create(body: TokenIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """A token for ``user``; ``token`` is its secret, shown this once (admin)."""
    with transaction() as s:
        row, secret = tokens.create(s, actor, body.user, expires=body.expires,
                                    read_only=body.read_only, description=body.description)
        return tokens.token_dict(s, row) | {"token": secret}


@router.get("/tokens", responses=ok(list[ApiToken]))
def token_list(user: TextQuery = None, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """Every token (admin, auditor) or the caller's own; never a secret."""
    with read() as s:
        return [tokens.token_dict(s, t) for t in tokens.list_tokens(s, actor, user=user)]


@router.post("/tokens/{key}/revoke", responses=ok(ApiToken))
def token_revoke(key: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Revoke a token (by key or id): refused from the next request on."""
    with transaction() as s:
        return tokens.token_dict(s, tokens.revoke(s, actor, key))
