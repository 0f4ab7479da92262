"""A request body limit: 413 problem+json past ``limit`` bytes (plain ASGI).

A declared ``Content-Length`` over the limit is refused before the app runs. A body sent
without one (chunked) is counted as the app reads it; past the limit the read raises
:class:`TooLarge`, a 413 :class:`~servicekit.problems.Problem`: FastAPI lets it through its
body parsing and the app's one error handler answers it (or, raised outside the app's
handlers, this middleware does, if the response has not started). The app never holds more
than ``limit`` bytes of one body.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.problems import Problem


class TooLarge(Problem):
    def __init__(self, limit: int) -> None:
        super().__init__(413, "Request too large", f"the limit is {limit} bytes", "too-large")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await TooLarge(self.limit).response()(scope, receive, send)
