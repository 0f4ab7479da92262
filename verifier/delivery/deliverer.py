"""The background worker that POSTs every stored result of a job to its webhook
(:mod:`verifier.delivery.webhook` says what is sent and how it is signed).

Delivery runs in a background thread (:class:`Deliverer`), never in the request that
stored the result. Any 2xx answer is success; anything else (another status, a refused
URL, a network error, a timeout) is retried with exponential backoff: ``base_delay`` ×
1, 2, 4, 8 … up to ``max_tries`` attempts in all (default 1 s and 5). Every attempt is
logged in ``webhook_deliveries``: attempt number, when, the HTTP status or the error. The
worker finds its work in the store (results with a webhook, no successful attempt and
fewer than ``max_tries`` attempts), so results stored while it was down, or whose retries
a restart interrupted, are delivered when it runs again. Each attempt is one
:func:`servicekit.fetching.send` under the fetch policy: no redirects, the address connected
to checked again, one deadline for the whole exchange; a failure on the network is logged
as "error: <url> gave no usable answer" (the reason in the service's log).

Many processes, one delivery: every process of the verifier runs a deliverer, and a result
is attempted only by the process holding its lease (:mod:`servicekit.leases`, kind
``webhook``). A deliverer claims the result, reads it again under the lease (another
process may have delivered it meanwhile), posts, then records the attempt and, in the same
transaction, lets go (delivered, or out of tries) or keeps the lease until the next try is
due (the backoff, so no other process retries early). So each result is delivered once per
endpoint when nothing crashes. A process that dies mid-delivery leaves its lease to run out
(``lease`` seconds, longer than a fetch may take) and another process delivers again: at
least once across a crash. Each delivery carries ``Idempotency-Key: <response id>`` (the
same on every attempt), so the receiver can drop a repeat.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from servicekit import leases
from servicekit.db import Database
from servicekit.fetching import send
from verifier import store
from verifier.checking.fetch import FetchError, FetchPolicy, FetchRefused
from verifier.delivery.webhook import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    delivery_body,
    sign,
)

log = logging.getLogger(__name__)

MAX_TRIES = 5
BASE_DELAY = 1.0
LEASE = 60.0  # seconds a claimed delivery stays this process's (well over one fetch)
LEASE_KIND = "webhook"


# --- one attempt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int | None
    detail: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str], fetch_policy: FetchPolicy) -> Outcome:
    """One POST under the fetch policy (:func:`servicekit.fetching.send`)."""
    try:
        answer = send(fetch_policy, "POST", url, content=body, headers=headers)
    except FetchRefused as exc:
        return Outcome(None, f"refused: {exc}")
    except FetchError as exc:
        return Outcome(None, f"error: {exc}")
    return Outcome(answer.status, f"HTTP {answer.status}")


# --- the background worker --------------------------------------------------------------------

Post = Callable[[str, bytes, dict[str, str], FetchPolicy], Outcome]


class Deliverer:
    """Delivers stored results to their jobs' webhooks in one background thread.

    ``start()`` / ``stop()`` (the app's lifespan); ``wake()`` after storing a result makes
    it look at once instead of at the next ``poll_interval``. ``clock`` gives the time
    logged for each attempt; ``lease`` the seconds a claimed result stays this process's
    (it must exceed the fetch policy's timeout); ``wall`` the Unix time leases are kept in."""

    def __init__(
        self,
        db: Database,
        fetch_policy: FetchPolicy,
        *,
        base_delay: float = BASE_DELAY,
        max_tries: int = MAX_TRIES,
        poll_interval: float = 2.0,
        clock: Callable[[], datetime] | None = None,
        post: Post = post,
        lease: float = LEASE,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.fetch_policy = fetch_policy
        self.base_delay = base_delay
        self.max_tries = max_tries
        self.poll_interval = poll_interval
        self.clock = clock or (lambda: datetime.now(UTC))
        self._post = post
        self.lease = max(lease, fetch_policy.timeout + 1.0)
        self.wall = wall
        self.holder = leases.holder_id()
        self._due: dict[str, float] = {}  # response id -> monotonic time of its next attempt
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="webhook-deliverer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based): base × 2^(attempt-1)."""
        return self.base_delay * float(2 ** (attempt - 1))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the worker must outlive one bad round (a database hiccup)
                log.exception("webhook delivery round failed")
            now = time.monotonic()
            wait = min([self.poll_interval, *(t - now for t in self._due.values())])
            self._wake.wait(max(wait, 0.0))
            self._wake.clear()

    def run_once(self) -> int:
        """Attempt every delivery that is due; returns the number of attempts made."""
        now = self.wall()
        with self.db.transaction() as tx:
            pending = store.undelivered(tx, self.max_tries)
            taken = leases.held(tx, LEASE_KIND, now=now)
        made = 0
        for item in pending:
            if self._stop.is_set():
                break
            if item.response.id in taken:
                continue
            claimed = self.claim(item.response.id)
            if claimed is not None:
                self.attempt(claimed)
                made += 1
        live = {item.response.id for item in pending}
        for response_id in list(self._due):
            if response_id not in live:
                del self._due[response_id]
        return made

    def claim(self, response_id: str) -> store.PendingDelivery | None:
        """The result, still undelivered, with its lease now ours; None when another process
        holds it, its next try is not yet due, or it was delivered meanwhile."""
        now = self.wall()
        with self.db.transaction() as tx:
            if not leases.claim(
                tx, LEASE_KIND, response_id, self.holder, until=now + self.lease, now=now
            ):
                return None
            found = store.undelivered(tx, self.max_tries, response_id=response_id)
            if not found:
                leases.release(tx, LEASE_KIND, response_id, self.holder)
                return None
        return found[0]

    def attempt(self, item: store.PendingDelivery) -> Outcome:
        """One signed POST of one result, logged; schedules the next try on failure."""
        body = delivery_body(item.response)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: item.response.id,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(item.webhook.secret, timestamp, body),
        }
        number = item.tries + 1
        outcome = self._post(item.webhook.url, body, headers, self.fetch_policy)
        done = outcome.ok or number >= self.max_tries
        wait = 0.0 if done else self.delay(number)
        with self.db.transaction() as tx:
            store.add_delivery(
                tx, item.webhook.job_id, response_id=item.response.id, url=item.webhook.url,
                attempt=number, at=self.clock().isoformat(), status=outcome.status,
                detail=outcome.detail,
            )  # fmt: skip
            if done:
                leases.release(tx, LEASE_KIND, item.response.id, self.holder)
            else:  # nobody retries before the backoff has passed
                until = self.wall() + wait
                leases.extend(tx, LEASE_KIND, item.response.id, self.holder, until=until)
        if done:
            self._due.pop(item.response.id, None)
        else:
            self._due[item.response.id] = time.monotonic() + wait
        return outcome
