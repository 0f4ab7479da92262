"""Leases: which process is working on a row of background work, and until when.

Every service runs its background work (webhook deliveries, batches, re-check jobs) in
each of its processes; the ``leases`` table makes each piece of work one process's at a
time. A lease is ``(kind, id)``, the ``holder`` (one per process: :func:`holder_id`) and
``until``, a Unix time. :func:`claim` takes a piece whose lease is absent or has run out, in
one statement (an upsert whose update applies only to an expired lease), so of any number of
processes claiming at once exactly one gets it: PostgreSQL locks the row and re-checks the
condition for the second writer; SQLite runs one writing transaction at a time
(``BEGIN IMMEDIATE``). The holder renews (:func:`extend`) while it works and lets go
(:func:`release`) when done. A holder that dies (``kill -9``, a lost host) simply stops
renewing: its work is claimed again once ``until`` has passed, so work is done at least once
across a crash and exactly once otherwise. A holder known dead is not waited for: a
holder names its host, process id and process namespace (:func:`holder_id`), so a process
restarted in the same place (a crashed service started again) takes over at once the
leases of one no longer running there. ``until`` may also be set ahead on purpose (the
wait before a retry): nobody takes the work before then.

The table is made by each service's migrations (:data:`TABLE_SQL`). Times are wall-clock
seconds: the hosts of a deployment keep their clocks in step (NTP); a lease is many
seconds long, so small skews do not matter.
"""

from __future__ import annotations

import os
import secrets
import socket

from servicekit.db import Tx

TABLE_SQL = """
CREATE TABLE leases (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    holder TEXT NOT NULL,
    until DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, id)
)
"""
"""The ``leases`` table, for a service's migrations."""

_mine: set[str] = set()  # the holders of this process (one process may use several)


def _place() -> str:
    """The host name and the process-id namespace (containers have their own)."""
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = "-"
    return f"{socket.gethostname()}:{namespace}"


def holder_id() -> str:
    """A name for this process: its place (host, pid namespace), process id, and a random
    part (a pid is reused)."""
    return f"{_place()}:{os.getpid()}:{secrets.token_hex(4)}"


def _dead_here(holder: str) -> bool:
    """Whether ``holder`` was a process of this place that no longer runs."""
    place, _, rest = holder.rpartition(":")[0].rpartition(":")
    if place != _place() or not rest.isdigit():
        return False
    pid = int(rest)
    if pid == os.getpid():
        return holder not in _mine
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def claim(tx: Tx, kind: str, id: str, holder: str, *, until: float, now: float) -> bool:
    """Take the lease of ``(kind, id)`` for ``holder`` until ``until`` when nobody holds it
    at ``now``; False when another holder's lease still runs (or ours was set ahead)."""
    _mine.add(holder)
    changed = tx.execute(
        "INSERT INTO leases (kind, id, holder, until) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, id) DO UPDATE SET holder = excluded.holder, until = excluded.until "
        "WHERE leases.until <= ?",
        (kind, id, holder, until, now),
    )
    if changed == 1:
        return True
    row = tx.one("SELECT holder FROM leases WHERE kind = ? AND id = ?", (kind, id))
    if row is None or row["holder"] == holder or not _dead_here(row["holder"]):
        return False
    taken = tx.execute(  # compare-and-set: only from the dead holder
        "UPDATE leases SET holder = ?, until = ? WHERE kind = ? AND id = ? AND holder = ?",
        (holder, until, kind, id, row["holder"]),
    )
    return taken == 1


def extend(tx: Tx, kind: str, id: str, holder: str, *, until: float) -> bool:
    """Move ``holder``'s lease to ``until``; False when the lease is no longer its own."""
    return (
        tx.execute(
            "UPDATE leases SET until = ? WHERE kind = ? AND id = ? AND holder = ?",
            (until, kind, id, holder),
        )
        == 1
    )


def release(tx: Tx, kind: str, id: str, holder: str) -> None:
    """Let go of ``holder``'s lease (another holder's is left alone)."""
    tx.execute("DELETE FROM leases WHERE kind = ? AND id = ? AND holder = ?", (kind, id, holder))


def held(tx: Tx, kind: str, *, now: float) -> set[str]:
    """The ids of ``kind`` whose lease still runs at ``now`` for a holder that may be alive
    (a holder known dead, :func:`claim` takes over at once)."""
    rows = tx.all("SELECT id, holder FROM leases WHERE kind = ? AND until > ?", (kind, now))
    return {str(row["id"]) for row in rows if not _dead_here(str(row["holder"]))}
