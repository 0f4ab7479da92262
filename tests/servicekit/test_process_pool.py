"""``servicekit.process_pool``: work in other processes, results in order, an error per item,
a dead or hung worker a clear error (never a hang), and no worker outliving its parent after
``kill -9``. The tasks are module-level functions here, imported by the workers by name.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicekit.process_pool import PoolBroken, ProcessPool
from tests.processes import descendants, running, wait_all_gone

ROOT = Path(__file__).resolve().parents[2]


def _prepare(context: int) -> int:
    return context * 10


def _task(ready: int, item: int) -> tuple[int, int]:
    if item < 0:
        raise ValueError(f"negative item {item}")
    return ready + item, os.getpid()


def _same(context: int) -> int:
    return context


def _exit_at(ready: int, item: int) -> int:
    if item == ready:
        os._exit(3)  # a worker that dies mid-chunk
    return item


def _big(ready: int, item: int) -> str:
    """A large answer after a while: a worker busy, then blocked sending it."""
    time.sleep(0.3)
    return "x" * item


def _as_is(context: str) -> str:
    return context


def _length(ready: str, item: int) -> int:
    return len(ready) + item


def _sleep(ready: int, item: int) -> int:
    time.sleep(item)
    return item


@pytest.fixture
def pool() -> Iterator[ProcessPool]:
    made = ProcessPool(2, timeout=4, preload=[__name__])  # imported before the clock runs
    yield made
    made.close()


def test_items_come_back_in_order_computed_in_the_workers(pool: ProcessPool) -> None:
    chunks = [[1, 2], [3], [4, 5, 6], [7]]
    outcomes = pool.run(_prepare, _task, 5, iter(chunks))
    assert [o.value[0] for o in outcomes if o.value] == [51, 52, 53, 54, 55, 56, 57]
    workers = {o.value[1] for o in outcomes if o.value}
    assert workers <= set(pool.pids()) and os.getpid() not in workers


def test_an_item_that_raises_is_its_own_failure(pool: ProcessPool) -> None:
    outcomes = pool.run(_prepare, _task, 1, iter([[1, -2, 3]]))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error == "ValueError: negative item -2"
    assert outcomes[2].value is not None and outcomes[2].value[0] == 13


def test_a_dead_worker_is_an_error_and_the_next_call_works(pool: ProcessPool) -> None:
    with pytest.raises(PoolBroken, match="died"):
        pool.run(_same, _exit_at, 2, iter([[1, 2, 3]]))
    assert [o.value for o in pool.run(_prepare, _sleep, 0, iter([[0], [0]]))] == [0, 0]


def test_a_hung_worker_is_an_error_not_a_hang(pool: ProcessPool) -> None:
    start = time.monotonic()
    with pytest.raises(PoolBroken, match="no answer"):
        pool.run(_prepare, _sleep, 0, iter([[30]]))
    assert time.monotonic() - start < 20
    assert [o.value for o in pool.run(_prepare, _sleep, 0, iter([[0]]))] == [0]


def test_a_caller_need_not_wait_for_the_workers_to_start(pool: ProcessPool) -> None:
    """``start(wait=False)`` returns at once, False while the workers import their modules
    (the caller does the work itself meanwhile), True once they all can take work."""
    begun = time.monotonic()
    assert pool.start(wait=False) is False  # fresh interpreters: not ready in a few ms
    assert time.monotonic() - begun < 0.5
    while not pool.start(wait=False):
        assert time.monotonic() - begun < 60, "the workers never became ready"
        time.sleep(0.05)
    assert len(pool.pids()) == 2
    assert [o.value for o in pool.run(_prepare, _sleep, 0, iter([[0], [0]]))] == [0, 0]


def test_submitted_work_runs_while_the_caller_goes_on(pool: ProcessPool) -> None:
    """``submit`` returns at once; workers queue what they get while busy and answer in
    order; ``results`` gives each job its own outcomes, and a discarded job's answers never
    reach a later call."""
    pool.start()
    start = time.monotonic()
    first = pool.submit(_prepare, _sleep, 0, [[2], [2]])
    dropped = pool.submit(_prepare, _task, 7, [[-1], [2]])  # queued behind the sleeps
    second = pool.submit(_prepare, _task, 1, [[1], [2], [3]])
    assert time.monotonic() - start < 1.5  # nothing waited for the sleeping workers
    pool.discard(dropped)
    assert [o.value[0] for o in pool.results(second) if o.value] == [11, 12, 13]
    assert [o.value for o in pool.results(first)] == [2, 2]
    outcomes = pool.run(_prepare, _task, 2, iter([[1], [2]]))  # after the dropped answers
    assert [o.value[0] for o in outcomes if o.value] == [21, 22]


def test_a_large_message_queued_behind_a_large_answer_does_not_deadlock(
    pool: ProcessPool,
) -> None:
    """Queuing a message larger than the socket buffer behind a worker that is about to send
    a large answer would leave both blocked, each sending to the other: ``submit`` waits for
    that worker's answers first."""
    pool.start()
    first = pool.submit(_same, _big, 0, [[2_000_000], [2_000_000]])
    done: list[list[int | None]] = []

    def submit_more() -> None:
        job = pool.submit(_as_is, _length, "y" * 2_000_000, [[1], [2]])  # a large context
        done.append([o.value for o in pool.results(job)])

    thread = threading.Thread(target=submit_more, daemon=True)
    thread.start()
    thread.join(timeout=30)
    deadlocked = thread.is_alive()
    if deadlocked:  # free the blocked sends, so the test fails instead of hanging
        for pid in pool.pids():
            os.kill(pid, signal.SIGKILL)
        thread.join(timeout=10)
    assert not deadlocked, "the pool deadlocked"
    assert done == [[2_000_001, 2_000_002]]
    assert [len(o.value or "") for o in pool.results(first)] == [2_000_000, 2_000_000]


def test_a_worker_dying_with_work_queued_is_an_error_and_the_pool_recovers(
    pool: ProcessPool,
) -> None:
    job = pool.submit(_same, _exit_at, 2, [[1, 2, 3]])
    later = pool.submit(_prepare, _task, 1, [[1], [2]])
    with pytest.raises(PoolBroken):
        pool.results(job)
    with pytest.raises(PoolBroken):  # its queue went with it
        pool.results(later)
    assert [o.value for o in pool.run(_prepare, _sleep, 0, iter([[0], [0]]))] == [0, 0]


PARENT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from servicekit.process_pool import ProcessPool
from tests.servicekit.test_process_pool import _prepare, _task
# no `if __name__ == "__main__"` guard: the workers must not run this script again
pool = ProcessPool(2, preload=["tests.servicekit.test_process_pool"])
outcomes = pool.run(_prepare, _task, 1, iter([[1], [2]]))
print(" ".join(str(pid) for pid in pool.pids()), [o.value[0] for o in outcomes], flush=True)
time.sleep(60)
"""


def test_no_worker_outlives_a_parent_killed_with_sigkill(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    command = [sys.executable, str(script), str(ROOT)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, cwd=tmp_path) as parent:
        try:
            assert parent.stdout is not None
            said = parent.stdout.readline().decode()
            assert said.endswith(" [11, 12]\n"), said
            workers = [int(pid) for pid in said.split(" [")[0].split()]
            pids = descendants(parent.pid)
            assert len(workers) == 2 and set(workers) <= set(pids)
            assert all(running(pid) for pid in pids)
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            assert wait_all_gone(pids, 10) == [], "pool processes outlived their parent"
        finally:
            parent.kill()
