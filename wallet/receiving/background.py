"""The background jobs, each a daemon thread while the app is up (``app.py`` runs them for the
app's lifetime)::

    with background.rechecking(inst), background.resuming(inst):
        ...  # the app serves

* the re-check re-verifies the credentials due (:func:`wallet.receiving.check.recheck_due`)
  every ``settings.recheck_interval`` seconds (0 turns the job off), in one of the wallet's
  processes a round (the one claiming the round's lease);
* the resume job goes on with the credential offers a restart interrupted
  (:func:`wallet.receiving.progress.resume_due`): at once when the app starts, then every
  ``settings.resume_interval`` seconds (0 turns the job off).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from functools import partial

from servicekit import leases
from wallet.installation import Installation
from wallet.receiving.check import recheck_due
from wallet.receiving.progress import resume_due

log = logging.getLogger(__name__)


def recheck_loop(inst: Installation, interval: float, stop: threading.Event) -> None:
    """Every ``interval`` seconds, re-verify the credentials due until ``stop`` is set. A
    failing run is logged and the loop goes on."""
    holder = leases.holder_id()
    while not stop.wait(interval):
        try:
            if _this_round_is_mine(inst, holder, interval):
                recheck_due(inst, every=timedelta(seconds=interval))
        except Exception:  # the job must outlive one bad run (a database hiccup)
            log.exception("background re-check failed")


def _this_round_is_mine(inst: Installation, holder: str, interval: float) -> bool:
    """Of the wallet's processes, one a round re-checks: the one that claims the round's
    lease (:mod:`servicekit.leases`) for the next ``interval`` seconds."""
    now = time.time()
    with inst.db.transaction() as tx:
        return leases.claim(tx, "recheck-round", "all", holder, until=now + interval, now=now)


def resume_loop(inst: Installation, interval: float, stop: threading.Event) -> None:
    """Resume the interrupted offers now, then every ``interval`` seconds until ``stop``."""
    since = inst.stamp()  # what was in flight before this moment has lost its worker
    while not stop.is_set():
        try:
            resume_due(inst, since)
        except Exception:  # the job must outlive one bad run (a database hiccup)
            log.exception("background resume of offers failed")
        if stop.wait(interval):
            return


@contextmanager
def _while_up(
    name: str, interval: float, loop: Callable[[float, threading.Event], None]
) -> Iterator[None]:
    """``loop(interval, stop)`` runs on a daemon thread inside the ``with`` (when the interval
    is above 0), and is stopped and joined on the way out."""
    stop = threading.Event()
    thread = None
    if interval > 0:
        thread = threading.Thread(target=loop, args=(interval, stop), name=name, daemon=True)
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=10)


def rechecking(inst: Installation) -> AbstractContextManager[None]:
    """The re-check thread, while the ``with`` lasts."""
    return _while_up("wallet-recheck", inst.settings.recheck_interval, partial(recheck_loop, inst))


def resuming(inst: Installation) -> AbstractContextManager[None]:
    """The resume thread, while the ``with`` lasts."""
    return _while_up("wallet-resume", inst.settings.resume_interval, partial(resume_loop, inst))
