"""The pages' stylesheets, served as files: ``GET /assets/<name>.css``.

The Content-Security-Policy (:mod:`servicekit.headers`) allows no inline style, so every
page links its styles: ``/assets/pages.css`` (the one small stylesheet every service shares,
``templates/_pages.css``) and the service's own, named when its app is made
(``service_app(..., stylesheets={"wallet.css": path})``). Nothing else is served from here:
a name not in the list is a 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from servicekit.pages import TEMPLATES

SHARED = {"pages.css": TEMPLATES / "_pages.css"}
CACHE = "max-age=300"


def assets_router(stylesheets: Mapping[str, Path] | None = None) -> APIRouter:
    """``GET /assets/{name}``: the shared stylesheet and the service's own (read at start)."""
    files = {**SHARED, **(stylesheets or {})}
    texts = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    router = APIRouter()

    @router.get("/assets/{name}", include_in_schema=False)
    def stylesheet(name: str) -> Response:
        text = texts.get(name)
        if text is None:
            raise HTTPException(404)
        return Response(text, media_type="text/css", headers={"Cache-Control": CACHE})

    return router
