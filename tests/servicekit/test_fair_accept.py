""":class:`servicekit.fair_accept.FairAcceptLoop`: one connection per wake-up, then a rest in
which the other workers on the same port take the next ones."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from servicekit.fair_accept import FairAcceptLoop

WAITING = 6


class _Counting(asyncio.Protocol):
    made: list[asyncio.BaseTransport]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.made.append(transport)


@contextmanager
def waiting_connections(
    loop: asyncio.AbstractEventLoop,
) -> Iterator[tuple[list[asyncio.BaseTransport], asyncio.Server]]:
    """A server on ``loop`` with :data:`WAITING` connections in its accept queue (made before
    the loop ran once), the list their protocols land in, and the server."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    made: list[asyncio.BaseTransport] = []
    protocol = type("P", (_Counting,), {"made": made})
    server = loop.run_until_complete(loop.create_server(protocol, sock=listener))
    clients = [socket.create_connection(listener.getsockname()) for _ in range(WAITING)]
    try:
        yield made, server
    finally:
        for client in clients:
            client.close()
        server.close()
        loop.run_until_complete(server.wait_closed())


def a_few_ticks(loop: asyncio.AbstractEventLoop) -> None:
    for _ in range(20):
        loop.run_until_complete(asyncio.sleep(0))


def test_asyncios_own_loop_takes_every_waiting_connection_in_one_go() -> None:
    """What made the workers uneven: whoever wakes first takes the whole queue."""
    loop = asyncio.SelectorEventLoop()
    try:
        with waiting_connections(loop) as (made, _server):
            a_few_ticks(loop)
            assert len(made) == WAITING
    finally:
        loop.close()


def test_the_fair_loop_takes_one_and_leaves_the_rest_for_the_other_workers() -> None:
    loop = FairAcceptLoop()
    loop.rest = 30.0  # longer than the test: nothing more is taken by this loop meanwhile
    try:
        with waiting_connections(loop) as (made, _server):
            a_few_ticks(loop)
            assert len(made) == 1
    finally:
        loop.close()


def test_after_its_rest_the_fair_loop_takes_the_next_one_and_in_time_all() -> None:
    loop = FairAcceptLoop()
    loop.rest = 0.01
    try:
        with waiting_connections(loop) as (made, _server):
            a_few_ticks(loop)
            assert len(made) == 1
            deadline = loop.time() + 10.0  # a bound for a busy machine, not a speed test
            while len(made) < WAITING and loop.time() < deadline:
                loop.run_until_complete(asyncio.sleep(loop.rest))
            assert len(made) == WAITING
    finally:
        loop.close()


def test_a_server_closed_during_the_rest_does_not_listen_again() -> None:
    loop = FairAcceptLoop()
    loop.rest = 0.05
    failures: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: failures.append(context))
    try:
        with waiting_connections(loop) as (made, server):
            a_few_ticks(loop)
            assert len(made) == 1
            server.close()
            loop.run_until_complete(asyncio.sleep(0.2))
            assert len(made) == 1 and not failures
    finally:
        loop.close()
