"""``ler keys rotate-kek``: a new key-encryption key for a service's sealed secrets.

For each service asked (all three by default; one whose SQLite file does not exist is
skipped), :func:`servicekit.kek.rotate` reseals every column of ``<service>/store/sealed.py``
under a new KEK in one transaction, after the service's migrations (as its start applies
them: a database of an older version gets the tables this version seals). A KEK kept in a
file (``<data>/key-encryption-key``, or
``LER_<SERVICE>_KEY_ENCRYPTION_KEY_FILE``) is replaced in that file; one given in
``LER_<SERVICE>_KEY_ENCRYPTION_KEY`` is printed once, before anything changes, to be put
in the service's secret store before its next start. Stop the service first: a running one
still holds the old key.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
from pathlib import Path
from typing import Any

from ler.errors import EXIT_PASS, UsageError
from servicekit.db import Database
from servicekit.kek import rotate
from servicekit.sealing import Kek, SealingError

SERVICES = ("issuer", "wallet", "verifier")


def _settings(service: str, data_dir: str | None) -> Any:
    settings = importlib.import_module(f"{service}.settings").Settings.from_env()
    if data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=Path(data_dir) / service)
    return settings


def _sqlite_missing(url: str) -> bool:
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


def migrated(service: str, database_url: str) -> None:
    """Apply the service's migrations first (as its start would), so that a database of an
    older version has every sealed column this version walks (``installation_secrets``)."""
    db = Database.connect(database_url)
    try:
        importlib.import_module(f"{service}.migrations").migrate(db)
    finally:
        db.close()


def rotate_service(service: str, data_dir: str | None) -> str:
    """Rotate one service's KEK; returns the line to print."""
    settings = _settings(service, data_dir)
    if _sqlite_missing(settings.database):
        return f"{service}: no database at {settings.database.removeprefix('sqlite:///')}, skipped"
    migrated(service, settings.database)
    sealed = importlib.import_module(f"{service}.store.sealed")
    files = [(settings.data_dir, file) for file in getattr(sealed, "SEALED_FILES", ())]
    source = settings.kek_source

    def announce(kek: Kek) -> None:
        print(f"{service}: the new key-encryption key, shown once: {kek.text()}")
        print(f"{service}: set {source.setting} to it before the service starts again")

    try:
        done = rotate(settings.database, sealed.SEALED, source, announce, files)
    except SealingError as exc:
        raise UsageError(f"{service}: {exc}; nothing was changed") from None
    except OSError as exc:
        raise UsageError(f"{service}: {exc}") from None
    where = f"in {done.written_to}" if done.written_to else f"to go in {source.setting}"
    count = sum(done.resealed.values())
    return (
        f"{service}: {count} sealed values now under key {done.new.kid} (was {done.old_kid}); "
        f"the new key is {where}"
    )


def cmd_rotate_kek(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or os.environ.get("LER_DATA_DIR") or None
    for service in [args.service] if args.service else SERVICES:
        print(rotate_service(service, data_dir))
    return EXIT_PASS


def add_parser(keys: Any) -> None:
    """``rotate-kek`` under ``ler keys``."""
    rotate_kek = keys.add_parser(
        "rotate-kek",
        help="reseal a service's private keys and secrets under a new key-encryption key "
        "(stop the service first)",
    )
    rotate_kek.add_argument("--service", choices=SERVICES, help="only this one (default: all)")
    rotate_kek.add_argument("--data-dir", help="the data folder (default: $LER_DATA_DIR, else var)")
    rotate_kek.set_defaults(run=cmd_rotate_kek)
