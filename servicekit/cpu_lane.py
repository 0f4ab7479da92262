"""CPU-bound work a few at a time, its waits for the network outside: :class:`CpuLane`.

Verification is CPU-bound Python. The web layer runs it off the event loop in a pool of
forty threads; under load forty verifications then share one interpreter lock, each takes
forty times as long, and whichever thread the lock happens to favour finishes first: the
throughput does not grow and the slowest answers take seconds. A lane lets ``width`` of
them run at once and queues the others in arrival order, so an answer waits about as long as
the work ahead of it. A freed slot is handed to the first in line (:class:`_Line`), never
left for whoever asks next: with a ``threading.Semaphore`` the thread that just finished (or a
newcomer) takes the slot again before the waiter it woke gets to run, and under load a few
answers waited seconds while the rest flowed past them.

A verification also waits for the network now and then (a did:web document or a status
list that is not cached yet). That wait must not hold the lane, or one slow host would stall
every verification: :meth:`CpuLane.outside` gives the lane up for the length of a call and
queues for it again afterwards (``servicekit.fetch_cache`` runs its fetches and its waits for
another caller's fetch that way). Outside a lane, ``outside`` just calls.

From the event loop, :meth:`CpuLane.call` hands the work to the lane's own threads (a
``ThreadPoolExecutor`` of ``threads``, more than ``width`` so that work waiting outside the lane
for the network does not hold up the rest): one hand-over there and back per call, without
the generic thread pool's per-call bookkeeping (capacity limiter, cancel scopes).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_WIDTH = 1
"""Runs at once per process. One: the interpreter lock lets one thread run Python at a time,
the network waits happen outside the lane, and a second slot only added hand-overs of the lock
between the lane's threads and the event loop (bench/load.py, 50 clients, 2 worker
processes, four pairs of 40 s runs side by side on the shared 2-core machine: 225-374
answers/s at width 1 against 208-286 at width 2). Use more worker processes for more cores."""
DEFAULT_THREADS = 32
"""The lane's threads for :meth:`CpuLane.call`: ``width`` working, the rest waiting outside."""


class _Line:
    """``width`` slots, given out in order of asking: a released slot goes straight to the
    longest waiter (each waits on its own lock), so nobody overtakes anybody."""

    def __init__(self, width: int) -> None:
        self._free = width
        self._guard = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._guard:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        turn.acquire()  # released by the release() that hands this waiter its slot

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().release()  # the slot passes on, never freed between
            else:
                self._free += 1

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


class CpuLane:
    def __init__(self, width: int = DEFAULT_WIDTH, threads: int = DEFAULT_THREADS) -> None:
        self._slots = _Line(width)
        self._local = threading.local()
        self._threads = ThreadPoolExecutor(max(threads, width), thread_name_prefix="cpu-lane")

    async def call(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """:meth:`run` from the event loop, in one of the lane's threads; the loop goes on."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, partial(self.run, work, *args, **kwargs))

    def _holding(self) -> bool:
        return bool(getattr(self._local, "holding", False))

    def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(*args, **kwargs)`` once a slot is free (at once when this thread holds one)."""
        if self._holding():
            return work(*args, **kwargs)
        with self._slots:
            self._local.holding = True
            try:
                return work(*args, **kwargs)
            finally:
                self._local.holding = False

    def outside(self, wait: Callable[[], T]) -> T:
        """``wait()`` without holding a slot (a fetch, a wait for one), then back in line."""
        if not self._holding():
            return wait()
        self._local.holding = False
        self._slots.release()
        try:
            return wait()
        finally:
            self._slots.acquire()
            self._local.holding = True
