"""Request bodies a route reads itself, declared for ``/openapi.json`` (``openapi_extra``).

Most routes take their JSON body as a pydantic model and FastAPI validates it (a mismatch is
a 422 problem). A few protocols answer a bad body in their own terms: the W3C VC-API with a
400 problem, OpenID4VCI with its ``{"error": ...}`` JSON; their routes read the body and
validate it with the model themselves, and :func:`json_body` declares that model.
Form-encoded and CSV bodies are declared with :func:`body_of`.

"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from servicekit.problems import Problem


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
