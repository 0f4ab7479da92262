"""Webhook routes (JSON): an applicant-tracking system asks for every result of a job.

* ``PUT    /api/jobs/{id}/webhook``  ``{"url", "secret"?}`` -> the webhook, with its secret
  (generated when none is given; shown only in this answer). The URL must pass the
  verifier's fetch policy (422 ``webhook-url-refused`` otherwise).
* ``GET    /api/jobs/{id}/webhook``  the URL (never the secret) and every delivery attempt
* ``DELETE /api/jobs/{id}/webhook``  stop delivering (the log stays)

The router's lifespan runs the :class:`verifier.delivery.webhook.Deliverer` background thread while
the app runs (``app.state.deliverer``); see :mod:`verifier.delivery.webhook` for signing and retries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from servicekit.db import Database
from servicekit.problems import problem
from vckit.document import parse_json
from vckit.errors import InputError
from verifier.checking.fetch import FetchPolicy
from verifier.delivery import webhook
from verifier.settings import Settings
from verifier.store import DeliveryRecord
from verifier.web.deps import SettingsDep


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        allow_http_localhost=settings.allow_http_localhost, allow_private=settings.allow_private
    )


@asynccontextmanager
async def deliveries(app: FastAPI) -> AsyncIterator[None]:
    """Run the webhook deliverer while the app runs."""
    settings: Settings = app.state.settings
    deliverer = webhook.Deliverer(
        app.state.db,
        fetch_policy(settings),
        base_delay=settings.webhook_base_delay,
        max_tries=settings.webhook_max_tries,
        poll_interval=settings.webhook_poll_interval,
    )
    app.state.deliverer = deliverer
    deliverer.start()
    try:
        yield
    finally:
        deliverer.stop()


router = APIRouter(tags=["Webhooks"], lifespan=deliveries)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _attempt(d: DeliveryRecord) -> dict[str, Any]:
    return {
        "response": d.response_id,
        "attempt": d.attempt,
        "at": d.at,
        "status": d.status,
        "detail": d.detail,
        "url": d.url,
    }


def _not_found(exc: Exception) -> Response:
    return problem(404, "No such job", str(exc), "not-found")


@router.put("/api/jobs/{job_id}/webhook", summary="Send every result of the job to a URL")
async def set_webhook(job_id: str, request: Request, settings: SettingsDep) -> Response:
    try:
        body = parse_json((await request.body()).decode("utf-8"))  # depth-limited
    except (InputError, UnicodeDecodeError):
        return problem(400, "Malformed request", "the body must be JSON", "malformed-json")
    url = body.get("url") if isinstance(body, dict) else None
    secret = body.get("secret") if isinstance(body, dict) else None
    if not isinstance(url, str) or not (secret is None or isinstance(secret, str)):
        detail = "give {'url': string, 'secret'?: string}"
        return problem(422, "Missing input", detail, "bad-input")
    try:
        done = webhook.configure(
            _db(request), job_id, url, fetch_policy(settings), secret=secret or None
        )
    except webhook.UnknownJob as exc:
        return _not_found(exc)
    except webhook.WebhookUrlRefused as exc:
        return problem(422, "Webhook refused", str(exc), exc.code)
    deliverer = getattr(request.app.state, "deliverer", None)
    if deliverer is not None:
        deliverer.wake()
    return JSONResponse(
        {
            "job": job_id,
            "url": done.webhook.url,
            "secret": done.secret,
            "signature": f"{webhook.SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256(secret, "
            f'{webhook.TIMESTAMP_HEADER} + "." + body)>',
        }
    )


@router.get("/api/jobs/{job_id}/webhook", summary="The job's webhook and its delivery log")
def get_webhook(job_id: str, request: Request) -> Response:
    try:
        hook, attempts = webhook.webhook_of(_db(request), job_id)
    except webhook.UnknownJob as exc:
        return _not_found(exc)
    return JSONResponse(
        {
            "job": job_id,
            "url": hook.url if hook else None,
            "deliveries": [_attempt(d) for d in attempts],
        }
    )


@router.delete("/api/jobs/{job_id}/webhook", summary="Stop sending the job's results")
def delete_webhook(job_id: str, request: Request) -> Response:
    if not webhook.remove(_db(request), job_id):
        return problem(404, "No webhook", f"job {job_id!r} has no webhook", "not-found")
    return Response(status_code=204)
