"""Batch issuance routes: upload a CSV, follow its progress.

    POST /issuers/{slug}/batches?achievement=ID[&format=F]   body: the CSV (text/csv)
         202 {id, total, done, state, errors, ...} + Location; 413 too large; 422 with
         ``problems: [{row, column, message}]`` listing every bad row (nothing issued)
    GET  /issuers/{slug}/batches                  the issuer's batches (API token)
    GET  /issuers/{slug}/batches/{id}             {total, done, state, errors, ...}

A batch's progress needs the API token or a staff session (the progress page polls it
with the session cookie); a stranger gets 401, however the id was learnt. Its
:func:`lifespan` (the app's) starts the one :class:`issuer.batches.batch.BatchWorker` and
resumes every batch left ``running``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from issuer.batches import batch, batch_csv
from issuer.web.deps import InstallationDep, TokenDep, TokenOrStaffDep
from servicekit.json_route import api_router, declared_body
from servicekit.problems import Problem

CSV_TYPES = ("text/csv", "application/csv", "text/plain")
CSV_EXAMPLE = (
    "recipient_did,email,recipient_name\ndid:key:z6Mk...,,Alex Rivera\n,sam@example.org,\n"
)
CSV_BODY = declared_body(
    {
        media: {"schema": {"type": "string", "description": "a header row, one row a learner"}}
        for media in CSV_TYPES
    }
)
CSV_BODY["requestBody"]["content"]["text/csv"]["example"] = CSV_EXAMPLE


def worker_of(app: FastAPI) -> batch.BatchWorker:
    """The app's batch worker (made on first use when the lifespan did not run)."""
    worker: batch.BatchWorker | None = getattr(app.state, "batch_worker", None)
    if worker is None:
        worker = batch.BatchWorker(app.state.inst)
        app.state.batch_worker = worker
    return worker


def limits_of(app: FastAPI) -> batch_csv.Limits:
    """``app.state.batch_limits`` when set (tests), else the defaults."""
    limits: batch_csv.Limits = getattr(app.state, "batch_limits", None) or batch_csv.Limits()
    return limits


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At startup, resume every batch a crash or a stop left ``running``."""
    worker = batch.BatchWorker(app.state.inst)  # a fresh one each start (a closed one stays closed)
    app.state.batch_worker = worker
    worker.start()  # resumes, then takes over what a dead process leaves
    yield
    worker.close()


def _worker(request: Request) -> batch.BatchWorker:
    return worker_of(request.app)


WorkerDep = Annotated[batch.BatchWorker, Depends(_worker)]
router = api_router(tags=["Batches"])


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/issuers/{slug}/batches",
    status_code=202,
    summary="Issue one credential per CSV row (checked first, then issued in the background)",
    openapi_extra=CSV_BODY,
)
async def create(
    slug: str,
    request: Request,
    inst: InstallationDep,
    worker: WorkerDep,
    _: TokenDep,
    achievement: Annotated[str, Query(min_length=1, max_length=500)],
    format: Annotated[str, Query(max_length=40)] = "eddsa-rdfc-2022",
) -> Response:
    media = request.headers.get("content-type", "text/csv").split(";")[0].strip().lower()
    if media not in CSV_TYPES:
        raise Problem(415, "Unsupported media type", "send the CSV as text/csv", "media-type")
    limits = limits_of(request.app)
    data = await _read_limited(request, limits.max_bytes)
    if data is None:
        detail = f"the CSV is over the limit of {limits.max_bytes} bytes"
        raise Problem(413, "Request too large", detail, "too-large")
    try:  # the checks and the rows written: off the event loop (the database may be busy)
        record = await run_in_threadpool(
            batch.create_batch, inst, slug, achievement, data, format=format, limits=limits
        )
    except batch_csv.BatchRejected as exc:
        problems = [p.to_json() for p in exc.problems]
        raise Problem(
            422, "Invalid rows", str(exc), exc.code, problems=problems, count=exc.total
        ) from None
    worker.submit(record.id)  # a queue: no I/O
    location = f"/issuers/{slug}/batches/{record.id}"
    return JSONResponse(batch.status_json(record), status_code=202, headers={"Location": location})


@router.get("/issuers/{slug}/batches", summary="The issuer's batches, newest first")
def list_all(slug: str, inst: InstallationDep, _: TokenDep) -> Response:
    return JSONResponse([batch.status_json(record) for record in batch.list_batches(inst, slug)])


@router.get("/issuers/{slug}/batches/{batch_id}", summary="A batch's progress")
def progress(slug: str, batch_id: str, inst: InstallationDep, _: TokenOrStaffDep) -> Response:
    record = batch.get_batch(inst, slug, batch_id)
    return JSONResponse(batch.status_json(record), headers={"Cache-Control": "no-store"})
