"""A batch's credentials signed on every core: the issuer's signing pool.

Signing is what limits a batch (JSON-LD expansion, RDF, RDFC-1.0, the schema checks,
Ed25519), and one Python process signs on one core. With ``LER_ISSUER_BATCH_WORKERS`` above 1
(default: the cores this process may use) a batch group's credentials are built, checked and
signed in that many worker processes (:class:`servicekit.process_pool.ProcessPool`); with 1
they are made in the issuing process, as before.

The parent keeps everything that makes a batch safe: it reads the rows, takes each row's
status indexes in the group's transaction, and commits the group (each credential with its
row's mark and its status entries, in one transaction,
:func:`issuer.batches.batch.issue_group`). A worker gets a row's request and its status
entries and gives back the signed credential as the store writes it (its id, its recipient,
its text): it checks the request, builds the credential
(:func:`issuer.issuing.issuance.compose_with`), checks and signs it
(:func:`issuer.issuing.securing.check`, :func:`~issuer.issuing.securing.sign_with`) with no
database, no clock (the group's time is given) and no network. Sending the request rather
than the credential and getting text back keeps the messages small and leaves the parent
only the database work. A worker commits nothing, so killing any process at any moment loses
no credential a user was told is issued and issues none twice: a group whose transaction did
not commit left nothing behind, its status indexes included, and the resumed batch issues its
rows again.

**The next group, made ahead.** While a group's transaction writes and commits, the workers
would wait. So a group gives the pool the next group's rows (:func:`make_ahead`) as soon as
its own status positions are taken (when its own rows were made ahead; else once they are
back), each with the status entries the next transaction will take if no other writer takes
a position first (:func:`issuer.status.lists.peek_many`: read, not taken). The
next group takes its entries itself, in its own transaction, and uses what was made ahead only
when it carries exactly those entries (and the same rows, key and issuer:
:meth:`Ahead.fits`); otherwise it drops it and makes its credentials again. Nothing made ahead
is written by the group before, so the guarantee above is untouched: every credential is
committed in the transaction that took its entries and marked its row.

**Key material.** The key-encryption key never leaves the parent, and neither do the sealed
keys. What a worker receives is the one key that signs the group, as a private JWK, over that
worker's own pipe (an anonymous socket pair held by the parent and that worker only: never on
disk, in argv or in the environment); the worker keeps it in memory only while that group's
context is the current one (it is dropped when the next group's arrives) and exits when the
parent does. This is the same exposure as today's in-process key cache (the parent holds the
parsed key for its lifetime), in processes that are the issuer's own children.

One pool per process and size, started at the first batch and kept (its workers warm), closed
when the process exits. While its workers start (fresh interpreters importing the issuer's
modules: a second or so), the batch does not wait: its groups are made in the issuing
process until they are ready.
"""

from __future__ import annotations

import atexit
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer import store
from issuer.installation import Installation
from issuer.issuing import issuance, securing
from issuer.organisations import catalogue
from issuer.status import lists as status_lists
from issuer.store.columns import dump_json
from servicekit.db import Tx
from servicekit.process_pool import Job, Outcome, ProcessPool
from vckit.keys.keypair import KeyPair

_pools: dict[int, ProcessPool] = {}
_lock = threading.Lock()


def default_size() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool_of(size: int) -> ProcessPool | None:
    """This process's pool of ``size`` signing workers; None for 1 (sign in-process)."""
    if size <= 1:
        return None
    with _lock:
        pool = _pools.get(size)
        if pool is None:
            pool = ProcessPool(size, preload=[__name__])
            _pools[size] = pool
            atexit.register(pool.close)
        return pool


@dataclass(frozen=True)
class Group:
    """What every credential of one batch group shares, sent once to each worker."""

    issuing: issuance.Issuing  # the issuer, the achievement, the format, their documents
    private_jwk: dict[str, str]
    method: str  # the verification method
    now: datetime  # the credentials' issuance time and their proofs' time
    policy: tuple[str, ...]  # the disclosable learner-data fields


def group_of(issuing: issuance.Issuing, signing: tuple[KeyPair, str], now: datetime) -> Group:
    key, method = signing
    policy = catalogue.disclosable_of(issuing.achievement)
    return Group(issuing, key.to_private_jwk(), method, now, policy)


Item = tuple[issuance.IssueRequest, issuance.Allocated]
"""What a worker gets per credential: the request and the status entries taken for it."""
Made = tuple[str, str, str]
"""What a worker gives back per credential: its id, its recipient (as stored) and the signed
document as the store writes it (:func:`issuer.store.columns.dump_json` of a JSON-LD
credential; a JWT or an SD-JWT as it is)."""


def _ready(group: Group) -> tuple[Group, KeyPair]:
    """In the worker: the group with its key parsed (once per group)."""
    return group, KeyPair.from_private_jwk(group.private_jwk)


def _make_one(ready: tuple[Group, KeyPair], item: Item) -> Made:
    """In the worker: check the request, build the credential, check and sign it, as
    :func:`issuance.draft` does (the status entries were taken by the parent)."""
    group, key = ready
    request, allocated = item
    issuance.check_request_at(request, group.now)
    credential, recipient = issuance.compose_with(group.now, group.issuing, request, allocated)
    securing.check(credential)
    document = securing.sign_with(
        credential,
        group.issuing.format,
        group.issuing.issuer,
        key,
        group.method,
        created=group.now,
        policy=group.policy,
    )
    return (
        credential["id"],
        recipient,
        document if isinstance(document, str) else dump_json(document),
    )


def make_all(pool: ProcessPool, group: Group, chunks: Iterable[list[Item]]) -> list[Outcome[Made]]:
    """Every credential of ``chunks`` built, checked and signed in the pool, in order (raises
    :class:`servicekit.process_pool.PoolBroken` when a worker dies or hangs)."""
    return pool.run(_ready, _make_one, group, chunks)


class RowNotSigned(Exception):
    """A worker could not sign a row's credential: the group is rolled back."""


def draft_in_pool(
    tx: Tx,
    inst: Installation,
    pool: ProcessPool,
    issuing: issuance.Issuing,
    signing: tuple[KeyPair, str],
    requests: list[tuple[int, issuance.IssueRequest]],
    entries: dict[str, list[tuple[dict[str, Any], str, int]]],
    stop: threading.Event | None,
    closes: float,
    ahead: Ahead | None = None,
    then: Callable[[], None] | None = None,
) -> list[tuple[int, store.CredentialRecord, issuance.Allocated]]:
    """:func:`issuer.batches.batch.issue_group`'s drafts, made in ``pool``: here each row only
    gets its status entries (taken in ``tx``); the workers build, check and sign the
    credentials, a worker's share each, and send back what the store writes. The records'
    documents are that stored text (for :func:`issuer.store.add_credentials`; nothing else
    reads them). A share not sent yet when ``closes`` (``time.monotonic``) has passed or
    ``stop`` is set is left for the next group (one row at least is made). ``ahead``: these
    rows made already (:func:`make_ahead`), used when they were built with the very entries
    taken here, else dropped; when it is used, ``then`` is called once this group's entries
    are taken, before waiting for the workers (the batch gives them the group after). A
    credential a worker could not make raises
    :class:`RowNotSigned` (the group is then issued row by row, in this process)."""
    if ahead is not None:
        if ahead.fits(issuing, signing, requests, entries):
            taken = [
                (number, issuance.take_entries(tx, inst, issuing, request, entries=entries))
                for number, request in requests
            ]
            if [allocated for _number, allocated in taken] == list(ahead.allocated):
                if then is not None:
                    then()
                return _drafts(inst, issuing, taken, pool.results(ahead.job))
            raise RuntimeError("the entries taken are not the ones checked")  # cannot happen
        pool.discard(ahead.job)
    size = -(-len(requests) // pool.size)  # one message per worker: each costs a wake-up
    sent: list[tuple[int, issuance.Allocated]] = []

    def chunks() -> Iterator[list[Item]]:
        for first in range(0, len(requests), size):
            last = first + size
            if time.monotonic() > closes or (stop is not None and stop.is_set()):
                if sent:
                    return  # the rest keep their entries in ``entries``: given back
                last = first + 1  # over already: one row, as the issuing process would
            share = []
            for number, request in requests[first:last]:
                allocated = issuance.take_entries(tx, inst, issuing, request, entries=entries)
                sent.append((number, allocated))
                share.append((request, allocated))
            yield share

    group = group_of(issuing, signing, inst.now())
    return _drafts(inst, issuing, sent, make_all(pool, group, chunks()))


def _drafts(
    inst: Installation,
    issuing: issuance.Issuing,
    rows: list[tuple[int, issuance.Allocated]],
    outcomes: list[Outcome[Made]],
) -> list[tuple[int, store.CredentialRecord, issuance.Allocated]]:
    """The records of what the workers made (:class:`RowNotSigned` for a row they could not)."""
    drafted = []
    for (number, allocated), outcome in zip(rows, outcomes, strict=True):
        if not outcome.ok or outcome.value is None:
            raise RowNotSigned(f"row {number}: {outcome.error}")
        credential_id, recipient, document = outcome.value
        record = store.CredentialRecord(
            id=credential_id,
            token=secrets.token_urlsafe(24),
            issuer=issuing.issuer.slug,
            achievement=issuing.achievement.id,
            format=issuing.format,
            recipient=recipient,
            document=document,
            issued=inst.stamp(),
        )
        drafted.append((number, record, allocated))
    return drafted


# --- the next group, made while this one commits ---------------------------------------------


@dataclass(frozen=True)
class Ahead:
    """A group's credentials given to the pool before its transaction (:func:`make_ahead`)."""

    requests: tuple[tuple[int, issuance.IssueRequest], ...]  # its rows
    issuing: issuance.Issuing
    method: str
    key: dict[str, str]  # the signing key, as a private JWK
    allocated: tuple[issuance.Allocated, ...]  # each row's status entries, foreseen
    job: Job

    def fits(
        self,
        issuing: issuance.Issuing,
        signing: tuple[KeyPair, str],
        requests: list[tuple[int, issuance.IssueRequest]],
        entries: dict[str, list[tuple[dict[str, Any], str, int]]],
    ) -> bool:
        """Whether these credentials are the group's: the same rows, issuer, achievement,
        key, and the very status entries the group's transaction took (``entries``: the
        next ones of each purpose are these, in this order)."""
        foreseen: dict[str, list[tuple[dict[str, Any], str, int]]] = {}
        for allocated in self.allocated:
            for purpose, entry in allocated:
                foreseen.setdefault(purpose, []).append(entry)
        return (
            list(self.requests) == requests
            and self.issuing == issuing
            and self.method == signing[1]
            and self.key == signing[0].to_private_jwk()
            and all(entries.get(p, [])[: len(taken)] == taken for p, taken in foreseen.items())
        )


class Pipeline:
    """A batch's next group, made ahead: :func:`issuer.batches.batch.run_batch` carries it
    from one group to the next; :meth:`drop` forgets what was not used."""

    def __init__(self, pool: ProcessPool) -> None:
        self.pool = pool
        self.ahead: Ahead | None = None

    def take(self) -> Ahead | None:
        ahead, self.ahead = self.ahead, None
        return ahead

    def drop(self) -> None:
        ahead = self.take()
        if ahead is not None:
            self.pool.discard(ahead.job)


def make_ahead(
    tx: Tx,
    inst: Installation,
    pool: ProcessPool,
    issuing: issuance.Issuing,
    signing: tuple[KeyPair, str],
    requests: list[tuple[int, issuance.IssueRequest]],
) -> Ahead | None:
    """Give the next group's credentials to ``pool`` now, so the workers make them while this
    group commits and the next one opens: built with the status entries the next group's
    transaction will take if no other writer takes a position first
    (:func:`issuer.status.lists.peek_many`). Nothing is written or taken here; the next group
    takes its entries itself and uses these credentials only if they carry exactly those
    (:meth:`Ahead.fits`), so what it commits is what it took, as without this. None when
    there is nothing to foresee."""
    wanted = issuance.purposes_wanted(request for _number, request in requests)
    foreseen = {}
    for purpose, count in wanted.items():
        found = status_lists.peek_many(
            tx, inst, issuing.issuer.slug, purpose, count, issuing.status_signer
        )
        if found is None:
            return None
        foreseen[purpose] = found
    if not foreseen:
        return None
    allocated: list[issuance.Allocated] = []
    for _number, request in requests:
        purposes = issuance.purposes_of(request)
        allocated.append([(str(purpose), foreseen[purpose].pop(0)) for purpose in purposes])
    items: list[Item] = [
        (request, taken) for (_n, request), taken in zip(requests, allocated, strict=True)
    ]
    size = -(-len(items) // pool.size)  # one share per worker
    shares = [items[first : first + size] for first in range(0, len(items), size)]
    group = group_of(issuing, signing, inst.now())
    job = pool.submit(_ready, _make_one, group, shares)
    return Ahead(tuple(requests), issuing, group.method, group.private_jwk, tuple(allocated), job)
