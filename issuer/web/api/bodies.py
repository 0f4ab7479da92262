"""Request bodies a route reads itself, declared for ``/openapi.json`` (``openapi_extra``).

Most routes take their JSON body as a pydantic model and FastAPI validates it (a mismatch is
a 422 problem). A few protocols answer a bad body in their own terms: the W3C VC-API with a
400 problem, OpenID4VCI with its ``{"error": ...}`` JSON; their routes read the body and
validate it with the model themselves, and :func:`json_body` declares that model.
Form-encoded and CSV bodies are declared with :func:`body_of`.

:func:`api_router` is :func:`servicekit.json_route.api_router` whose routes read a declared
body before FastAPI parses it (:class:`BodyFirstRoute`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.types import Message

from servicekit.json_route import StrictJsonRoute
from servicekit.problems import Problem


class BodyFirstRoute(StrictJsonRoute):
    """A :class:`~servicekit.json_route.StrictJsonRoute` that reads a declared body before
    FastAPI does. FastAPI turns any error raised while it reads a body into a 400 ("error
    parsing the body"), the app's body limit too, so a chunked body past the limit read by
    FastAPI would be a 400, not the 413 :class:`servicekit.limits.BodyLimit` answers; read
    here, the limit's signal reaches the middleware. (A workaround until
    :mod:`servicekit.json_route` reads the body itself.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        if self.body_field is None:
            return handle

        async def body_first(request: Request) -> Response:
            body = await request.body()
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if replayed:
                    return await request.receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            return await handle(Request(request.scope, replay))

        return body_first


def api_router(**options: Any) -> APIRouter:
    """:func:`servicekit.json_route.api_router`, its routes :class:`BodyFirstRoute`."""
    return APIRouter(route_class=BodyFirstRoute, strict_content_type=False, **options)


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


def body_of(content: dict[str, dict[str, Any]], *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` declaring a request body: media type -> its media type object."""
    return {"requestBody": {"required": required, "content": content}}


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model`` as the route's JSON body."""
    return body_of({"application/json": {"schema": schema_of(model)}})


def _where(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"])


def first_error(exc: ValidationError) -> str:
    """The first thing wrong, as ``field: message``."""
    errors = exc.errors(include_url=False, include_input=False)
    return f"{_where(errors[0])}: {errors[0]['msg']}" if errors else "invalid request"


def invalid(exc: ValidationError) -> Problem:
    """A 422 problem naming every field that did not validate (``errors``)."""
    errors = [
        {"field": _where(e), "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return Problem(422, "Invalid request", first_error(exc), "invalid-request", errors=errors)
