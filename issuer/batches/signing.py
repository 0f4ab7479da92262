"""A batch's credentials signed on every core: the issuer's signing pool.

Signing is what limits a batch (JSON-LD expansion, RDF, RDFC-1.0, the schema checks,
Ed25519), and one Python process signs on one core. With ``LER_ISSUER_BATCH_WORKERS`` above 1
(default: the cores this process may use) a batch group's credentials are checked and signed
in that many worker processes (:class:`servicekit.process_pool.ProcessPool`); with 1 they are
signed in the issuing process, as before.

The parent keeps everything that makes a batch safe: it reads the rows, takes the status
indexes, builds each credential, and commits the group (each credential with its row's mark,
in one transaction, :func:`issuer.batches.batch.issue_group`). A worker only turns an unsigned
credential into a signed one (:func:`issuer.issuing.securing.check` and
:func:`~issuer.issuing.securing.sign_with`: no database, no clock, no network): it commits
nothing, so killing any process at any moment loses no credential a user was told is issued
and issues none twice: a group whose transaction did not commit left nothing behind, its
status indexes included, and the resumed batch issues its rows again.

**Key material.** The key-encryption key never leaves the parent, and neither do the sealed
keys. What a worker receives is the one key that signs the group, as a private JWK, over that
worker's own pipe (an anonymous socket pair held by the parent and that worker only: never on
disk, in argv or in the environment); the worker keeps it in memory only while that group's
context is the current one (it is dropped when the next group's arrives) and exits when the
parent does. This is the same exposure as today's in-process key cache (the parent holds the
parsed key for its lifetime), in processes that are the issuer's own children.

One pool per process and size, started at the first batch and kept (its workers warm), closed
when the process exits.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer import store
from issuer.installation import Installation
from issuer.issuing import issuance, securing
from issuer.organisations import catalogue
from servicekit.db import Tx
from servicekit.process_pool import Outcome, ProcessPool
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

    issuer: store.IssuerRecord
    format: str
    private_jwk: dict[str, str]
    method: str  # the verification method
    created: datetime  # the proofs' time
    policy: tuple[str, ...]  # the disclosable learner-data fields


def group_of(
    issuer: store.IssuerRecord,
    format: str,
    signing: tuple[KeyPair, str],
    created: datetime,
    policy: tuple[str, ...],
) -> Group:
    key, method = signing
    return Group(issuer, format, key.to_private_jwk(), method, created, policy)


def _ready(group: Group) -> tuple[Group, KeyPair]:
    """In the worker: the group with its key parsed (once per group)."""
    return group, KeyPair.from_private_jwk(group.private_jwk)


def _sign_one(ready: tuple[Group, KeyPair], credential: dict[str, Any]) -> dict[str, Any] | str:
    """In the worker: check and sign one credential, as :func:`securing.secure` does."""
    group, key = ready
    securing.check(credential)
    return securing.sign_with(
        credential,
        group.format,
        group.issuer,
        key,
        group.method,
        created=group.created,
        policy=group.policy,
    )


def sign_all(
    pool: ProcessPool, group: Group, chunks: Iterable[list[dict[str, Any]]]
) -> list[Outcome[dict[str, Any] | str]]:
    """Every credential of ``chunks`` checked and signed in the pool, in order (raises
    :class:`servicekit.process_pool.PoolBroken` when a worker dies or hangs)."""
    return pool.run(_ready, _sign_one, group, chunks)


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
) -> list[tuple[int, store.CredentialRecord, issuance.Allocated]]:
    """:func:`issuer.batches.batch.issue_group`'s drafts, signed in ``pool``: the credentials are
    built here (status indexes taken in ``tx``) and sent a worker's share at a time as they are
    built, so the first worker signs while the rest is built. A credential a worker could not
    sign raises :class:`RowNotSigned` (the group is then issued row by row, in this process)."""
    composed: list[tuple[int, dict[str, Any], str, issuance.Allocated]] = []
    size = -(-len(requests) // pool.size)  # one message per worker: each hand-over costs a wake-up

    def chunks() -> Iterator[list[dict[str, Any]]]:
        chunk: list[dict[str, Any]] = []
        for number, request in requests:
            credential, recipient, allocated = issuance.compose(
                tx, inst, issuing, request, entries=entries
            )
            composed.append((number, credential, recipient, allocated))
            chunk.append(credential)
            over = time.monotonic() > closes or (stop is not None and stop.is_set())
            if len(chunk) == size or over:
                yield chunk
                chunk = []
            if over:
                return
        if chunk:
            yield chunk

    policy = catalogue.disclosable_of(issuing.achievement)
    group = group_of(issuing.issuer, issuing.format, signing, inst.now(), policy)
    outcomes = sign_all(pool, group, chunks())
    drafted = []
    for (number, credential, recipient, allocated), outcome in zip(composed, outcomes, strict=True):
        if not outcome.ok or outcome.value is None:
            raise RowNotSigned(f"row {number}: {outcome.error}")
        record = securing.record_of(
            inst,
            issuing.issuer,
            credential,
            issuing.format,
            outcome.value,
            issuing.achievement.id,
            recipient,
        )
        drafted.append((number, record, allocated))
    return drafted
