"""The strict JSON edge of every API: bodies read the way the CLI reads a file, then validated
against the route's declared model.

A route on an :func:`api_router` declares its body as a pydantic model (so its schema and
example appear in ``/openapi.json``); before FastAPI validates it, the body is read by
:func:`json_object` (:func:`vckit.document.read_input`): one JSON object, UTF-8, a depth
limit, no duplicate member names, no NaN.
A body that is not such JSON is a 400 problem naming why; one that is JSON but not the
model is a 422 (:mod:`servicekit.app`). The size limit is the app's ``BodyLimit``, which
ran before. A body sent without a ``Content-Type`` is read as JSON too. A route that reads its
body itself (a form, a file, a protocol's own error answers) declares it with
:func:`declared_body` or :func:`declared_json`, so ``/openapi.json`` still shows it.

A route that reads its body itself and then does blocking work (the database, signing, an
HTTP call) is a plain ``def`` and takes the body as a dependency, :data:`JsonObject` or
:data:`RawBody`: the body is read on the event loop, the route runs in FastAPI's thread pool.
An ``async def`` route must not reach the database: while one write waits for SQLite's lock
(up to ``write_wait``), every other request of the process, ``/readyz`` too, would wait.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

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


async def raw_body(request: Request) -> bytes:
    """The body as bytes (the app's ``BodyLimit`` bounds it)."""
    return await request.body()


JsonObject = Annotated[dict[str, Any], Depends(json_object)]
"""The body as one JSON object (:func:`json_object`), read before a plain ``def`` route runs."""
RawBody = Annotated[bytes, Depends(raw_body)]
"""The body as bytes, read before a plain ``def`` route runs."""


class _StrictRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_strict"):
            self._strict = await json_object(self)
        return self._strict


class StrictJsonRoute(APIRoute):
    """An API route whose JSON body is read by :func:`json_object`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handle(_StrictRequest(request.scope, request.receive))

        return strict


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """The schema with every ``#/$defs/...`` reference replaced by its definition."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    return schema


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema, self-contained (no ``$defs``), examples included."""
    schema = model.model_json_schema()
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    return inlined


def declared_body(
    content: dict[str, dict[str, Any]], *, required: bool = True, description: str | None = None
) -> dict[str, Any]:
    """A route's ``openapi_extra`` declaring the body it reads itself (a form, a file, a body a
    protocol answers in its own terms): media type -> its OpenAPI media type object."""
    body: dict[str, Any] = {"required": required, "content": content}
    if description is not None:
        body["description"] = description
    return {"requestBody": body}


def declared_json(model: type[BaseModel]) -> dict[str, Any]:
    """:func:`declared_body` for a JSON body that ``model`` describes."""
    return declared_body({"application/json": {"schema": schema_of(model)}})


def api_router(**options: Any) -> APIRouter:
    """A router for JSON API routes (strict body reading, bodies without a content type read)."""
    return APIRouter(route_class=StrictJsonRoute, strict_content_type=False, **options)
