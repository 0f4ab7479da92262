"""Worker processes that share one port share its connections evenly: :class:`FairAcceptLoop`.

With ``--workers N`` (:mod:`servicekit.serve`) every worker listens on the one socket, and a
new connection goes to whichever worker calls ``accept`` first. asyncio's event loop accepts
*all* the connections waiting whenever the socket wakes it (up to the listen backlog, 2048
with uvicorn), so a burst of clients arriving together -- a load balancer opening its pool, a
load test starting -- lands mostly on the worker that happened to wake first. Kept-alive
connections stay where they landed: ``bench/load.py`` (50 clients, 2 workers) saw 38 and 12,
and the answers on the crowded worker waited three times as long (means of 187 and 58 ms),
which made the slowest percent of all answers. Taking one connection per wake-up alone did
not help (34 and 16): both workers wake together, and the quicker one comes back first.

:class:`FairAcceptLoop` takes one connection per wake-up, as nginx's workers do by default
(``multi_accept off``), and then rests :data:`REST` seconds before it accepts again: during
that rest the other workers take the next ones, so a burst is dealt out in turn (the next
runs: 24 and 26, then 25 and 25, every client's mean within 6 % of the others'). A lone
connection is accepted at once, as before; one that
arrives while every worker rests waits at most :data:`REST`. Each worker still accepts up to
``1 / REST`` connections a second, far more than it can answer requests.

It changes one step of asyncio's selector loop (its ``_accept_connection``, the reader of a
listening socket: the Python 3.11-3.13 signature) and only in the worker processes of ``--workers
N`` above 1 (uvicorn's ``loop`` setting names it); a single process keeps the plain loop.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

REST = 0.001
"""Seconds a worker waits after a wake-up on its listening socket before it accepts again."""


class FairAcceptLoop(asyncio.SelectorEventLoop):
    """An asyncio selector loop that accepts one connection, then rests :data:`REST`."""

    rest = REST

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: socket.socket,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *timeouts: Any,
    ) -> None:
        super()._accept_connection(  # type: ignore[misc]
            protocol_factory, sock, sslcontext, server, 1, *timeouts
        )
        # Stop listening for the rest (unless asyncio already did: out of file descriptors,
        # when it schedules its own resumption).
        if self._remove_reader(sock.fileno()):  # type: ignore[attr-defined]
            self.call_later(
                self.rest,
                self._accept_again,
                protocol_factory,
                sock,
                sslcontext,
                server,
                backlog,
                *timeouts,
            )

    def _accept_again(
        self,
        protocol_factory: Any,
        sock: socket.socket,
        sslcontext: Any,
        server: Any,
        backlog: int,
        *timeouts: Any,
    ) -> None:
        """Listen again after the rest, unless the server closed meanwhile."""
        if sock.fileno() == -1 or (server is not None and not server.is_serving()):
            return
        self._start_serving(  # type: ignore[attr-defined]
            protocol_factory, sock, sslcontext, server, backlog, *timeouts
        )
