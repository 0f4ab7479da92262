"""The verifier's JSON routers: :func:`servicekit.json_route.api_router`, with the body read
before FastAPI reads it.

Why: a body sent without a ``Content-Length`` (chunked) is counted by the app's
``BodyLimit`` as it is read, and past the limit the read raises. FastAPI reads a declared
body inside its own ``try`` and turns any error there into a 400 "error parsing the body",
so the 413 would be lost. Read first, outside that ``try``, the error reaches ``BodyLimit``,
which answers 413; FastAPI then reads the same bytes again. (A local work-around until
servicekit's limit error passes through FastAPI by itself.)
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import Message

from servicekit.json_route import StrictJsonRoute


class BodyFirstRoute(StrictJsonRoute):
    """A strict JSON route (:class:`servicekit.json_route.StrictJsonRoute`) that reads the
    whole body before FastAPI does."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def body_first(request: Request) -> Response:
            body = await request.body()  # past the limit, BodyLimit answers 413

            async def replay() -> Message:
                return {"type": "http.request", "body": body, "more_body": False}

            return await handle(Request(request.scope, replay))

        return body_first


def api_router(**options: Any) -> APIRouter:
    """A router for JSON API routes (strict body reading, bodies without a content type read,
    the body limit's 413 kept)."""
    return APIRouter(route_class=BodyFirstRoute, strict_content_type=False, **options)
