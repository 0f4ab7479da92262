"""Liveness and readiness, the same on every service.

* ``GET /healthz``: the process is up and answering (no other check), ``{"status": "ok"}``.
* ``GET /readyz``: the service can do its work: a trivial query (``SELECT 1``) reaches its
  database, in a read transaction (on SQLite it never waits for a writer holding the lock),
  off the event loop. ``{"status": "ready", "checks": {"database": "ok"}}``, or 503 problem+json
  naming what failed (never the database URL or the driver's message, which may hold a
  password). A service without a database (the landing page) is ready when it is up.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from servicekit.db import Database
from servicekit.problems import problem

log = logging.getLogger("ler.health")


def database_reachable(db: Database) -> bool:
    """True when ``SELECT 1`` answers; a closed, missing or unreachable database is False."""
    try:
        with db.reading() as tx:  # never waits for SQLite's write lock
            row = tx.one("SELECT 1 AS one")
    except Exception as exc:  # any driver error means "not ready", whatever its class
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return False
    return row is not None and row.get("one") == 1


def health_router(db: Database | None) -> APIRouter:
    """``/healthz`` and ``/readyz`` for a service whose database is ``db`` (None: none)."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: the database answers a trivial query",
        responses={503: {"description": "Not ready (problem+json)"}},
    )
    async def readyz() -> Response:
        checks: dict[str, Any] = {}
        if db is not None:
            if not await run_in_threadpool(database_reachable, db):
                detail = "the database does not answer a trivial query"
                return problem(503, "Not ready", detail, "not-ready", checks={"database": "fail"})
            checks["database"] = "ok"
        return JSONResponse({"status": "ready", "checks": checks})

    return router
