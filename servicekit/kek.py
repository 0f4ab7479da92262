"""A service's key-encryption key (KEK): where it comes from, sealing at start, rotation.

Each service has its own KEK (:mod:`servicekit.sealing` says what it seals). ``SETTING``
below is the service's variable, e.g. ``LER_ISSUER_KEY_ENCRYPTION_KEY``; the first of
these that is set wins:

1. ``SETTING``: the key itself, 32 random bytes in base64url (43 characters);
2. ``SETTING_FILE``: a file holding it (a secret mounted by the platform);
3. ``<data dir>/key-encryption-key``, made on the first start (mode 600), so a local
   ``ler up`` needs no setting. In production the key comes from a secret store (1 or 2),
   not from a file next to the database it protects.

At every start :func:`seal_at_start` walks the service's sealed columns: a legacy plaintext
value (stored before sealing) or one sealed under an older key is (re)sealed under the
current KEK (then the tables are rewritten, :meth:`~servicekit.db.Database.scrub`, so the
old bytes leave the files too), and every other value must open, so a wrong KEK stops the
start with a :class:`~servicekit.sealing.KekError` naming the setting, never a failure in
the middle of a request.

:func:`rotate` (``ler keys rotate-kek``, the service stopped) makes a new KEK and reseals
every column under it in one transaction, the old key still opening until the commit.
A file KEK is replaced in place: the new key is first written next to it
(``<file>.next``, which a start also reads, so an interrupted rotation loses nothing) and
renamed over it after the commit. A KEK from the environment cannot be written back: the
new one is handed to ``announce`` (printed once) before anything is resealed. Sealed files
of the data folder (:func:`sealed_file`: made sealed, a legacy plain one sealed when read)
are resealed after the commit, each replaced at once by a rename. The services keep their
own secrets in the database now (:mod:`servicekit.installation_secrets`); such a file is
what an older version left, imported once (:func:`read_sealed_file`) and resealed only so
that it still opens.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from servicekit.db import Database, Tx
from servicekit.sealing import (
    Kek,
    KekError,
    KeyRing,
    SealedColumn,
    SealedFile,
    SealingError,
    is_sealed,
)

KEK_FILE = "key-encryption-key"
NEXT = ".next"


@dataclass(frozen=True)
class KekSource:
    """Where a service's KEK comes from: the setting's value, or a file."""

    setting: str  # e.g. LER_ISSUER_KEY_ENCRYPTION_KEY
    value: str | None = None  # the key itself, from the setting
    path: Path | None = None  # from SETTING_FILE, or the data dir's file
    default_file: bool = False  # path is <data dir>/key-encryption-key

    @property
    def describe(self) -> str:
        """Where the key came from, naming the setting (for error messages)."""
        if self.value is not None:
            return self.setting
        if not self.default_file:
            return f"{self.setting}_FILE ({self.path})"
        return f"{self.path} (made on first start; {self.setting} or {self.setting}_FILE sets it)"


def kek_source(setting: str, *, value: str | None, file: Path | None, data_dir: Path) -> KekSource:
    """The source the settings name: the value, else the file, else the data dir's file."""
    if value:
        return KekSource(setting, value=value)
    if file is not None:
        return KekSource(setting, path=file)
    return KekSource(setting, path=data_dir / KEK_FILE, default_file=True)


def _write_new(path: Path, kek: Kek, *, replace: bool) -> None:
    """Write a key file with mode 600 from the start (O_EXCL: never over another's file)."""
    _write_secret(path, kek.text(), replace=replace)


def _write_secret(path: Path, text: str, *, replace: bool) -> None:
    """Write ``text`` to ``path``, mode 600 from the start. A new file appears whole (written
    aside, then linked into place; FileExistsError when another process was first), so
    processes starting together on one data folder never read a half-written secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if replace:
        path.unlink(missing_ok=True)
    aside = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(aside, path)  # refuses when a file is there already
    finally:
        aside.unlink(missing_ok=True)


def _replace_secret(path: Path, text: str) -> None:
    """Replace a secret file at once (a new file, mode 600, renamed over the old one)."""
    fresh = path.with_name(path.name + ".new")
    _write_secret(fresh, text, replace=True)
    os.replace(fresh, path)


def sealed_file(data_dir: Path, file: SealedFile, ring: KeyRing, make: Callable[[], str]) -> str:
    """The plaintext of a sealed file of the data folder, made with ``make`` (and sealed)
    when missing; a legacy plaintext file, or one sealed under an older key, is resealed
    under the current one."""
    path = data_dir / file.name
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another worker made it first
            _write_secret(path, file.seal(ring, make()), replace=False)
    stored = path.read_text(encoding="utf-8").strip()
    try:
        plaintext = file.open(ring, stored)
    except SealingError as exc:
        raise type(exc)(f"{exc} (key-encryption key from {ring.source})") from None
    if not stored.startswith(f"sealed:v1:{ring.current.kid}:"):
        _replace_secret(path, file.seal(ring, plaintext))
    return plaintext


def read_sealed_file(data_dir: Path, file: SealedFile, ring: KeyRing) -> str | None:
    """The plaintext of a sealed file an older version left in the data folder (a legacy
    plain one as it is), or None when there is none: what
    :func:`servicekit.installation_secrets.keep` imports into the database."""
    try:
        stored = (data_dir / file.name).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not stored:
        return None
    try:
        return file.open(ring, stored)
    except SealingError as exc:
        raise type(exc)(f"{exc} (key-encryption key from {ring.source})") from None


def write_secret_file(path: Path, text: str) -> None:
    """Write a secret for an operator to read (mode 600 from the start), replacing at once
    any file there."""
    _replace_secret(path, text)


def _read(path: Path, source: KekSource) -> Kek:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KekError(f"{source.describe}: cannot read it: {exc.strerror}") from None
    return Kek.from_text(text, source.describe)


def load_keyring(source: KekSource) -> KeyRing:
    """The service's key ring: its KEK (the data dir's file is made on first use), and the
    key of an interrupted rotation (``<file>.next``), which still opens."""
    if source.value is not None:
        return KeyRing(Kek.from_text(source.value, source.setting), (), source.describe)
    if source.path is None:
        raise KekError(f"{source.setting}: neither a key nor a key file")
    if source.default_file and not source.path.exists():
        with contextlib.suppress(FileExistsError):  # another worker made it first
            _write_new(source.path, Kek.generate(), replace=False)
    kek = _read(source.path, source)
    pending = source.path.with_name(source.path.name + NEXT)
    old = (_read(pending, source),) if pending.exists() else ()
    return KeyRing(kek, old, source.describe)


# --- walking the sealed columns -------------------------------------------------------------


def reseal_column(tx: Tx, column: SealedColumn, ring: KeyRing, *, stale_only: bool) -> int:
    """Seal every non-NULL value of the column under ``ring.current``; with ``stale_only``,
    only legacy plaintext and values of older keys (the others must still open). Returns
    how many values were rewritten. Raises SealingError naming the row that does not open."""
    table, name, key = column.table, column.column, column.id_column
    rows = tx.all(f"SELECT {key} AS id, {name} AS value FROM {table} WHERE {name} IS NOT NULL")
    current = f"sealed:v1:{ring.current.kid}:"
    changed = 0
    for row in rows:
        row_id, stored = str(row["id"]), str(row["value"])
        try:
            plaintext = column.open(ring, row_id, stored)
        except SealingError as exc:
            raise type(exc)(f"{exc} (key-encryption key from {ring.source})") from None
        if stale_only and stored.startswith(current):
            continue
        tx.execute(
            f"UPDATE {table} SET {name} = ? WHERE {key} = ? AND {name} = ?",
            (column.seal(ring, row_id, plaintext), row["id"], stored),
        )
        changed += 1
    return changed


def seal_at_start(db: Database, columns: Sequence[SealedColumn]) -> dict[str, int]:
    """Seal legacy plaintext values under the database's key ring and check that every
    sealed one opens; returns the values (re)sealed per ``table.column``."""
    if db.keyring is None:
        raise SealingError("the database was opened without a key ring")
    sealed = {}
    for column in columns:
        with db.transaction() as tx:
            sealed[f"{column.table}.{column.column}"] = reseal_column(
                tx, column, db.keyring, stale_only=True
            )
    if any(sealed.values()):  # the plaintext (or old ciphertext) must leave the files too
        db.scrub(sorted({column.table for column in columns}))
    return sealed


def sealed_under(db: Database, columns: Sequence[SealedColumn]) -> set[str]:
    """The kids of the keys the stored values are sealed under (``plaintext`` for legacy)."""
    kids = set()
    with db.transaction() as tx:
        for column in columns:
            values = tx.all(
                f"SELECT {column.column} AS value FROM {column.table} "
                f"WHERE {column.column} IS NOT NULL"
            )
            for row in values:
                stored = str(row["value"])
                kids.add(stored.split(":")[2] if is_sealed(stored) else "plaintext")
    return kids


@dataclass(frozen=True)
class Rotated:
    old_kid: str
    new: Kek
    resealed: dict[str, int]  # values per table.column
    written_to: Path | None  # the file now holding the new key; None: announced only


def rotate(
    database_url: str,
    columns: Sequence[SealedColumn],
    source: KekSource,
    announce: Callable[[Kek], None],
    files: Sequence[tuple[Path, SealedFile]] = (),
) -> Rotated:
    """Reseal every sealed column under a new KEK and put the new key where the old came
    from (see the module docstring); ``announce`` gets the new key when it cannot be written
    back (a KEK from the environment). The service must be stopped."""
    ring = load_keyring(source)
    pending = None if source.path is None else source.path.with_name(source.path.name + NEXT)
    if pending is not None and pending.exists():  # an interrupted rotation: undo it first
        db = Database.connect(database_url, keyring=ring)
        try:
            seal_at_start(db, columns)
        finally:
            db.close()
        for data_dir, file in files:
            if (data_dir / file.name).exists():
                sealed_file(data_dir, file, ring, str)
        pending.unlink()
        ring = KeyRing(ring.current, (), ring.source)
    new = Kek.generate()
    if pending is None:
        announce(new)  # before anything changes: the only copy of the key
    else:
        _write_new(pending, new, replace=True)
    rotated = ring.rotated(new)
    db = Database.connect(database_url, keyring=rotated)
    try:
        resealed = {}
        with db.transaction() as tx:  # all or nothing
            for column in columns:
                resealed[f"{column.table}.{column.column}"] = reseal_column(
                    tx, column, rotated, stale_only=False
                )
        db.scrub(sorted({column.table for column in columns}))  # no old ciphertext left
    finally:
        db.close()
    for data_dir, file in files:
        if (data_dir / file.name).exists():
            sealed_file(data_dir, file, rotated, str)
            resealed[f"file {file.name}"] = 1
    if source.path is not None and pending is not None:
        os.replace(pending, source.path)
    return Rotated(ring.current.kid, new, resealed, source.path)
