""":class:`servicekit.fair_accept.FairAcceptLoop`: one connection per wake-up, then a rest in
which the other workers on the same port take the next ones.

Each test runs its loop in a thread of its own: the browser tests keep an event loop running in
the main thread, and a second one cannot run there."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    made: list[asyncio.BaseTransport] = []
    protocol = type("P", (_Counting,), {"made": made})
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        server = loop.run_until_complete(loop.create_server(protocol, sock=listener))
        clients = [socket.create_connection(listener.getsockname()) for _ in range(WAITING)]
        try:
            yield made, server
        finally:
            for client in clients:
                client.close()
            for transport in made:
                transport.close()
            server.close()
            loop.run_until_complete(server.wait_closed())


Test = Callable[[asyncio.AbstractEventLoop], None]


def on_a_loop_of_its_own(
    make: Callable[[], asyncio.AbstractEventLoop],
) -> Callable[[Test], Callable[[], None]]:
    """The test, run with a new loop (``make()``) in a thread of its own, closed after."""

    def decorate(test: Test) -> Callable[[], None]:
        def run() -> None:
            loop = make()
            try:
                test(loop)
            finally:
                loop.close()

        def in_a_thread() -> None:
            with ThreadPoolExecutor(1) as thread:
                thread.submit(run).result(timeout=60)

        in_a_thread.__name__ = test.__name__
        in_a_thread.__doc__ = test.__doc__
        return in_a_thread

    return decorate


def a_few_ticks(loop: asyncio.AbstractEventLoop) -> None:
    for _ in range(20):
        loop.run_until_complete(asyncio.sleep(0))


@on_a_loop_of_its_own(asyncio.SelectorEventLoop)
def test_asyncios_own_loop_takes_every_waiting_connection_in_one_go(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """What made the workers uneven: whoever wakes first takes the whole queue."""
    with waiting_connections(loop) as (made, _server):
        a_few_ticks(loop)
        assert len(made) == WAITING


def resting(seconds: float) -> Callable[[], FairAcceptLoop]:
    def make() -> FairAcceptLoop:
        loop = FairAcceptLoop()
        loop.rest = seconds
        return loop

    return make


@on_a_loop_of_its_own(resting(30.0))  # longer than the test: this loop takes no more meanwhile
def test_the_fair_loop_takes_one_and_leaves_the_rest_for_the_other_workers(
    loop: asyncio.AbstractEventLoop,
) -> None:
    with waiting_connections(loop) as (made, _server):
        a_few_ticks(loop)
        assert len(made) == 1


@on_a_loop_of_its_own(resting(0.01))
def test_after_its_rest_the_fair_loop_takes_the_next_one_and_in_time_all(
    loop: asyncio.AbstractEventLoop,
) -> None:
    with waiting_connections(loop) as (made, _server):
        a_few_ticks(loop)
        assert len(made) == 1
        deadline = loop.time() + 10.0  # a bound for a busy machine, not a speed test
        while len(made) < WAITING and loop.time() < deadline:
            loop.run_until_complete(asyncio.sleep(0.01))
        assert len(made) == WAITING


@on_a_loop_of_its_own(resting(0.05))
def test_a_server_closed_during_the_rest_does_not_listen_again(
    loop: asyncio.AbstractEventLoop,
) -> None:
    failures: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: failures.append(context))
    with waiting_connections(loop) as (made, server):
        a_few_ticks(loop)
        assert len(made) == 1
        server.close()
        loop.run_until_complete(asyncio.sleep(0.2))
        assert len(made) == 1 and not failures
