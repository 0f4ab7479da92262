"""HTML pages for people: paste a credential, read the report."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vckit.errors import InputError
from vckit.report import CHECK_TITLES
from verifier.deps import SettingsDep
from verifier.verification import verify_submission

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, status: int = 200, **context: object) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, name, context, status_code=status)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return _render(request, "index.html", checks=CHECK_TITLES)


@router.post("/", response_class=HTMLResponse)
async def verify_pasted(request: Request, settings: SettingsDep) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    pasted = (form.get("document") or [""])[0]
    challenge = (form.get("challenge") or [""])[0] or None
    domain = (form.get("domain") or [""])[0] or None
    try:
        report = verify_submission(pasted, settings, challenge=challenge, domain=domain)
    except InputError as exc:
        return _render(
            request, "index.html", 400, checks=CHECK_TITLES, error=str(exc), pasted=pasted
        )
    return _render(request, "report.html", report=report)
