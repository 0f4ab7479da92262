"""A JSON request body, read exactly as the CLI reads a file (``vckit.document.read_input``:
UTF-8, depth limit, no duplicate member names, no NaN). The size limit is the app's
``BodyLimit`` middleware, which ran before."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from servicekit.problems import problem
from vckit.document import MAX_BYTES, read_input
from vckit.errors import InputError


async def json_object(request: Request) -> dict[str, Any] | Response:
    """The body as one JSON object, or a 400 problem saying why it is not one."""
    raw = await request.body()
    try:
        parsed = read_input(raw, max_bytes=max(len(raw), MAX_BYTES))
    except InputError as exc:
        return problem(400, "Malformed request", str(exc), exc.code)
    if parsed.json is None:
        return problem(400, "Malformed request", "the body must be a JSON object", "bad-input")
    return parsed.json
