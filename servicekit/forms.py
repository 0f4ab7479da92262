"""HTML form bodies, read by hand (no python-multipart): urlencoded and RFC 7578 multipart.

:func:`read_form` reads either into a :class:`Form`: every field's first value, trimmed, at
most ``MAX_FIELDS`` fields (no form of ours has more), and a multipart form's first file.
The app's body limit bounds both. :data:`PostedForm` is the same as a dependency: the body
is read on the event loop, so the route itself can be a plain ``def`` that FastAPI runs in
its thread pool (a route that reaches the database must not run on the loop: one write
waiting for SQLite's lock would stall every other request of the process).
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Request

MAX_FIELDS = 100


@dataclass(frozen=True)
class Form:
    """A form's text fields, and the first uploaded file of a multipart form."""

    fields: dict[str, str]
    file: bytes | None = None
    filename: str | None = None

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def checked(self, prefix: str) -> list[str]:
        """What follows ``prefix`` in the names of the checkboxes sent (``c:<id>`` -> ids)."""
        return [name[len(prefix) :] for name in self.fields if name.startswith(prefix)]


def parse_urlencoded(body: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded``; too many fields reads as an empty form."""
    text = body.decode("utf-8", "replace")
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any form of ours has
        return {}
    return {name: values[0].strip() for name, values in fields.items()}


def parse_multipart(body: bytes, content_type: str) -> Form:
    """``multipart/form-data`` (RFC 7578); no boundary reads as an empty form."""
    if "boundary=" not in content_type:
        return Form({})
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: list[tuple[str | None, bytes]] = []
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        if part.get_filename() is not None:
            files.append((part.get_filename(), data))
        elif len(fields) < MAX_FIELDS:
            fields[name] = data.decode("utf-8", "replace").strip()
    filename, upload = files[0] if files else (None, None)
    return Form(fields, upload, filename)


async def read_form(request: Request) -> Form:
    """The request's urlencoded or multipart form."""
    media = request.headers.get("content-type", "")
    if media.lower().startswith("multipart/form-data"):
        return parse_multipart(await request.body(), media)
    return Form(parse_urlencoded(await request.body()))


PostedForm = Annotated[Form, Depends(read_form)]
"""The request's form, read on the event loop before a plain ``def`` route runs."""
