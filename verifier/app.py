"""The verifier's web app: ``create_app(settings)`` wires everything; nothing runs at import."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from servicekit.limits import BodyLimit
from verifier import api, pages
from verifier.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="LER verifier",
        description="Verifies credentials and presentations (W3C VC-API) and explains them.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=str(TEMPLATES))
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
