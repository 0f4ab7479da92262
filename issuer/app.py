"""The issuer's web app: ``create_app(settings)`` wires everything; nothing runs at import.

It opens the database (SQLite file or PostgreSQL URL), applies migrations, loads the demo
issuers on an empty database, and reads from the database (or creates once, whichever
process starts first) the API token's hash, the installation's own key, the c_nonce key
and the staff sessions' signing secret (:mod:`servicekit.installation_secrets`). Tests
pass ``clock`` and ``new_key`` to freeze time and reuse fixed keys.

Errors: the use-case errors (:mod:`issuer.errors`) and the rest are answered by the one
handler of :func:`servicekit.app.service_app` (problem+json for the API, the error page for
a page); the OpenID4VCI endpoints answer in the protocol's own terms (:func:`oauth_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response

from issuer.batches import signing as batch_signing
from issuer.batches.batch_csv import BatchTooLarge
from issuer.errors import (
    ConflictError,
    IssuerError,
    MalformedCredentialError,
    NotFoundError,
)
from issuer.installation import Installation
from issuer.migrations import migrate
from issuer.offers.oid4vci import OAuthError
from issuer.organisations import catalogue
from issuer.organisations.access import api_token_hash, nonce_secret
from issuer.organisations.identity import load_or_create
from issuer.outbound import Outbound, Policy
from issuer.settings import Settings
from issuer.stats import issuer_stats
from issuer.store.sealed import SEALED
from issuer.web.api import artwork as artwork_api
from issuer.web.api import (
    backpack,
    batches,
    clr,
    credentials,
    endorsements,
    issuers,
    oid4vci,
    status,
    vc_api,
)
from issuer.web.api import catalogue as catalogue_api
from issuer.web.pages import artwork as artwork_pages
from issuer.web.pages import backpack as backpack_pages
from issuer.web.pages import base, home, issue, issued, sign_in
from issuer.web.pages import batches as batch_pages
from issuer.web.pages import catalogue as catalogue_pages
from issuer.web.pages import clr as clr_pages
from servicekit.app import SHARED_PUBLIC, ErrorRules, Service, service_app
from servicekit.db import Database
from servicekit.kek import load_keyring, seal_at_start
from servicekit.migrations import STARTUP_LOCK
from servicekit.sessions import Sessions
from servicekit.sessions import session_secret as shared_session_secret
from servicekit.shared_ratelimit import SharedFailureLimiter
from vckit.errors import BakingError
from vckit.keys.keypair import KeyKind, KeyPair

PUBLIC: frozenset[tuple[str, str]] = SHARED_PUBLIC | frozenset(
    {
        # what a verifier or a wallet fetches: DIDs, achievements, status lists, metadata
        ("GET", "/issuers"),
        ("GET", "/issuers/{slug}/did.json"),
        ("GET", "/.well-known/did.json"),
        ("GET", "/issuers/{slug}/achievements"),
        ("GET", "/issuers/{slug}/achievements/{achievement}"),
        ("GET", "/issuers/{slug}/achievements/{achievement}/image"),
        ("GET", "/issuers/{slug}/status/{name}"),
        ("GET", "/status/revocation-reasons"),  # a message list's statusReference: the codes
        ("GET", "/.well-known/openid-credential-issuer/issuers/{slug}"),
        ("GET", "/.well-known/oauth-authorization-server/issuers/{slug}"),
        # OpenID4VCI: the offer, the pre-authorized code's token, the nonce (the credential
        # endpoint needs the access token)
        ("GET", "/issuers/{slug}/offers/{offer_id}"),
        ("POST", "/issuers/{slug}/token"),
        ("POST", "/issuers/{slug}/nonce"),
        # a learner's download link: the token in the URL is the capability (by id: API token)
        ("GET", "/credentials/{key}"),
        ("GET", "/credentials/{token}/baked.{kind}"),
        # pages anyone may read and the sign-in form (health, /stats, the API documents and
        # the stylesheets: SHARED_PUBLIC)
        ("GET", "/"),
        ("GET", "/issuers/{slug}"),
        ("GET", "/issuers/{slug}/catalogue"),
        ("GET", "/issuer-pages/progress.js"),
        ("GET", "/sign-in"),
        ("POST", "/sign-in"),
        # "send to my backpack" from an offer: the offer's id is the capability, as its link is
        ("GET", "/issuers/{slug}/offers/{offer_id}/backpack"),
        ("POST", "/issuers/{slug}/offers/{offer_id}/backpack"),
    }
)
"""The routes anyone may call, as ``(method, path template)``; every other route needs the
API token or a staff session (``tests/test_doors.py`` walks them all as a stranger)."""

TEMPLATES = Path(__file__).parent / "templates"
SERVICE = Service(
    "issuer",
    "LER issuer",
    "Credentialing organizations: their DIDs, catalogues and credentials "
    "(W3C VC-API issue and status, Bitstring Status List).",
)
ERRORS: dict[type[Exception], tuple[int, str]] = {
    MalformedCredentialError: (400, "Malformed credential"),
    NotFoundError: (404, "Not found"),
    ConflictError: (409, "Conflict"),
    BatchTooLarge: (413, "Request too large"),
    IssuerError: (422, "Cannot issue"),
    BakingError: (422, "Cannot bake"),
}
"""Use-case error -> (status, title); the first class that matches wins."""


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    new_key: Callable[[KeyKind], KeyPair] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """The app; tests pass ``clock``, ``new_key`` and a ``transport`` that routes outbound
    requests to in-process apps."""
    settings = settings or Settings.from_env()
    keyring = load_keyring(settings.kek_source)
    db = Database.connect(settings.database, keyring=keyring, write_wait=settings.write_wait)
    extra: dict[str, Any] = {}
    if clock is not None:
        extra["clock"] = clock
    if new_key is not None:
        extra["new_key"] = new_key
    extra["batch_workers"] = settings.batch_workers or batch_signing.default_size()
    inst = Installation(
        db=db, base_url=settings.base_url.rstrip("/"), vc11_status=settings.vc11_status, **extra
    )
    with db.exclusive(STARTUP_LOCK):  # processes started together take turns
        migrate(db)
        seal_at_start(db, SEALED)  # legacy plaintext secrets sealed; a wrong KEK stops here
        if settings.demo_file is not None and settings.demo_file.exists():
            catalogue.load_demo(inst, settings.demo_file)
        # the installation's secrets: in the database, the same for every process
        identity = load_or_create(db, settings.data_dir, settings.base_url)
        token_hash = api_token_hash(db, settings.data_dir, settings.api_token)
        nonces = nonce_secret(db)
        session_secret = shared_session_secret(db, settings.data_dir)
    app = service_app(
        SERVICE,
        templates=TEMPLATES,
        db=db,
        stats=lambda: issuer_stats(db),
        body_limit=settings.max_body_bytes,
        errors=ErrorRules(statuses=ERRORS, error_page=base.error_page, pages_at=base.is_page),
        lifespan=batches.lifespan,  # the batch worker: resumes batches left running
    )
    app.state.settings = settings
    app.state.inst = inst
    app.state.limiter = SharedFailureLimiter(db)  # one count for every process
    app.state.identity = identity
    app.state.api_token_hash = token_hash  # SHA-256 hex: the token itself is not kept
    app.state.nonce_secret = nonces
    app.state.sessions = Sessions(session_secret)
    policy = Policy(
        allow_http_localhost=settings.allow_http_localhost, allow_private=settings.allow_private,
        max_bytes=settings.fetch_max_bytes, timeout=settings.fetch_timeout,
    )  # fmt: skip
    app.state.http = Outbound(policy, transport)

    @app.exception_handler(OAuthError)
    async def oauth_error(request: Request, exc: OAuthError) -> Response:
        return oid4vci.oauth_error(exc)

    for api in (vc_api, issuers, catalogue_api, credentials, status, oid4vci, batches, backpack):
        app.include_router(api.router)
    app.include_router(clr.router)
    app.include_router(endorsements.router)
    app.include_router(clr_pages.router)
    app.include_router(artwork_api.router)  # achievement images
    app.include_router(artwork_pages.router)
    for pages in (home, sign_in, catalogue_pages, issue, issued, batch_pages, backpack_pages):
        app.include_router(pages.router)
    return app
