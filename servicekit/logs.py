"""Structured logs: one JSON object per line, the same fields from every service.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``service`` and ``event``; the request
log (:class:`RequestLog`, one line per HTTP request) adds ``method``, ``path``, ``status``,
``duration_ms`` and ``request_id``. What never goes in: bodies, query strings, cookies,
headers, tokens, emails. ``path`` is the matched route's *template* (``/s/{token}``, not
the token); a path no route matched is logged with long or ``@``-bearing segments
replaced by ``…``. Any other message passes :func:`scrub`: emails and bearer tokens out,
and every URL cut to scheme, host and :func:`safe_path` (no query string, no fragment).

The request id is the caller's ``X-Request-ID`` when it is short and plain, else a new
one; it goes back in the response's ``X-Request-ID``.

:func:`configure` installs the JSON formatter on the root logger (idempotent);
:func:`uvicorn_config` is the same for a uvicorn server (``servicekit.serve``). Both keep the
HTTP client's own loggers (:data:`QUIET`) at WARNING: httpx logs each outbound URL at INFO,
and such a URL can be a capability (an OID4VCI offer, a share link).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_LOGGER = "ler.request"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_EMAIL = re.compile(r"[^\s@/\"'<>]+@[^\s@/\"'<>]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(?i)\b(bearer|token|password|secret|cookie)([\s=:\"']+)[^\s,;\"']+")
_SECRET_SEGMENT = re.compile(r"[A-Za-z0-9_\-.~%]{20,}")
_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/?#\"'<>]*)([^\s?#\"'<>]*)[^\s\"'<>]*")
_FIELDS = ("method", "path", "status", "duration_ms", "request_id")
QUIET = ("httpx", "httpcore")
"""Loggers held at WARNING: their INFO/DEBUG lines carry full outbound URLs."""


def _safe_url(match: re.Match[str]) -> str:
    scheme, _, authority = match.group(1).partition("://")
    host = authority.rpartition("@")[2]  # user:password@ never goes in
    return f"{scheme}://{host}{safe_path(match.group(2))}"


def scrub(text: str) -> str:
    """A message with each URL cut to ``scheme://host`` + :func:`safe_path` (query and
    fragment dropped), emails and ``bearer …``/``token=…`` values replaced."""
    return _BEARER.sub(r"\1\2[redacted]", _EMAIL.sub("[email]", _URL.sub(_safe_url, text)))


def safe_path(path: str) -> str:
    """A raw path with each segment that could be a secret or an email replaced by ``…``."""
    parts = path.split("/")
    return "/".join("…" if "@" in p or _SECRET_SEGMENT.fullmatch(p) else p for p in parts)[:200]


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": getattr(record, "service", self.service),
            "event": getattr(record, "event", None) or scrub(record.getMessage()),
        }
        if getattr(record, "event", None) is None:
            line["logger"] = record.name
        for name in _FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__  # the class only: messages may hold data
        return json.dumps(line, ensure_ascii=False)


def _quiet(level: int | str) -> int:
    """The level for :data:`QUIET` loggers: WARNING, or the service's level when higher."""
    number = logging.getLevelName(level) if isinstance(level, str) else level
    return max(number if isinstance(number, int) else logging.INFO, logging.WARNING)


class _Ours(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler :func:`configure` installed, so a second call replaces it."""


def configure(service: str, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """JSON lines on ``stream`` (stderr) for every logger; uvicorn's own access log is off
    (:class:`RequestLog` writes one line per request instead)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(handler)
    handler = _Ours(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    for name in QUIET:
        logging.getLogger(name).setLevel(_quiet(level))


def uvicorn_config(service: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn: JSON lines on stderr, no access log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter, "service": service}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
            **{name: {"level": logging.getLevelName(_quiet(level))} for name in QUIET},
        },
    }


def request_id_of(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` when plain and short, else a fresh one."""
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1")
            if _REQUEST_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


class RequestLog:
    """ASGI middleware: one JSON log line per HTTP request, and an ``X-Request-ID``."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self.log = logging.getLogger(REQUEST_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._write(scope, status, request_id, started)

    def _write(self, scope: Scope, status: int, request_id: str, started: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None)
        path = template if isinstance(template, str) else safe_path(str(scope.get("path", "")))
        level = logging.ERROR if status >= 500 else logging.INFO
        self.log.log(
            level,
            "request",
            extra={
                "service": self.service,
                "event": "request",
                "method": scope.get("method", ""),
                "path": path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "request_id": request_id,
            },
        )
