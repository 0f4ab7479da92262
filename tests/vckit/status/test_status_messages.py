"""Bitstring Status List v1.0 §2.1 multi-bit entries: ``statusSize``, ``statusMessage``,
``statusReference`` and the ``message`` purpose, written and read (§3.2 validate algorithm:
"the position indicated by the credentialIndex multiplied by the size"; "If the statusPurpose
is message, set the message key in result to the corresponding message")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from vckit.errors import InputError, StatusIndexError, StatusListFormatError
from vckit.jsonld import expansion as jsonld
from vckit.status.status_list import (
    MIN_BITS,
    StatusList,
    check_entry,
    status_list_credential,
    status_list_entry,
)
from vckit.verification.content import status as status_check

LIST_URL = "https://example.com/credentials/status/8"
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
ISSUER = "did:example:12345"
# the spec's "more complex entries" example (§2.1), completed to the four values of 2 bits
MESSAGES = [
    {"status": "0x0", "message": "pending_review"},
    {"status": "0x1", "message": "accepted"},
    {"status": "0x2", "message": "rejected"},
    {"status": "0x3", "message": "undefined"},
]
REFERENCE = "https://example.org/status-dictionary/"


def message_entry(index: int = 492, **changes: Any) -> dict[str, Any]:
    entry = status_list_entry(
        LIST_URL, index, purpose="message", size=2, messages=MESSAGES, reference=REFERENCE
    )
    entry.update(changes)
    return entry


def message_list(values: dict[int, int], size: int = 2, bits: int = 2 * MIN_BITS) -> Any:
    status_list = StatusList.new(bits)
    for index, value in values.items():
        status_list.set_value(index, size, value)
    return status_list_credential(LIST_URL, ISSUER, status_list, valid_from=NOW, purpose="message")


def test_the_entry_is_the_spec_example_shape() -> None:
    entry = message_entry()
    assert entry == {
        "id": f"{LIST_URL}#492",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "492",
        "statusListCredential": LIST_URL,
        "statusSize": 2,
        "statusMessage": MESSAGES,
        "statusReference": REFERENCE,
    }
    # every term is defined by the VC 2.0 context: nothing is dropped when expanded
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": "did:example:6789"},
        "credentialStatus": entry,
    }
    expanded = str(jsonld.expand(credential))  # strict: a dropped term raises
    for term in ("statusSize", "statusMessage", "statusReference", "message"):
        assert f"https://www.w3.org/ns/credentials/status#{term}" in expanded


def test_a_two_bit_status_is_read_with_its_message() -> None:
    result = check_entry(message_entry(), message_list({492: 2, 491: 3, 493: 1}))
    assert (result.purpose, result.index, result.size, result.value) == ("message", 492, 2, 2)
    assert result.is_set and result.message == "rejected"
    assert result.references == (REFERENCE,)
    zero = check_entry(message_entry(7), message_list({492: 2}))
    assert zero.value == 0 and not zero.is_set and zero.message == "pending_review"


def test_values_are_written_first_bit_most_significant() -> None:
    status_list = StatusList.new()
    status_list.set_value(3, 2, 0b10)  # bits 6 and 7
    assert [status_list.get(i) for i in range(6, 8)] == [True, False]
    assert status_list.get_value(3, 2) == 2 and status_list.get_value(2, 2) == 0
    status_list.set_value(3, 2, 0b01)
    assert status_list.get_value(3, 2) == 1
    with pytest.raises(InputError):
        status_list.set_value(3, 2, 4)
    with pytest.raises(StatusIndexError):
        status_list.get_value(MIN_BITS // 2, 2)  # (index + 1) * size runs past the end


def test_the_verifier_reports_the_message_and_does_not_fail_on_it() -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": "did:example:6789"},
        "credentialStatus": message_entry(),
    }
    check = status_check(credential, lambda url: message_list({492: 1}))
    assert check.status == "pass", check
    assert "message status 0x1" in check.detail and ": accepted" in check.detail
    assert REFERENCE in check.detail


def test_the_list_must_hold_131072_entries_of_statusSize_bits() -> None:
    # §3.2: "If the length of the revocation bitstring divided by statusSize is less than
    # minimumNumberOfEntries, raise a STATUS_LIST_LENGTH_ERROR"
    with pytest.raises(StatusListFormatError, match="at least"):
        check_entry(message_entry(), message_list({}, bits=MIN_BITS))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"statusSize": 0}, "greater than zero"),
        ({"statusSize": "2"}, "greater than zero"),
        ({"statusSize": True}, "greater than zero"),
        ({"statusSize": 9}, "not supported"),
        ({"statusMessage": MESSAGES[:2]}, "needs 4"),
        ({"statusMessage": "rejected"}, "array"),
        ({"statusMessage": [*MESSAGES[:3], {"status": "0x3"}]}, "message must be a string"),
        ({"statusMessage": [*MESSAGES[:3], {"status": "3", "message": "x"}]}, "hexadecimal"),
        ({"statusMessage": [*MESSAGES[:3], {"status": "0x2", "message": "x"}]}, "repeated"),
        ({"statusReference": 5}, "URL"),
        ({"statusReference": ["not a url"]}, "URL"),
        ({"statusReference": []}, "URL"),
    ],
    ids=[
        "size-zero",
        "size-string",
        "size-boolean",
        "size-too-large",
        "too-few-messages",
        "messages-not-array",
        "message-missing",
        "status-not-hex",
        "status-repeated",
        "reference-number",
        "reference-not-url",
        "reference-empty",
    ],
)
def test_malformed_values_are_malformed_value_errors(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(StatusListFormatError, match=words):
        check_entry(message_entry(**changes), message_list({492: 1}))


def test_a_size_above_one_needs_its_messages() -> None:
    entry = message_entry()
    del entry["statusMessage"]
    with pytest.raises(StatusListFormatError, match="statusMessage MUST be present"):
        check_entry(entry, message_list({}))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"purpose": "message"},  # the message purpose commits to its messages
        {"size": 2, "messages": MESSAGES[:2]},
        {"size": 2, "messages": MESSAGES, "flavor": "statuslist2021"},
        {"reference": "no url"},
    ],
    ids=["message-without-messages", "wrong-count", "statuslist2021", "bad-reference"],
)
def test_the_builder_refuses_what_a_verifier_would(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        status_list_entry(LIST_URL, 1, **kwargs)


def test_one_bit_entries_are_unchanged() -> None:
    entry = status_list_entry(LIST_URL, 5)
    assert "statusSize" not in entry and "statusMessage" not in entry
    bits = StatusList.new()
    bits.set(5)
    listed = status_list_credential(LIST_URL, ISSUER, bits, valid_from=NOW)
    result = check_entry(entry, listed)
    assert result.is_set and result.value == 1 and result.size == 1 and result.message is None
