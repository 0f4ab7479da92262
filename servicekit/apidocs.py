"""``/docs``: the service's OpenAPI document as a plain page, offline.

FastAPI's built-in Swagger UI and ReDoc load their JavaScript and CSS from a CDN, so they
break without a network and under our Content-Security-Policy (:mod:`servicekit.headers`).
Each app turns them off (``FastAPI(docs_url=None, redoc_url=None)``) and includes
:func:`docs_router`: a server-rendered page listing every operation (method, path,
summary, parameters, request body, responses) read from ``/openapi.json``, which stays
the machine-readable source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from servicekit.pages import TEMPLATES

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: tuple[str, ...]
    body: tuple[str, ...]
    responses: tuple[tuple[str, str], ...]


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    return str(ref).rsplit("/", 1)[-1] if ref else str(schema.get("type", "object"))


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document, in path order."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = tuple(
                f"{p.get('name')} ({p.get('in')}{', required' if p.get('required') else ''})"
                for p in op.get("parameters", [])
            )
            content = op.get("requestBody", {}).get("content", {})
            body = tuple(
                f"{media}: {_schema_name(value.get('schema', {}))}"
                for media, value in content.items()
            )
            responses = tuple(
                (code, str(answer.get("description", "")))
                for code, answer in op.get("responses", {}).items()
            )
            found.append(
                Operation(
                    method.upper(),
                    path,
                    str(op.get("summary", "")),
                    str(op.get("description", "")),
                    str((op.get("tags") or ["other"])[0]),
                    parameters,
                    body,
                    responses,
                )
            )
    return found


def docs_router() -> APIRouter:
    """``GET /docs``: the API reference page (the OpenAPI document stays at /openapi.json)."""
    router = APIRouter()
    templates = Jinja2Templates(directory=str(TEMPLATES))

    @router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> Response:
        spec = request.app.openapi()
        context = {"info": spec.get("info", {}), "operations": operations(spec)}
        response: Response = templates.TemplateResponse(request, "_apidocs.html", context)
        return response

    return router
