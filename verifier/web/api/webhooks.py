"""Webhook routes (JSON): an applicant-tracking system asks for every result of a job.

* ``PUT    /api/jobs/{id}/webhook``  ``{"url", "secret"?}`` -> the webhook, with its secret
  (generated when none is given; shown only in this answer). The URL must pass the
  verifier's fetch policy (422 ``webhook-url-refused`` otherwise).
* ``GET    /api/jobs/{id}/webhook``  the URL (never the secret) and every delivery attempt
* ``DELETE /api/jobs/{id}/webhook``  stop delivering (the log stays)

Setting and removing need a caller of the job's organisation with ``webhooks:write``
(staff hold it), reading ``jobs:read``; another organisation's job answers 404.

The :class:`verifier.delivery.deliverer.Deliverer` thread runs while the app runs (its
lifespan, ``app.py``); see :mod:`verifier.delivery.webhook` for signing and retries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from servicekit.json_route import api_router
from servicekit.problems import Problem
from servicekit.text import utf8_text
from verifier.delivery import webhook
from verifier.jobs import requests as jobs
from verifier.views.api_json import attempt_json
from verifier.web.deps import DelivererDep, InstallationDep, JobsReader, WebhooksWriter

router = api_router(tags=["Webhooks"])
MAX_URL = 2000
MAX_SECRET = 256


class WebhookIn(BaseModel):
    """Where to send the job's results, and the HMAC secret (16 to 256 characters;
    generated when absent)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"url": "https://ats.example/hooks/ler", "secret": "a-long-shared-secret-1234"}
            ]
        }
    )

    url: Annotated[str, StringConstraints(max_length=MAX_URL), AfterValidator(utf8_text)]
    """At most 2,000 characters; the fetch policy decides the rest (https, no private hosts)."""
    secret: (
        Annotated[
            str,
            StringConstraints(min_length=16, max_length=MAX_SECRET),
            AfterValidator(utf8_text),
        ]
        | None
    ) = None
    """16 to 256 characters; a generated one when absent."""


@router.put(
    "/api/jobs/{job_id}/webhook",
    summary="Send every result of the job to a URL",
)
def set_webhook(
    job_id: str,
    body: WebhookIn,
    inst: InstallationDep,
    deliverer: DelivererDep,
    caller: WebhooksWriter,
) -> Response:
    jobs.get_job(inst, job_id, caller.organisation_id)
    done = webhook.configure(inst, job_id, body.url, secret=body.secret or None)
    deliverer.wake()
    return JSONResponse(
        {
            "job": job_id,
            "url": done.webhook.url,
            "secret": done.secret,
            "signature": webhook.SIGNATURE,
        }
    )


@router.get("/api/jobs/{job_id}/webhook", summary="The job's webhook and its delivery log")
def get_webhook(job_id: str, inst: InstallationDep, caller: JobsReader) -> Response:
    jobs.get_job(inst, job_id, caller.organisation_id)
    hook, attempts = webhook.webhook_of(inst, job_id)
    return JSONResponse(
        {
            "job": job_id,
            "url": hook.url if hook else None,
            "deliveries": [attempt_json(d) for d in attempts],
        }
    )


@router.delete("/api/jobs/{job_id}/webhook", summary="Stop sending the job's results")
def delete_webhook(job_id: str, inst: InstallationDep, caller: WebhooksWriter) -> Response:
    jobs.get_job(inst, job_id, caller.organisation_id)
    if not webhook.remove(inst, job_id):
        raise Problem(404, "No webhook", f"job {job_id!r} has no webhook", "not-found")
    return Response(status_code=204)
