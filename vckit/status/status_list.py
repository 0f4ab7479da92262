"""W3C Bitstring Status List v1.0, and the StatusList2021 it replaced.

Specs:

* Bitstring Status List v1.0 (W3C Recommendation, https://www.w3.org/TR/vc-bitstring-status-list/;
  text read at github.com/w3c/vc-bitstring-status-list @ 74fcae1, ``index.html``):
  §2.1 BitstringStatusListEntry, §2.2 BitstringStatusListCredential, §3.1-3.4 algorithms,
  §5.1 bitstring encoding (index 0 is the left-most bit of the first byte).
* StatusList2021 (W3C FPWD 2023-04-27, same repository, ``transitions/2023/FPWD``):
  StatusList2021Entry / StatusList2021Credential on the VC 1.1 context; ``encodedList`` is
  base64url of the GZIP bytes *without* a Multibase prefix.

Multi-bit entries (§2.1 ``statusSize``, ``statusMessage``, ``statusReference``; the
``message`` purpose): an entry of ``statusSize`` n holds the n bits from ``statusListIndex * n``
(first bit most significant), ``statusMessage`` lists one ``{"status": "0x..", "message": ..}``
per possible value (2**n of them, required when n > 1), and :func:`check_entry` returns the
value with its message. Sizes up to :data:`MAX_STATUS_SIZE` bits are read; a larger one is
refused with :class:`StatusListFormatError`, never misread. The list credential of a ``message``
list carries ``statusPurpose: "message"`` only: §2.2 also asks for ``credentialSubject.statusSize``
and ``statusMessages``, but the VC 2.0 context defines neither term for ``BitstringStatusList``
(only for the entry), so a signed list could not carry them; the entry has them.
:func:`check_entry` does not verify the status list credential's proof: the caller fetches
the list credential, verifies it, and passes it in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit.credential import types_of
from vckit.datetimes import format_xsd_datetime
from vckit.errors import InputError, StatusListFormatError, StatusPurposeError
from vckit.jsonld.contexts import STATUS_LIST_2021_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT
from vckit.status.bitstring import (
    MAX_DECOMPRESSED_BYTES,
    MIN_BITS,
    Flavor,
    StatusList,
    gzip_compress,
    gzip_decompress,
)

__all__ = [
    "ENTRY_TYPES",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_BITS",
    "Flavor",
    "StatusList",
    "StatusResult",
    "check_entry",
    "gzip_compress",
    "gzip_decompress",
    "status_list_credential",
    "status_list_entry",
]

ENTRY_TYPES = frozenset({"BitstringStatusListEntry", "StatusList2021Entry"})
_NAMES: dict[Flavor, tuple[str, str, str]] = {
    # entry type, list credential type, list (credential subject) type
    "bitstring": (
        "BitstringStatusListEntry",
        "BitstringStatusListCredential",
        "BitstringStatusList",
    ),
    "statuslist2021": ("StatusList2021Entry", "StatusList2021Credential", "StatusList2021"),
}
_PURPOSES = frozenset({"revocation", "suspension", "message"})
MAX_STATUS_SIZE = 8
"""The largest ``statusSize`` read or written: 256 status values, each with its message."""
_HEX = re.compile(r"0x[0-9a-fA-F]{1,16}")
MAX_INDEX_DIGITS = 12
"""statusListIndex digits read: ample for any list this module decodes (at most
``MAX_DECOMPRESSED_BYTES`` * 8 bits), and ``int()`` never sees a 5,000-digit string."""
_INDEX = re.compile(rf"[0-9]{{1,{MAX_INDEX_DIGITS}}}")


@dataclass(frozen=True)
class StatusResult:
    """§3.2 validate algorithm result: the entry's purpose, its index, and whether the bit is
    set (``is_set`` True means revoked / suspended / the ``0x1`` message)."""

    purpose: str
    index: int
    is_set: bool
    message: str | None = None
    """The entry's ``statusMessage`` text for the value (None: the entry lists none)."""
    value: int = 0
    """The status value (``is_set`` is ``value != 0``; §3.2 "valid" is ``value == 0``)."""
    size: int = 1
    """``statusSize``: the bits the value has."""
    references: tuple[str, ...] = ()
    """``statusReference`` URLs, where the meaning of the values is described."""


# --- entries and list credentials ---------------------------------------------------------


def status_list_entry(
    status_list_credential: str,
    index: int,
    *,
    purpose: str = "revocation",
    id: str | None = None,
    flavor: Flavor = "bitstring",
    size: int = 1,
    messages: Sequence[Mapping[str, Any]] | None = None,
    reference: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """§2.1 BitstringStatusListEntry (or StatusList2021Entry) for ``credentialStatus``.
    ``id`` defaults to ``<list URL>#<index>`` (it MUST NOT be the list's own URL).
    ``size``, ``messages`` and ``reference`` are ``statusSize``, ``statusMessage`` (one per
    value, required when ``size`` > 1 and for the ``message`` purpose) and ``statusReference``
    (Bitstring Status List only)."""
    _check_purpose(purpose)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InputError(f"statusListIndex must be an integer >= 0, not {index!r}")
    entry_id = id if id is not None else f"{status_list_credential}#{index}"
    if entry_id == status_list_credential:
        raise InputError("the entry id must not be the status list credential's URL")
    entry: dict[str, Any] = {
        "id": entry_id,
        "type": _NAMES[flavor][0],
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": status_list_credential,
    }
    wants_messages = messages is not None or size != 1 or purpose == "message"
    if flavor != "bitstring" and (wants_messages or reference is not None):
        raise InputError(
            "statusSize, statusMessage and statusReference are Bitstring Status List's"
        )
    if wants_messages:
        problem = _size_problem(size) or _messages_problem(messages, size)
        if problem:
            raise InputError(problem)
        if size != 1:
            entry["statusSize"] = size
        entry["statusMessage"] = [dict(item) for item in messages or ()]
    if reference is not None:
        refs = [reference] if isinstance(reference, str) else list(reference)
        problem = _references_problem(refs)
        if problem:
            raise InputError(problem)
        entry["statusReference"] = refs[0] if isinstance(reference, str) else refs
    return entry


def status_list_credential(
    id: str,
    issuer: str | Mapping[str, Any],
    status_list: StatusList,
    *,
    valid_from: datetime,
    purpose: str = "revocation",
    valid_until: datetime | None = None,
    flavor: Flavor = "bitstring",
) -> dict[str, Any]:
    """§2.2 BitstringStatusListCredential (VC 2.0), or StatusList2021Credential (VC 1.1,
    ``issuanceDate``), unsigned; the subject id is ``<id>#list``."""
    _check_purpose(purpose)
    _, credential_type, list_type = _NAMES[flavor]
    bitstring = flavor == "bitstring"
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT] if bitstring else [VC_V1_CONTEXT, STATUS_LIST_2021_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", credential_type],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        ("validFrom" if bitstring else "issuanceDate"): format_xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil" if bitstring else "expirationDate"] = format_xsd_datetime(
            valid_until
        )
    credential["credentialSubject"] = {
        "id": f"{id}#list",
        "type": list_type,
        "statusPurpose": purpose,
        "encodedList": status_list.encode(flavor),
    }
    return credential


def _check_purpose(purpose: str) -> None:
    if purpose not in _PURPOSES:
        raise InputError(
            f"statusPurpose {purpose!r}: vckit issues 'revocation', 'suspension' and 'message' "
            "lists only"
        )


def _size_problem(size: object) -> str | None:
    """§2.1 ``statusSize``: "MUST be an integer greater than zero" (and at most ours)."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        return f"statusSize must be an integer greater than zero, not {str(size)[:40]!r}"
    if size > MAX_STATUS_SIZE:
        return f"statusSize {size} is not supported (at most {MAX_STATUS_SIZE} bits)"
    return None


def _messages_problem(messages: object, size: int) -> str | None:
    """§2.1 ``statusMessage``: an array of 2**statusSize objects, each with ``status`` (a
    hexadecimal string prefixed ``0x``) and ``message`` (a string)."""
    if not isinstance(messages, Sequence) or isinstance(messages, str):
        return "statusMessage must be an array"
    if len(messages) != 1 << size:
        return (
            f"statusMessage has {len(messages)} elements; statusSize {size} needs {1 << size} "
            "(one per possible value)"
        )
    seen: set[int] = set()
    for position, item in enumerate(messages):
        status = item.get("status") if isinstance(item, Mapping) else None
        if not isinstance(status, str) or not _HEX.fullmatch(status):
            return f"statusMessage[{position}].status must be a hexadecimal string like '0x1'"
        if not isinstance(item.get("message"), str):
            return f"statusMessage[{position}].message must be a string"
        value = int(status, 16)
        if value >= 1 << size or value in seen:
            return f"statusMessage[{position}].status {status} is out of range or repeated"
        seen.add(value)
    return None


def _references_problem(references: Sequence[object]) -> str | None:
    """§2.1 ``statusReference``: "a URL or an array of URLs"."""
    for ref in references:
        if not isinstance(ref, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", ref):
            return f"statusReference must be a URL or an array of URLs, not {str(ref)[:60]!r}"
    return None


def check_entry(
    entry: Mapping[str, Any],
    status_list_credential: Mapping[str, Any],
    *,
    min_bits: int = MIN_BITS,
    max_bytes: int = MAX_DECOMPRESSED_BYTES,
) -> StatusResult:
    """§3.2 Validate Algorithm (StatusList2021 §3.2 for its types), after the caller has
    fetched ``status_list_credential`` and verified its proof.

    Raises :class:`StatusListFormatError` (MALFORMED_VALUE_ERROR, wrong list type, bad
    encoding, STATUS_LIST_LENGTH_ERROR), :class:`StatusPurposeError` (purpose mismatch) or
    :class:`StatusIndexError` (RANGE_ERROR).
    """
    flavor = _entry_flavor(entry)
    purpose, index, url = _read_entry(entry, flavor)
    size = _read_size(entry, flavor)
    references = _read_references(entry)
    subject = _read_list_credential(status_list_credential, flavor, url)
    purposes = subject.get("statusPurpose")
    listed = [purposes] if isinstance(purposes, str) else purposes
    if not isinstance(listed, list) or purpose not in listed:
        raise StatusPurposeError(
            f"the entry's statusPurpose {purpose!r} is not the list's ({purposes!r})"
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListFormatError("the status list has no encodedList string")
    # §3.2: "If the length of the revocation bitstring divided by statusSize is less than
    # minimumNumberOfEntries, raise a STATUS_LIST_LENGTH_ERROR"
    bits = StatusList.decode(encoded, flavor, min_bits=min_bits * size, max_bytes=max_bytes)
    value = bits.get_value(index, size)
    return StatusResult(purpose, index, value != 0, _message(entry, value), value, size, references)


def _entry_flavor(entry: Mapping[str, Any]) -> Flavor:
    kind = entry.get("type") if isinstance(entry, Mapping) else None
    for flavor, (entry_type, _, _) in _NAMES.items():
        if kind == entry_type or (isinstance(kind, list) and entry_type in kind):
            return flavor
    raise StatusListFormatError(f"credentialStatus type {kind!r} is not a status list entry")


def _read_entry(entry: Mapping[str, Any], flavor: Flavor) -> tuple[str, int, str]:
    """§2.1: ``statusPurpose`` a string, ``statusListIndex`` a base-10 string,
    ``statusListCredential`` a URL, ``statusSize`` absent or 1."""
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListFormatError("the status entry has no statusPurpose string")
    raw_index = entry.get("statusListIndex")
    if not isinstance(raw_index, str) or not _INDEX.fullmatch(raw_index):
        shown = repr(raw_index)[:40]
        raise StatusListFormatError(
            f"statusListIndex must be a base-10 integer string of at most {MAX_INDEX_DIGITS} "
            f"digits, not {shown}"
        )
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or ":" not in url:
        raise StatusListFormatError(f"statusListCredential must be a URL, not {url!r}")
    return purpose, int(raw_index), url


def _read_size(entry: Mapping[str, Any], flavor: Flavor) -> int:
    """§2.1 ``statusSize`` (absent: 1) and the ``statusMessage`` it requires (MALFORMED_VALUE_ERROR
    when either breaks a MUST)."""
    size = entry.get("statusSize", 1)
    problem = _size_problem(size)
    if problem:
        raise StatusListFormatError(problem)
    if flavor != "bitstring" and size != 1:
        raise StatusListFormatError("StatusList2021 entries have one bit (no statusSize)")
    if "statusMessage" in entry:
        problem = _messages_problem(entry["statusMessage"], size)
        if problem:
            raise StatusListFormatError(problem)
    elif size > 1:
        raise StatusListFormatError(
            f"statusSize {size} is greater than 1, so statusMessage MUST be present (§2.1)"
        )
    return int(size)


def _read_references(entry: Mapping[str, Any]) -> tuple[str, ...]:
    if "statusReference" not in entry:
        return ()
    raw = entry["statusReference"]
    refs = [raw] if isinstance(raw, str) else raw
    problem = _references_problem(refs) if isinstance(refs, list) and refs else None
    if not isinstance(refs, list) or not refs or problem:
        raise StatusListFormatError(problem or "statusReference must be a URL or an array of URLs")
    return tuple(refs)


def _read_list_credential(
    credential: Mapping[str, Any], flavor: Flavor, url: str
) -> Mapping[str, Any]:
    """§2.2: the list credential's ``type`` and ``id``, and its subject's ``type``.

    The ``id`` is required and must be the entry's ``statusListCredential`` URL: a list
    credential without one, or with another, could be any list (a verifier must not read
    a status from a list it cannot tie to the entry).
    """
    _, credential_type, list_type = _NAMES[flavor]
    if not isinstance(credential, Mapping) or credential_type not in types_of(credential):
        raise StatusListFormatError(f"the status list credential is not a {credential_type}")
    if "id" not in credential:
        raise StatusListFormatError(
            f"the status list credential has no id; it must be {url} (statusListCredential)"
        )
    if credential["id"] != url:
        raise StatusListFormatError(
            f"the entry points to {url} but the status list credential is "
            f"{str(credential['id'])[:200]!r}"
        )
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or list_type not in types_of(subject):
        raise StatusListFormatError(f"the status list credential's subject is not a {list_type}")
    return subject


def _message(entry: Mapping[str, Any], value: int) -> str | None:
    """§2.1 ``statusMessage``: the message whose ``status`` is ``value`` (already validated)."""
    messages = entry.get("statusMessage")
    if not isinstance(messages, list):
        return None
    for item in messages:
        if int(item["status"], 16) == value:
            return str(item["message"])
    return None
