"""The governance registry page for people: ``GET /registry``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from verifier.web.deps import VerifierDep

router = APIRouter(include_in_schema=False)


@router.get("/registry", response_class=HTMLResponse)
def registry_page(request: Request, verification: VerifierDep) -> Response:
    templates = request.app.state.templates
    context = {"registry": verification.registry}
    response: Response = templates.TemplateResponse(request, "registry.html", context)
    return response
