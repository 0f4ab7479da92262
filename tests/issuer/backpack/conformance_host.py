"""A stand-in for the 1EdTech conformance test system as a Service Provider (Write), written
in the tests from OB 3.0 §7 and RFC 6749/7591/7636 alone (nothing of the wallet or the issuer):
it checks what a Service Consumer (Write) sends at each step and records it.

Its discovery document puts the API under another path (``servers``) and its authorization
URL carries a query of its own, as a host may. With ``refuse_with``, it refuses every upsert
(400) with those words as its ``imsx_description``, as a hostile host may."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

BASE = "https://conformance.test"
UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"


def conformance_host(refuse_with: str | None = None) -> FastAPI:
    app = FastAPI()
    seen: dict[str, Any] = {"upserts": [], "errors": [], "keys": set()}
    app.state.seen = seen
    grants: dict[str, dict[str, str]] = {}
    clients: dict[str, str] = {}
    tokens: set[str] = set()

    @app.get("/ims/ob/v3p0/discovery")
    def discovery() -> dict[str, Any]:
        flow = {"authorizationUrl": BASE + "/auth?tenant=1", "tokenUrl": BASE + "/tok",
                "scopes": {UPSERT: "upsert"}}  # fmt: skip
        scheme = {"type": "oauth2", "x-imssf-registrationUrl": BASE + "/reg",
                  "flows": {"authorizationCode": flow}}  # fmt: skip
        return {"openapi": "3.0.1", "info": {"title": "Conformance", "version": "1"},
                "servers": [{"url": BASE + "/api/ob/v3p0"}],
                "components": {"securitySchemes": {"OAuth2ACG": scheme}}}  # fmt: skip

    @app.post("/reg", status_code=201)
    async def register(request: Request) -> dict[str, Any]:
        body = await request.json()
        seen["registration"] = body
        client_id, secret = secrets.token_hex(8), secrets.token_urlsafe(16)
        clients[client_id] = secret
        return {"client_id": client_id, "client_secret": secret, **body}

    @app.get("/auth")
    def authorize(request: Request) -> Response:
        q = request.query_params
        seen["authorize"] = dict(q)
        code = secrets.token_urlsafe(16)
        grants[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                        "client_id": q["client_id"]}  # fmt: skip
        back = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
        return RedirectResponse(back, status_code=302)

    @app.post("/tok")
    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        auth = request.headers.get("authorization", "")
        client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        grant = grants.pop(str(form.get("code")), None)
        verifier = str(form.get("code_verifier", "")).encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if (
            grant is None or clients.get(client_id) != secret or grant["client_id"] != client_id
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge.decode() != grant["challenge"]
        ):  # fmt: skip
            seen["errors"].append("token request")
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        access = secrets.token_urlsafe(16)
        tokens.add(access)
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 60,
                             "scope": UPSERT})  # fmt: skip

    @app.post("/api/ob/v3p0/credentials")
    async def upsert(request: Request) -> Response:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in tokens:
            return JSONResponse({"imsx_codeMajor": "failure"}, status_code=401)
        kind = request.headers.get("content-type", "").split(";")[0]
        body: Any = await request.json() if kind == "application/json" else (
            (await request.body()).decode())  # fmt: skip
        seen["upserts"].append((kind, body))
        if refuse_with is not None:
            refusal = {"imsx_codeMajor": "failure", "imsx_severity": "error",
                       "imsx_description": refuse_with}  # fmt: skip
            return JSONResponse(refusal, status_code=400)
        key = str(body.get("id")) if isinstance(body, dict) else body
        status = 200 if key in seen["keys"] else 201
        seen["keys"].add(key)
        return JSONResponse(body if isinstance(body, dict) else {}, status_code=status)

    return app
