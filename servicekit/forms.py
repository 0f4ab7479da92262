"""HTML form bodies, read by hand (no python-multipart): urlencoded and RFC 7578 multipart.

Every field's first value, trimmed; at most ``MAX_FIELDS`` fields (no form of ours has more).
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs

MAX_FIELDS = 100


@dataclass(frozen=True)
class Multipart:
    """The text fields of a multipart body, and its files in order as (filename, bytes)."""

    fields: dict[str, str]
    files: tuple[tuple[str | None, bytes], ...] = ()


def parse_urlencoded(body: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded``; too many fields reads as an empty form."""
    text = body.decode("utf-8", "replace")
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any form of ours has
        return {}
    return {name: values[0].strip() for name, values in fields.items()}


def parse_multipart(body: bytes, content_type: str) -> Multipart:
    """``multipart/form-data`` (RFC 7578); no boundary reads as an empty form."""
    if "boundary=" not in content_type:
        return Multipart({})
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
    return Multipart(fields, tuple(files))
