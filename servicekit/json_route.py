"""The strict JSON edge of every API: bodies read the way the CLI reads a file, then validated
against the route's declared model.

A route on an :func:`api_router` declares its body as a pydantic model (so its schema and
example appear in ``/openapi.json``); before FastAPI validates it, the body is read by
:func:`json_object` (:func:`vckit.document.read_input`): one JSON object, UTF-8, a depth
limit, no duplicate member names, no NaN.
A body that is not such JSON is a 400 problem naming why; one that is JSON but not the
model is a 422 (:mod:`servicekit.app`). The size limit is the app's ``BodyLimit``, which
ran before. A body sent without a ``Content-Type`` is read as JSON too.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from servicekit.problems import Problem
from vckit.document import MAX_BYTES, read_input
from vckit.errors import InputError


async def json_object(request: Request) -> dict[str, Any]:
    """The body as one JSON object, read strictly; a 400 :class:`Problem` when it is not."""
    raw = await request.body()
    try:
        parsed = read_input(raw, max_bytes=max(len(raw), MAX_BYTES))
    except InputError as exc:
        raise Problem(400, "Malformed request", str(exc), exc.code) from None
    if parsed.json is None:
        raise Problem(400, "Malformed request", "the body must be a JSON object", "bad-input")
    return parsed.json


class _StrictRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_strict"):
            self._strict = await json_object(self)
        return self._strict


class StrictJsonRoute(APIRoute):
    """An API route whose JSON body is read by :func:`strict_json`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handle(_StrictRequest(request.scope, request.receive))

        return strict


def api_router(**options: Any) -> APIRouter:
    """A router for JSON API routes (strict body reading, bodies without a content type read)."""
    return APIRouter(route_class=StrictJsonRoute, strict_content_type=False, **options)
