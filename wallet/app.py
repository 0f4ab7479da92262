"""The wallet's web app: ``create_app(settings)`` wires everything; nothing runs at import."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from wallet.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    templates = Jinja2Templates(directory=str(TEMPLATES))
    app = FastAPI(title="LER wallet", version="0.1.0")
    app.state.settings = settings

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        response: Response = templates.TemplateResponse(request, "home.html", {})
        return response

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
