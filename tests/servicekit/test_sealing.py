"""Sealed columns (servicekit.sealing) and the key-encryption key's life (servicekit.kek):
round trip, tampering and moving refused, legacy plaintext sealed at start, a wrong key
stopping the start with the setting named, rotation."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from servicekit.db import Database
from servicekit.kek import (
    KEK_FILE,
    kek_source,
    load_keyring,
    rotate,
    seal_at_start,
    sealed_under,
)
from servicekit.sealing import Kek, KekError, KeyRing, SealedColumn, SealingError, is_sealed

SECRETS = SealedColumn("secrets", "value", "id")
SETTING = "LER_TEST_KEY_ENCRYPTION_KEY"
PLAIN = '{"kty":"OKP","crv":"Ed25519","d":"private-part","x":"public-part"}'


def ring() -> KeyRing:
    return KeyRing(Kek.generate(), source=SETTING)


def test_a_sealed_value_opens_to_what_was_sealed() -> None:
    keys = ring()
    stored = SECRETS.seal(keys, "row-1", PLAIN)
    assert is_sealed(stored) and stored.startswith(f"sealed:v1:{keys.current.kid}:")
    assert "private-part" not in stored
    assert SECRETS.open(keys, "row-1", stored) == PLAIN
    assert SECRETS.seal(keys, "row-1", PLAIN) != stored  # a fresh nonce each time


def _flip(text: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize(("part", "index"), [(3, 0), (4, 0), (4, 20), (4, -1)])
def test_a_tampered_value_is_refused(part: int, index: int) -> None:
    """One bit flipped in the nonce, the ciphertext or the tag."""
    keys = ring()
    parts = SECRETS.seal(keys, "row-1", PLAIN).split(":")
    parts[part] = _flip(parts[part], index)
    with pytest.raises(SealingError, match="does not open"):
        SECRETS.open(keys, "row-1", ":".join(parts))


def test_a_value_moved_to_another_row_or_column_is_refused() -> None:
    keys = ring()
    stored = SECRETS.seal(keys, "row-1", PLAIN)
    with pytest.raises(SealingError, match="moved"):
        SECRETS.open(keys, "row-2", stored)
    with pytest.raises(SealingError, match="moved"):
        SealedColumn("secrets", "other", "id").open(keys, "row-1", stored)


def test_a_value_sealed_under_another_key_names_the_setting() -> None:
    stored = SECRETS.seal(ring(), "row-1", PLAIN)
    with pytest.raises(KekError, match=SETTING):
        SECRETS.open(ring(), "row-1", stored)


def test_an_old_key_of_the_ring_still_opens() -> None:
    old = ring()
    stored = SECRETS.seal(old, "row-1", PLAIN)
    new = old.rotated(Kek.generate())
    assert SECRETS.open(new, "row-1", stored) == PLAIN
    assert SECRETS.seal(new, "row-1", PLAIN).startswith(f"sealed:v1:{new.current.kid}:")


def test_legacy_plaintext_is_read_as_it_is() -> None:
    assert SECRETS.open(ring(), "row-1", PLAIN) == PLAIN


@pytest.mark.parametrize(
    "text",
    ["", "short", "A" * 42, "A" * 44, "+" * 43, "é" * 43, base64.b64encode(b"x" * 31).decode()],
)
def test_a_malformed_key_is_refused_naming_where_it_came_from(text: str) -> None:
    with pytest.raises(KekError, match=SETTING):
        Kek.from_text(text, SETTING)


def test_a_key_never_shows_in_its_repr() -> None:
    kek = Kek.generate()
    assert kek.text() not in repr(kek) and kek.kid in repr(kek)
    assert Kek.from_text(kek.text(), SETTING) == kek
    assert Kek.from_text(kek.text() + "=", SETTING) == kek


# --- the key's source and the walk over a database ------------------------------------------


def database(path: Path, keys: KeyRing) -> Database:
    db = Database.connect(f"sqlite:///{path / 'test.db'}", keyring=keys)
    with db.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS secrets (id TEXT PRIMARY KEY, value TEXT)")
    return db


def test_the_data_dir_key_is_made_once_with_mode_600(tmp_path: Path) -> None:
    source = kek_source(SETTING, value=None, file=None, data_dir=tmp_path / "data")
    first = load_keyring(source)
    assert (tmp_path / "data" / KEK_FILE).stat().st_mode & 0o777 == 0o600
    assert load_keyring(source).current == first.current
    assert SETTING in first.source  # the error messages say how to set another


def test_the_setting_wins_over_the_file_and_the_data_dir(tmp_path: Path) -> None:
    kek, other = Kek.generate(), Kek.generate()
    (tmp_path / "kek").write_text(other.text())
    by_value = kek_source(SETTING, value=kek.text(), file=tmp_path / "kek", data_dir=tmp_path)
    assert load_keyring(by_value).current == kek
    by_file = kek_source(SETTING, value=None, file=tmp_path / "kek", data_dir=tmp_path)
    assert load_keyring(by_file).current == other
    assert not (tmp_path / KEK_FILE).exists()


def test_a_missing_key_file_is_a_clear_error(tmp_path: Path) -> None:
    source = kek_source(SETTING, value=None, file=tmp_path / "absent", data_dir=tmp_path)
    with pytest.raises(KekError, match=f"{SETTING}_FILE"):
        load_keyring(source)


def test_legacy_plaintext_rows_are_sealed_at_start_and_nulls_left(tmp_path: Path) -> None:
    keys = ring()
    db = database(tmp_path, keys)
    with db.transaction() as tx:
        tx.execute("INSERT INTO secrets VALUES ('a', ?), ('b', NULL)", (PLAIN,))
        tx.execute("INSERT INTO secrets VALUES ('c', ?)", (SECRETS.seal(keys, "c", "sealed"),))
    assert seal_at_start(db, [SECRETS]) == {"secrets.value": 1}
    with db.transaction() as tx:
        rows = {r["id"]: r["value"] for r in tx.all("SELECT * FROM secrets")}
    assert rows["b"] is None
    assert is_sealed(rows["a"]) and SECRETS.open(keys, "a", rows["a"]) == PLAIN
    assert SECRETS.open(keys, "c", rows["c"]) == "sealed"
    assert seal_at_start(db, [SECRETS]) == {"secrets.value": 0}  # idempotent
    db.close()
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("test.db*"))
    assert b"private-part" not in on_disk  # not in freed pages or the write-ahead log either


def test_a_wrong_key_stops_the_start_naming_the_setting(tmp_path: Path) -> None:
    db = database(tmp_path, ring())
    with db.transaction() as tx:
        tx.execute("INSERT INTO secrets VALUES ('a', ?)", (PLAIN,))
    seal_at_start(db, [SECRETS])
    db.close()
    wrong = database(tmp_path, ring())
    with pytest.raises(KekError, match=f"secrets.value.*{SETTING}"):
        seal_at_start(wrong, [SECRETS])
    wrong.close()


def test_rotation_reseals_everything_and_the_old_key_opens_nothing(tmp_path: Path) -> None:
    source = kek_source(SETTING, value=None, file=None, data_dir=tmp_path)
    old = load_keyring(source)
    db = database(tmp_path, old)
    with db.transaction() as tx:
        for n in range(5):
            tx.execute(
                "INSERT INTO secrets VALUES (?, ?)", (f"r{n}", SECRETS.seal(old, f"r{n}", PLAIN))
            )
        tx.execute("INSERT INTO secrets VALUES ('empty', NULL)")
    db.close()
    announced: list[Kek] = []
    done = rotate(db.url, [SECRETS], source, announced.append)
    assert announced == []  # a file key is written back, never printed
    assert done.written_to == tmp_path / KEK_FILE and done.resealed == {"secrets.value": 5}
    new = load_keyring(source)
    assert new.current == done.new and new.current != old.current and new.old == ()
    assert (tmp_path / KEK_FILE).stat().st_mode & 0o777 == 0o600
    again = database(tmp_path, new)
    assert sealed_under(again, [SECRETS]) == {new.current.kid}
    assert seal_at_start(again, [SECRETS]) == {"secrets.value": 0}
    with again.transaction() as tx:
        rows = tx.all("SELECT * FROM secrets WHERE value IS NOT NULL")
    for row in rows:
        assert SECRETS.open(new, row["id"], row["value"]) == PLAIN
        with pytest.raises(KekError):
            SECRETS.open(old, row["id"], row["value"])
    again.close()


def test_rotating_a_key_from_the_environment_announces_it_first(tmp_path: Path) -> None:
    kek = Kek.generate()
    source = kek_source(SETTING, value=kek.text(), file=None, data_dir=tmp_path)
    db = database(tmp_path, load_keyring(source))
    with db.transaction() as tx:
        tx.execute("INSERT INTO secrets VALUES ('a', ?)", (PLAIN,))  # legacy: sealed too
    db.close()
    announced: list[Kek] = []
    done = rotate(db.url, [SECRETS], source, announced.append)
    assert announced == [done.new] and done.written_to is None
    assert not (tmp_path / KEK_FILE).exists()
    after = database(tmp_path, KeyRing(done.new))
    assert sealed_under(after, [SECRETS]) == {done.new.kid}
    after.close()


def test_an_interrupted_rotation_loses_nothing(tmp_path: Path) -> None:
    """The new key is written to <file>.next before the reseal commits; a start reads it."""
    source = kek_source(SETTING, value=None, file=None, data_dir=tmp_path)
    old = load_keyring(source)
    pending = Kek.generate()
    (tmp_path / (KEK_FILE + ".next")).write_text(pending.text())
    db = database(tmp_path, KeyRing(pending))  # the reseal committed, the rename did not
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO secrets VALUES ('a', ?)", (SECRETS.seal(KeyRing(pending), "a", PLAIN),)
        )
    db.close()
    ring_now = load_keyring(source)
    assert ring_now.current == old.current and ring_now.old == (pending,)
    started = database(tmp_path, ring_now)
    assert seal_at_start(started, [SECRETS]) == {"secrets.value": 1}  # back under the file key
    started.close()
    done = rotate(started.url, [SECRETS], source, lambda kek: None)
    assert not (tmp_path / (KEK_FILE + ".next")).exists()
    final = database(tmp_path, load_keyring(source))
    assert sealed_under(final, [SECRETS]) == {done.new.kid}
    final.close()


def test_sealing_at_start_and_rotation_on_either_database(
    tmp_path: Path, database_url: str
) -> None:
    """The walk, the rewrite of the tables (VACUUM / VACUUM FULL) and the rotation's one
    transaction, on SQLite and on PostgreSQL."""
    source = kek_source(SETTING, value=None, file=None, data_dir=tmp_path)
    keys = load_keyring(source)
    db = Database.connect(database_url, keyring=keys)
    with db.transaction() as tx:
        tx.execute("CREATE TABLE secrets (id TEXT PRIMARY KEY, value TEXT)")
        tx.execute("INSERT INTO secrets VALUES ('a', ?), ('b', NULL)", (PLAIN,))
    assert seal_at_start(db, [SECRETS]) == {"secrets.value": 1}
    assert sealed_under(db, [SECRETS]) == {keys.current.kid}
    db.close()
    done = rotate(database_url, [SECRETS], source, lambda kek: None)
    assert done.resealed == {"secrets.value": 1}
    again = Database.connect(database_url, keyring=load_keyring(source))
    assert sealed_under(again, [SECRETS]) == {done.new.kid}
    with again.transaction() as tx:
        row = tx.one("SELECT value FROM secrets WHERE id = 'a'")
    assert row is not None and again.keyring is not None
    assert SECRETS.open(again.keyring, "a", row["value"]) == PLAIN
    again.close()
