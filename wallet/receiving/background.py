"""The background jobs, each a daemon thread while the app is up (``app.py`` runs them for the
app's lifetime)::

    with background.rechecking(inst), background.resuming(inst):
        ...  # the app serves

* the re-check re-verifies the credentials due (:func:`wallet.receiving.check.recheck_due`)
  every ``settings.recheck_interval`` seconds (0 turns the job off);
* the resume job goes on with the credential offers a restart interrupted
  (:func:`wallet.receiving.progress.resume_due`): at once when the app starts, then every
  ``settings.resume_interval`` seconds (0 turns the job off).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from wallet.installation import Installation
from wallet.receiving.check import recheck_due
from wallet.receiving.progress import resume_due

log = logging.getLogger(__name__)


def recheck_loop(inst: Installation, interval: float, stop: threading.Event) -> None:
    """Every ``interval`` seconds, re-verify the credentials due until ``stop`` is set. A
    failing run is logged and the loop goes on."""
    while not stop.wait(interval):
        try:
            recheck_due(inst, every=timedelta(seconds=interval))
        except Exception:  # the job must outlive one bad run (a database hiccup)
            log.exception("background re-check failed")


@contextmanager
def rechecking(inst: Installation) -> Iterator[None]:
    """The re-check thread runs inside the ``with`` (when the interval is above 0), and is
    stopped and joined on the way out."""
    interval = inst.settings.recheck_interval
    stop = threading.Event()
    thread = None
    if interval > 0:
        thread = threading.Thread(
            target=recheck_loop, args=(inst, interval, stop), name="wallet-recheck", daemon=True
        )
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=10)


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
def resuming(inst: Installation) -> Iterator[None]:
    """The resume thread runs inside the ``with`` (when the interval is above 0), and is
    stopped and joined on the way out."""
    interval = inst.settings.resume_interval
    stop = threading.Event()
    thread = None
    if interval > 0:
        thread = threading.Thread(
            target=resume_loop, args=(inst, interval, stop), name="wallet-resume", daemon=True
        )
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=10)
