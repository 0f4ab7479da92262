"""The issuer's web app: ``create_app(settings)`` wires everything; nothing runs at import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from issuer.identity import load_or_create
from issuer.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    identity = load_or_create(settings.data_dir, settings.base_url)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    app = FastAPI(
        title="LER issuer",
        version="0.1.0",
        description="A credentialing organization: its DID and, soon, its credentials.",
    )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        context = {"settings": settings, "identity": identity}
        response: Response = templates.TemplateResponse(request, "home.html", context)
        return response

    @app.get("/.well-known/did.json", summary="The issuer's DID document (did:web)")
    def did_json() -> dict[str, Any]:
        return identity.did_document()

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
