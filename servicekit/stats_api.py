"""``GET /stats``: a service's aggregate counts (:mod:`servicekit.stats`), as JSON.

Each service passes the function that counts (``issuer.stats.issuer_stats`` …); the route
runs it off the event loop and answers with no caching, so the landing page's numbers
are current.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel


class StatsDocument(BaseModel):
    """Counts only: totals, and per measure the count by achievement name and skill name."""

    service: str
    totals: dict[str, int]
    by_achievement: dict[str, dict[str, int]]
    by_skill: dict[str, dict[str, int]]


def stats_router(count: Callable[[], dict[str, Any]]) -> APIRouter:
    router = APIRouter(tags=["statistics"])

    @router.get(
        "/stats",
        summary="Aggregate counts (no personal data)",
        response_model=StatsDocument,
    )
    async def stats() -> Response:
        body = await run_in_threadpool(count)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return router
