"""Use case: send every stored result of a job to the employer's applicant-tracking system.

Per job, the employer sets a webhook (:func:`configure`): an ATS URL, which must pass the
verifier's fetch policy (:func:`verifier.checking.fetch.check_url`: https; plain http only to
localhost, and only when the operator allows it; no private addresses), and a shared
secret (generated when none is given; shown once). Then every result stored for the job
(a row of ``responses``, written by :mod:`verifier.jobs.requests`) is POSTed to the URL:

- the body is the JSON :func:`delivery_body` (job, response id, when, verdict, report);
- ``X-LER-Timestamp``: the Unix time of the attempt, in seconds;
- ``X-LER-Signature``: ``sha256=`` and the lower-case hex HMAC-SHA256 (RFC 2104) keyed
  with the secret over ``timestamp + "." + body`` (:func:`sign`). The receiver recomputes
  it over the exact bytes received, compares in constant time, and refuses old timestamps
  (a replayed delivery); :func:`verify_signature` does so.

Delivery runs in a background thread (:class:`Deliverer`), never in the request that
stored the result. Any 2xx answer is success; anything else (another status, a refused
URL, a network error, a timeout) is retried with exponential backoff: ``base_delay`` ×
1, 2, 4, 8 … up to ``max_tries`` attempts in all (default 1 s and 5). Every attempt is
logged in ``webhook_deliveries``: attempt number, when, the HTTP status or the error. The
worker finds its work in the store (results with a webhook, no successful attempt and
fewer than ``max_tries`` attempts), so results stored while it was down, or whose retries
a restart interrupted, are delivered when it runs again. Redirects are not followed, and
the address connected to is checked again (:func:`verifier.checking.fetch.check_peer`).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from servicekit.db import Database
from verifier import store
from verifier.checking.fetch import FetchPolicy, FetchRefused, check_peer, check_url
from verifier.store import DeliveryRecord, WebhookRecord

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-LER-Signature"
TIMESTAMP_HEADER = "X-LER-Timestamp"
MAX_TRIES = 5
BASE_DELAY = 1.0
TOLERANCE_SECONDS = 300


class WebhookError(Exception):
    code = "webhook-error"


class UnknownJob(WebhookError):
    code = "not-found"


class WebhookUrlRefused(WebhookError):
    """The URL does not pass the verifier's fetch policy."""

    code = "webhook-url-refused"


# --- signing ----------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`` (RFC 2104, FIPS 180-4)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None
) -> bool:
    """What a receiver does: the signature matches (constant-time compare) and the timestamp
    is within ``TOLERANCE_SECONDS`` of ``now``."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def delivery_body(response: store.ResponseRecord) -> bytes:
    """The JSON POSTed for one stored result."""
    payload = {
        "job": response.job_id,
        "response": response.id,
        "received": response.received,
        "verdict": response.verdict,
        "report": response.report,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Configured:
    webhook: WebhookRecord
    secret: str  # shown once, in the answer to the employer who set it


def configure(
    db: Database,
    job_id: str,
    url: str,
    fetch_policy: FetchPolicy,
    *,
    secret: str | None = None,
    now: datetime | None = None,
) -> Configured:
    """Set (or replace) the job's webhook. Raises :class:`UnknownJob`, or
    :class:`WebhookUrlRefused` when ``url`` does not pass the fetch policy."""
    url = url.strip()
    try:
        check_url(url, fetch_policy)
    except FetchRefused as exc:
        raise WebhookUrlRefused(str(exc)) from None
    if secret is not None and len(secret) < 16:
        raise WebhookUrlRefused("the secret must be at least 16 characters")
    secret = secret or secrets.token_urlsafe(32)
    stamp = (now or datetime.now(UTC)).isoformat()
    with db.transaction() as tx:
        if store.get_job(tx, job_id) is None:
            raise UnknownJob(f"no job {job_id!r}")
        record = store.set_webhook(tx, job_id, url, secret, created=stamp)
    return Configured(record, secret)


def webhook_of(db: Database, job_id: str) -> tuple[WebhookRecord | None, list[DeliveryRecord]]:
    """The job's webhook (None when not set) and every delivery attempt, oldest first."""
    with db.transaction() as tx:
        if store.get_job(tx, job_id) is None:
            raise UnknownJob(f"no job {job_id!r}")
        return store.get_webhook(tx, job_id), store.list_deliveries(tx, job_id)


def remove(db: Database, job_id: str) -> bool:
    with db.transaction() as tx:
        return store.delete_webhook(tx, job_id)


# --- one attempt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int | None
    detail: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _peer_of(response: httpx.Response) -> object:
    stream = response.extensions.get("network_stream")
    return stream.get_extra_info("server_addr") if stream is not None else None


def post(url: str, body: bytes, headers: dict[str, str], fetch_policy: FetchPolicy) -> Outcome:
    """One POST under the fetch policy: the URL and the address connected to are checked,
    redirects are not followed, the answer's body is not read."""
    try:
        check_url(url, fetch_policy)
        with (
            httpx.Client(timeout=fetch_policy.timeout, follow_redirects=False) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            check_peer(url, _peer_of(response), fetch_policy)
            return Outcome(response.status_code, f"HTTP {response.status_code}")
    except FetchRefused as exc:
        return Outcome(None, f"refused: {exc}")
    except (httpx.HTTPError, OSError) as exc:
        return Outcome(None, f"error: {type(exc).__name__}: {exc}")


# --- the background worker --------------------------------------------------------------------

Post = Callable[[str, bytes, dict[str, str], FetchPolicy], Outcome]


class Deliverer:
    """Delivers stored results to their jobs' webhooks in one background thread.

    ``start()`` / ``stop()`` (the app's lifespan); ``wake()`` after storing a result makes
    it look at once instead of at the next ``poll_interval``. ``clock`` gives the time
    logged for each attempt."""

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
    ) -> None:
        self.db = db
        self.fetch_policy = fetch_policy
        self.base_delay = base_delay
        self.max_tries = max_tries
        self.poll_interval = poll_interval
        self.clock = clock or (lambda: datetime.now(UTC))
        self._post = post
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
        with self.db.transaction() as tx:
            pending = store.undelivered(tx, self.max_tries)
        now = time.monotonic()
        made = 0
        for item in pending:
            due = self._due.setdefault(item.response.id, now)
            if due > now or self._stop.is_set():
                continue
            self.attempt(item)
            made += 1
        live = {item.response.id for item in pending}
        for response_id in list(self._due):
            if response_id not in live:
                del self._due[response_id]
        return made

    def attempt(self, item: store.PendingDelivery) -> Outcome:
        """One signed POST of one result, logged; schedules the next try on failure."""
        body = delivery_body(item.response)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(item.webhook.secret, timestamp, body),
        }
        number = item.tries + 1
        outcome = self._post(item.webhook.url, body, headers, self.fetch_policy)
        with self.db.transaction() as tx:
            store.add_delivery(
                tx, item.webhook.job_id, response_id=item.response.id, url=item.webhook.url,
                attempt=number, at=self.clock().isoformat(), status=outcome.status,
                detail=outcome.detail,
            )  # fmt: skip
        if outcome.ok or number >= self.max_tries:
            self._due.pop(item.response.id, None)
        else:
            self._due[item.response.id] = time.monotonic() + self.delay(number)
        return outcome
