"""Bitstring Status List v1.0 and StatusList2021: encoding, spec examples, check_entry."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.paths import VECTORS
from vckit.errors import (
    InputError,
    StatusIndexError,
    StatusListFormatError,
    StatusPurposeError,
)
from vckit.jsonld import expansion as jsonld
from vckit.status.status_list import (
    MIN_BITS,
    StatusList,
    check_entry,
    gzip_compress,
    status_list_credential,
    status_list_entry,
)

VECTORS = VECTORS / "status-list"
LIST_URL = "https://example.com/credentials/status/3"
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return data


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def list_credential(bits: StatusList, purpose: Any = "revocation") -> dict[str, Any]:
    credential = status_list_credential(
        LIST_URL, "did:example:12345", bits, valid_from=NOW, purpose="revocation"
    )
    credential["credentialSubject"]["statusPurpose"] = purpose
    return credential


def entry(index: int | str, purpose: str = "revocation", **extra: Any) -> dict[str, Any]:
    made = status_list_entry(LIST_URL, 0, purpose="revocation")
    made.update(statusListIndex=str(index), statusPurpose=purpose, **extra)
    return made


# --- the bitstring ------------------------------------------------------------------------


def test_new_list_encodes_to_the_spec_example_byte_for_byte() -> None:
    """§2.2 example encodedList = GZIP(16 KiB of zeros); our GZIP framing is fixed (MTIME 0,
    OS 3, deflate level 6) so the text is identical (needs zlib's deflate, not zlib-ng)."""
    spec = load("bitstring-list-credential.json")["credentialSubject"]["encodedList"]
    assert StatusList.new().encode() == spec
    assert StatusList.new().encode("statuslist2021") == spec[1:]


def test_spec_example_decodes_to_131072_clear_bits() -> None:
    spec = load("bitstring-list-credential.json")["credentialSubject"]["encodedList"]
    bits = StatusList.decode(spec)
    assert len(bits) == MIN_BITS == 131_072
    assert bits.to_bytes() == bytes(16_384)


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [(0, 0, 0x80), (7, 0, 0x01), (8, 1, 0x80), (131_071, 16_383, 0x01)],
    ids=["index-0-is-left-most-bit", "index-7", "index-8-next-byte", "last-index"],
)
def test_bit_order_index_zero_is_the_left_most_bit(index: int, byte: int, value: int) -> None:
    """§5.1: index 0 is the left-most (most significant) bit of the first byte."""
    bits = StatusList.new()
    bits.set(index)
    raw = bits.to_bytes()
    assert raw[byte] == value
    assert sum(raw) == value
    assert bits.get(index) is True


def test_set_get_round_trip_through_encoding() -> None:
    indexes = [0, 1, 94_567, 131_071]
    bits = StatusList.new()
    for index in indexes:
        bits.set(index)
    bits.set(1, False)
    for flavor in ("bitstring", "statuslist2021"):
        again = StatusList.decode(bits.encode(flavor), flavor)  # type: ignore[arg-type]
        assert [i for i in range(MIN_BITS) if again.get(i)] == [0, 94_567, 131_071]


def test_encoding_is_multibase_base64url_of_gzip() -> None:
    bits = StatusList.new()
    bits.set(3)
    text = bits.encode()
    assert text.startswith("u") and "=" not in text
    raw = base64.urlsafe_b64decode(text[1:] + "=" * (-len(text[1:]) % 4))
    assert gzip.decompress(raw) == bits.to_bytes()


@pytest.mark.parametrize("index", [-1, MIN_BITS, True], ids=["negative", "one-past-end", "bool"])
def test_index_out_of_range(index: Any) -> None:
    bits = StatusList.new()
    with pytest.raises(StatusIndexError):
        bits.get(index)
    with pytest.raises(StatusIndexError):
        bits.set(index)


@pytest.mark.parametrize("length", [MIN_BITS - 8, MIN_BITS + 1], ids=["too-short", "not-bytes"])
def test_new_refuses_bad_lengths(length: int) -> None:
    with pytest.raises(InputError):
        StatusList.new(length)


# --- decoding failures --------------------------------------------------------------------

ZEROS = gzip_compress(bytes(16_384))


@pytest.mark.parametrize(
    ("encoded", "flavor", "needle"),
    [
        ("z" + b64url(ZEROS), "bitstring", "prefix 'u'"),
        (b64url(ZEROS), "bitstring", "prefix 'u'"),
        ("", "bitstring", "prefix 'u'"),
        ("u" + b64url(ZEROS)[:-4] + "+/==", "bitstring", "not base64url"),
        ("u!!!!", "bitstring", "not base64url"),
        ("u" + b64url(b"not gzip at all"), "bitstring", "not valid GZIP"),
        ("u" + b64url(ZEROS[:-12]), "bitstring", "truncated"),
        ("u" + b64url(ZEROS + b"junk"), "bitstring", "after the GZIP member"),
        ("u" + b64url(gzip_compress(bytes(8_192))), "bitstring", "at least 131072"),
        ("u" + b64url(ZEROS), "statuslist2021", "encodedList is not"),
        (b64url(ZEROS) + "*", "statuslist2021", "not base64url"),
    ],
    ids=[
        "wrong-multibase-prefix-z",
        "no-multibase-prefix",
        "empty",
        "base64-not-base64url",
        "not-base64",
        "not-gzip",
        "truncated-gzip",
        "trailing-data",
        "shorter-than-16KB",
        "2021-with-multibase-prefix",
        "2021-not-base64",
    ],
)
def test_decode_refuses(encoded: str, flavor: Any, needle: str) -> None:
    with pytest.raises(StatusListFormatError, match=needle):
        StatusList.decode(encoded, flavor)


def test_gzip_bomb_is_refused_without_expanding_it() -> None:
    """17 MiB of zeros compresses to ~17 KB; expansion stops at the 16 MiB bound."""
    bomb = "u" + b64url(gzip_compress(bytes(17 * 1024 * 1024)))
    assert len(bomb) < 40_000
    with pytest.raises(StatusListFormatError, match="more than 16777216 bytes"):
        StatusList.decode(bomb)
    with pytest.raises(StatusListFormatError, match="more than 16383 bytes"):
        StatusList.decode(StatusList.new().encode(), max_bytes=16_383)
    assert len(StatusList.decode(StatusList.new().encode(), max_bytes=16_384)) == MIN_BITS


def test_statuslist2021_tolerates_padding() -> None:
    bits = StatusList.new()
    bits.set(14)  # an encoding whose length is not a multiple of 4
    text = bits.encode("statuslist2021")
    padded = text + "=" * (-len(text) % 4)
    assert padded != text
    assert StatusList.decode(padded, "statuslist2021").get(14) is True
    with pytest.raises(StatusListFormatError):
        StatusList.decode("u" + padded)  # VC 2.0 Bitstring: no padding


# --- check_entry --------------------------------------------------------------------------


def test_spec_example_entry_is_not_revoked() -> None:
    result = check_entry(load("bitstring-entry.json"), load("bitstring-list-credential.json"))
    assert (result.purpose, result.index, result.is_set) == ("revocation", 94_567, False)


def test_statuslist2021_example_entry_is_not_revoked() -> None:
    result = check_entry(
        load("statuslist2021-entry.json"), load("statuslist2021-list-credential.json")
    )
    assert (result.purpose, result.index, result.is_set) == ("revocation", 94_567, False)


@pytest.mark.parametrize("index", [0, 94_567, MIN_BITS - 1], ids=["first", "middle", "last"])
def test_revoked_index_is_set_and_neighbours_are_not(index: int) -> None:
    bits = StatusList.new()
    bits.set(index)
    credential = list_credential(bits)
    assert check_entry(entry(index), credential).is_set is True
    neighbour = index + 1 if index < MIN_BITS - 1 else index - 1
    assert check_entry(entry(neighbour), credential).is_set is False


def test_index_beyond_the_list_is_a_range_error() -> None:
    with pytest.raises(StatusIndexError):
        check_entry(entry(MIN_BITS), list_credential(StatusList.new()))


def test_purpose_mismatch() -> None:
    with pytest.raises(StatusPurposeError, match="'suspension'"):
        check_entry(entry(5, "suspension"), list_credential(StatusList.new()))


def test_list_with_several_purposes_matches_any() -> None:
    credential = list_credential(StatusList.new(), ["revocation", "suspension"])
    assert check_entry(entry(5, "suspension"), credential).purpose == "suspension"


def broken(change: str) -> tuple[dict[str, Any], dict[str, Any]]:
    good_entry, good_list = entry(7), list_credential(StatusList.new())
    bad_entry, bad_list = copy.deepcopy(good_entry), copy.deepcopy(good_list)
    subject = bad_list["credentialSubject"]
    changes = {
        "index-not-a-string": lambda: bad_entry.update(statusListIndex=7),
        "index-negative": lambda: bad_entry.update(statusListIndex="-7"),
        "index-hex": lambda: bad_entry.update(statusListIndex="0x07"),
        "no-purpose": lambda: bad_entry.pop("statusPurpose"),
        "status-size-2": lambda: bad_entry.update(statusSize=2),
        "not-a-status-list-entry": lambda: bad_entry.update(type="1EdTechRevocationList"),
        "list-url-not-a-url": lambda: bad_entry.update(statusListCredential="status/3"),
        "wrong-list-credential-type": lambda: bad_list.update(
            type=["VerifiableCredential", "StatusList2021Credential"]
        ),
        "list-credential-id-differs": lambda: bad_list.update(id=LIST_URL + "0"),
        "list-credential-id-missing": lambda: bad_list.pop("id"),
        "index-13-digits": lambda: bad_entry.update(statusListIndex="1" * 13),
        "index-5000-digits": lambda: bad_entry.update(statusListIndex="9" * 5000),
        "index-with-newline": lambda: bad_entry.update(statusListIndex="7\n"),
        "wrong-subject-type": lambda: subject.update(type="StatusList2021"),
        "no-encoded-list": lambda: subject.pop("encodedList"),
        "encoded-list-not-a-string": lambda: subject.update(encodedList=["u"]),
    }
    changes[change]()
    return bad_entry, bad_list


@pytest.mark.parametrize(
    "change",
    [
        "index-not-a-string",
        "index-negative",
        "index-hex",
        "no-purpose",
        "status-size-2",
        "not-a-status-list-entry",
        "list-url-not-a-url",
        "wrong-list-credential-type",
        "list-credential-id-differs",
        "list-credential-id-missing",
        "index-13-digits",
        "index-5000-digits",
        "index-with-newline",
        "wrong-subject-type",
        "no-encoded-list",
        "encoded-list-not-a-string",
    ],
)
def test_malformed_entry_or_list_is_refused(change: str) -> None:
    bad_entry, bad_list = broken(change)
    with pytest.raises(StatusListFormatError):
        check_entry(bad_entry, bad_list)


def test_list_credential_without_id_matches_no_entry() -> None:
    """A list credential with no ``id`` cannot be tied to the entry's URL: refused, by name."""
    bad_entry, bad_list = broken("list-credential-id-missing")
    with pytest.raises(StatusListFormatError, match="has no id"):
        check_entry(bad_entry, bad_list)


def test_twelve_digit_index_is_read_and_thirteen_are_refused() -> None:
    """A 12-digit index is well-formed (and beyond this list: a range error, not a format
    error); 13 digits are refused before ``int()``."""
    credential = list_credential(StatusList.new())
    with pytest.raises(StatusIndexError):
        check_entry(entry(7) | {"statusListIndex": "9" * 12}, credential)
    with pytest.raises(StatusListFormatError, match="at most 12 digits"):
        check_entry(entry(7) | {"statusListIndex": "9" * 13}, credential)


def test_status_message_of_a_message_entry() -> None:
    """§2.1 statusMessage: with statusSize 1 the entry may name the two values."""
    bits = StatusList.new()
    bits.set(9)
    credential = list_credential(bits, "message")
    messages = [{"status": "0x0", "message": "pending"}, {"status": "0x1", "message": "accepted"}]
    made = entry(9, "message", statusSize=1, statusMessage=messages)
    assert check_entry(made, credential).message == "accepted"
    assert check_entry(entry(8, "message", statusMessage=messages), credential).message == (
        "pending"
    )


# --- builders -----------------------------------------------------------------------------


def test_entry_builder() -> None:
    made = status_list_entry(LIST_URL, 42, purpose="suspension")
    assert made == {
        "id": LIST_URL + "#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(InputError):
        status_list_entry(LIST_URL, -1)
    with pytest.raises(InputError):
        status_list_entry(LIST_URL, 1, id=LIST_URL)
    with pytest.raises(InputError):
        status_list_entry(LIST_URL, 1, purpose="message")


@pytest.mark.parametrize("flavor", ["bitstring", "statuslist2021"])
def test_list_credential_builder_has_only_defined_terms(flavor: Any) -> None:
    bits = StatusList.new()
    bits.set(1)
    credential = status_list_credential(
        LIST_URL, "did:example:12345", bits, valid_from=NOW, flavor=flavor
    )
    jsonld.expand(credential)  # raises on an undefined term or relative IRI
    made = status_list_entry(LIST_URL, 1, flavor=flavor)
    assert check_entry(made, credential).is_set is True
    date_key = "validFrom" if flavor == "bitstring" else "issuanceDate"
    assert credential[date_key] == "2025-01-02T03:04:05Z"
