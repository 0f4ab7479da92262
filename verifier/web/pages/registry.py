"""The governance registry page for people: ``GET /registry`` (public)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from servicekit.pages import page_router, render
from verifier.web.deps import VerifierDep, Visitor

router = page_router()


@router.get("/registry")
def registry_page(request: Request, verification: VerifierDep, visitor: Visitor) -> Response:
    return render(request, visitor, "registry.html", registry=verification.registry)
