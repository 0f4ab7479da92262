"""The landing pages: the map (``/``), the guided tour (``/tour``) and statistics
(``/stats``, ``/stats.json``). Routes read the data modules and render; nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from landing import map as ecosystem
from landing.chart import bar_chart
from landing.settings import Settings
from landing.stats import CHART_MEASURES, MEASURES, Overview, gather, overview_json
from landing.tour import STEPS
from servicekit.pages import render

router = APIRouter()
REPOSITORY_NOTE = "in this repository"


@dataclass(frozen=True)
class Visitor:
    """Every visitor of the landing page is anonymous: no session, no forms."""

    session: None = None
    csrf: None = None


def href(settings: Settings, place: ecosystem.Place) -> str:
    """A place's URL: the configured service URL + its path (landing pages: the path)."""
    if place.service == "landing":
        return place.path
    return settings.service_url(place.service) + place.path


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _overview(request: Request) -> Overview:
    overview: Overview = await run_in_threadpool(
        gather, _settings(request), request.app.state.transport
    )
    return overview


def _common(request: Request) -> dict[str, Any]:
    settings = _settings(request)
    return {
        "href": lambda place: href(settings, place),
        "services": {s: settings.service_url(s) for s in ("issuer", "wallet", "verifier")},
    }


@router.get("/", response_class=HTMLResponse, summary="The LER Ecosystem Map")
def map_page(request: Request) -> Response:
    return render(
        request, Visitor(), "map.html",
        phases=ecosystem.PHASES, stakeholders=ecosystem.STAKEHOLDERS, **_common(request),
    )  # fmt: skip


@router.get("/tour", response_class=HTMLResponse, summary="The guided tour of the story")
def tour_page(request: Request) -> Response:
    return render(request, Visitor(), "tour.html", steps=STEPS, **_common(request))


@router.get("/stats", response_class=HTMLResponse, summary="Aggregate counts, as a page")
async def stats_page(request: Request) -> Response:
    overview = await _overview(request)
    labels = dict((m, label) for m, _, label in MEASURES)
    chart = bar_chart(
        [(row.name, [row.counts[m] for m in CHART_MEASURES]) for row in overview.achievements],
        [labels[m] for m in CHART_MEASURES],
        "Credentials issued, shared and verified, per achievement",
    )
    return render(
        request, Visitor(), "stats.html",
        overview=overview, measures=MEASURES, chart=Markup(chart), **_common(request),
    )  # fmt: skip


@router.get("/stats.json", summary="Aggregate counts of every service, merged")
async def stats_json(request: Request) -> Response:
    overview = await _overview(request)
    return JSONResponse(overview_json(overview), headers={"Cache-Control": "no-store"})
