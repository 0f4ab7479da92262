"""servicekit.cpu_lane: at most ``width`` at once, waits for the network outside the lane,
re-entrant. Bounded waits only; nothing is timed."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from servicekit.cpu_lane import CpuLane

BOUND_S = 10


def test_at_most_width_run_at_once() -> None:
    lane, lock, release = CpuLane(2), threading.Lock(), threading.Event()
    active, most = [0], [0]

    def work() -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        release.wait(BOUND_S)
        with lock:
            active[0] -= 1

    threads = [threading.Thread(target=lane.run, args=(work,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(BOUND_S * 100):  # until two are in
        if active[0] == 2:
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(BOUND_S)
    assert most[0] == 2


def test_a_wait_for_the_network_does_not_hold_the_lane() -> None:
    lane = CpuLane(1)
    fetching, answered, other_done = threading.Event(), threading.Event(), threading.Event()

    def slow_fetch() -> None:
        fetching.set()
        answered.wait(BOUND_S)

    first = threading.Thread(target=lane.run, args=(lambda: lane.outside(slow_fetch),))
    first.start()
    assert fetching.wait(BOUND_S)
    second = threading.Thread(target=lane.run, args=(other_done.set,))
    second.start()
    assert other_done.wait(BOUND_S)  # ran while the first waited for its host
    answered.set()
    first.join(BOUND_S)
    second.join(BOUND_S)
    assert not first.is_alive() and not second.is_alive()


def test_run_inside_run_does_not_wait_for_itself() -> None:
    lane = CpuLane(1)
    assert lane.run(lambda: lane.run(lambda: 42)) == 42
    assert lane.outside(lambda: 7) == 7  # outside any lane: just a call


def test_call_from_the_event_loop_runs_in_the_lanes_threads_width_at_a_time() -> None:
    lane, lock = CpuLane(2, threads=6), threading.Lock()
    active, most, names = [0], [0], set()

    def work(n: int) -> int:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
            names.add(threading.current_thread().name)
        threading.Event().wait(0.02)
        with lock:
            active[0] -= 1
        return n * 2

    async def many() -> list[int]:
        loop_thread = threading.current_thread().name
        answers = await asyncio.gather(*(lane.call(work, n) for n in range(6)))
        assert loop_thread not in names  # never on the event loop
        return list(answers)

    # A thread of its own for the loop: the browser tests' Playwright keeps a loop running in
    # the main thread for the whole session, and asyncio.run refuses to start beside it.
    with ThreadPoolExecutor(1) as runner:
        answers = runner.submit(asyncio.run, asyncio.wait_for(many(), BOUND_S)).result()
    assert answers == [0, 2, 4, 6, 8, 10]
    assert most[0] <= 2
    assert names and all(name.startswith("cpu-lane") for name in names)


def test_a_freed_slot_goes_to_the_first_in_line_not_to_whoever_asks_next() -> None:
    lane, order = CpuLane(1), []
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        holding.set()
        release.wait(BOUND_S)

    def first() -> None:
        lane.run(hold)
        lane.run(lambda: order.append("first, again"))  # asks at once: behind the line

    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert holding.wait(BOUND_S)
    for n in range(4):
        waiter = threading.Thread(target=lane.run, args=(lambda n=n: order.append(n),))
        waiter.start()
        threads.append(waiter)
        for _ in range(BOUND_S * 100):  # until it is in line
            if len(lane._slots._waiting) == n + 1:
                break
            threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(BOUND_S)
    assert order == [0, 1, 2, 3, "first, again"]
