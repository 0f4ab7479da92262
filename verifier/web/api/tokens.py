"""An organisation's API tokens, as JSON (for staff, or a token with ``tokens:write``).

* ``GET    /api/tokens``       the organisation's tokens: id, name, scopes, created, revoked
  (never a secret)
* ``POST   /api/tokens``       ``{"name", "scopes": [...]}`` -> the token with its ``secret``,
  shown in this answer only
* ``DELETE /api/tokens/{id}``  revoke it (another organisation's token: 404)
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from servicekit.json_route import api_router
from servicekit.problems import Problem
from vckit.errors import InputError
from verifier.accounts import tokens
from verifier.accounts.tokens import TokenRecord
from verifier.web.deps import InstallationDep, TokensWriter

router = api_router(tags=["Tokens"])


class NewToken(BaseModel):
    """A name for people, and the scopes the token holds."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Applicant tracking", "scopes": ["jobs:read", "results:read"]}]
        }
    )

    name: str
    scopes: list[str]


def token_json(token: TokenRecord) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "scopes": list(token.scopes),
        "created": token.created,
        "revoked": token.revoked_at,
    }


@router.get("/api/tokens", summary="The organisation's API tokens (without secrets)")
def list_tokens(inst: InstallationDep, caller: TokensWriter) -> Response:
    listed = tokens.list_tokens(inst, caller.organisation_id)
    return JSONResponse([token_json(t) for t in listed])


@router.post("/api/tokens", status_code=201, summary="Make an API token (its secret shown once)")
def make_token(body: NewToken, inst: InstallationDep, caller: TokensWriter) -> Response:
    try:
        made, secret = tokens.add_token(inst, caller.organisation_id, body.name, body.scopes)
    except InputError as exc:
        raise Problem(422, "Invalid token", str(exc), "invalid-token") from None
    return JSONResponse({**token_json(made), "secret": secret}, status_code=201)


@router.delete("/api/tokens/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(token_id: str, inst: InstallationDep, caller: TokensWriter) -> Response:
    tokens.revoke(inst, caller.organisation_id, token_id)
    return Response(status_code=204)
