"""The VC Data Model rules a credential's JSON must keep, whatever secures it.

One list of rules for both sides: the verifier's ``format`` check
(:func:`vckit.verification.content.data_model`) reports them, and the issuer refuses to sign a
credential that breaks one (``issuer.issuing.securing``). :func:`violations` returns each
broken rule as a :class:`Violation` naming the member and the rule with its section:

* §4.3 ``@context`` starts with the VC 2.0 (or 1.1) context; §4.5 ``type`` includes
  ``VerifiableCredential`` and every type is a string.
* §4.4 ``id``, when present, is one URL (an explicit ``null`` is not "absent").
* §4.7 ``issuer`` is a URL or an object whose ``id`` is one.
* §4.8 ``credentialSubject`` is one or more non-empty objects; a subject ``id`` is a URL.
* §4.9 ``validFrom``/``validUntil`` are ``xsd:dateTimeStamp`` (VC 1.1 ``issuanceDate`` /
  ``expirationDate`` ``xsd:dateTime``).
* §4.10 each ``credentialStatus`` has a ``type``, and an ``id`` that is one URL if any; a
  ``BitstringStatusListEntry`` (or ``StatusList2021Entry``) has a ``statusPurpose``, a
  ``statusListIndex`` written as a decimal string and a ``statusListCredential`` URL
  (Bitstring Status List 1.0 §2.1).
* §4.11 each ``credentialSchema`` has an ``id`` URL and a ``type``; §5.4 ``refreshService``,
  §5.5 ``termsOfUse``, §5.6 ``evidence``: each object has a ``type``.
* §5.3 ``relatedResource``: one or more objects, each with a unique ``id`` URL and a
  well-formed ``digestSRI`` (SRI ``sha256|sha384|sha512-`` base64 of the right length) or
  ``digestMultibase`` (a multibase SHA-2 digest, bare or as a multihash). A digest of the
  right form is compared with the resource only when we hold the exact bytes W3C serves
  (:mod:`vckit.related_resources`: the VC 2.0 base and examples contexts); a mismatch
  breaks §5.3 ("the conforming verifier implementation MUST produce an error"). vckit
  fetches nothing: any other resource is not compared here.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vckit.credential import issuer_id, types_of
from vckit.datetimes import parse_xsd_datetime
from vckit.errors import DateTimeError, InputError
from vckit.jsonld.contexts import VC_V1_CONTEXT, VC_V2_CONTEXT
from vckit.keys import multibase
from vckit.related_resources import digest_matches

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_SRI = re.compile(r"(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})")
_SRI_LENGTHS = {"sha256": 32, "sha384": 48, "sha512": 64}
_MULTIHASH = {b"\x12\x20": 32, b"\x20\x30": 48, b"\x13\x40": 64}  # sha2-256, -384, -512
STATUS_LIST_ENTRIES = frozenset({"BitstringStatusListEntry", "StatusList2021Entry"})
TYPED_MEMBERS = (
    ("credentialStatus", "§4.10"),
    ("credentialSchema", "§4.11"),
    ("refreshService", "§5.4"),
    ("termsOfUse", "§5.5"),
    ("evidence", "§5.6"),
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: the member (a path such as ``relatedResource[1].id``) and the rule."""

    member: str
    rule: str

    def __str__(self) -> str:
        return f"{self.member}: {self.rule}"


def is_url(value: object) -> bool:
    """A single absolute URL (a scheme, then no white space): VC 2.0 §4.4."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def _items(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _named(member: str, value: object, index: int) -> str:
    return f"{member}[{index}]" if isinstance(value, list) else member


def _types_ok(value: object) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(t, str) for t in value)


def _first_context(credential: Mapping[str, Any]) -> object:
    contexts = credential.get("@context")
    return contexts[0] if isinstance(contexts, list) and contexts else contexts


def _basics(credential: Mapping[str, Any]) -> list[Violation]:
    found = []
    if _first_context(credential) not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        found.append(Violation("@context", "must start with the VC 2.0 (or 1.1) context (§4.3)"))
    if not _types_ok(credential.get("type")):
        found.append(Violation("type", "must be one string or a list of strings (§4.5)"))
    elif "VerifiableCredential" not in types_of(credential):
        found.append(Violation("type", "must include VerifiableCredential (§4.5)"))
    if "id" in credential and not is_url(credential["id"]):
        found.append(Violation("id", "must be one URL when present, not null (§4.4)"))
    issuer = issuer_id(credential)
    if issuer is None or ":" not in issuer:
        found.append(Violation("issuer", "must be a URL or an object whose id is a URL (§4.7)"))
    return found


def _subjects(credential: Mapping[str, Any]) -> list[Violation]:
    subject = credential.get("credentialSubject")
    if subject is None:
        return [Violation("credentialSubject", "is required (§4.8)")]
    if isinstance(subject, list) and not subject:
        return [Violation("credentialSubject", "must not be an empty list (§4.8)")]
    found = []
    for index, item in enumerate(_items(subject)):
        name = _named("credentialSubject", subject, index)
        if not isinstance(item, Mapping):
            found.append(Violation(name, "must be an object (§4.8)"))
        elif not item:
            found.append(Violation(name, "must not be empty (§4.8)"))
        elif "id" in item and not is_url(item["id"]):
            found.append(Violation(f"{name}.id", "must be one URL when present (§4.4)"))
    return found


def _dates(credential: Mapping[str, Any]) -> list[Violation]:
    v2 = _first_context(credential) != VC_V1_CONTEXT
    names = ("validFrom", "validUntil") if v2 else ("issuanceDate", "expirationDate")
    found = []
    for name in names:
        if name not in credential:
            continue
        try:
            parse_xsd_datetime(credential[name], name, require_timezone=v2)
        except DateTimeError:
            kind = "an xsd:dateTimeStamp" if v2 else "an xsd:dateTime"
            found.append(Violation(name, f"must be {kind}, like 2025-09-01T00:00:00Z (§4.9)"))
    return found


def status_entry(entry: Mapping[str, Any], name: str) -> list[Violation]:
    """Bitstring Status List 1.0 §2.1 (and StatusList2021): what a list entry must carry."""
    if not STATUS_LIST_ENTRIES & set(types_of(entry)):
        return []
    found = []
    if not isinstance(entry.get("statusPurpose"), str) or not entry["statusPurpose"]:
        found.append(Violation(f"{name}.statusPurpose", "is required, a string"))
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not index.isascii() or not index.isdigit():
        found.append(
            Violation(f"{name}.statusListIndex", "must be a non-negative integer as a string")
        )
    if not is_url(entry.get("statusListCredential")):
        found.append(Violation(f"{name}.statusListCredential", "must be a URL"))
    return found


def _typed(credential: Mapping[str, Any]) -> list[Violation]:
    found = []
    for member, section in TYPED_MEMBERS:
        if member not in credential:
            continue
        value = credential[member]
        if isinstance(value, list) and not value:
            found.append(Violation(member, f"must not be an empty list ({section})"))
        for index, item in enumerate(_items(value)):
            name = _named(member, value, index)
            if not isinstance(item, Mapping):
                found.append(Violation(name, f"must be an object ({section})"))
                continue
            if not _types_ok(item.get("type")):
                found.append(Violation(f"{name}.type", f"is required, a string ({section})"))
            needs_id = member == "credentialSchema"
            if ("id" in item or needs_id) and not is_url(item.get("id")):
                found.append(Violation(f"{name}.id", f"must be one URL ({section})"))
            if member == "credentialStatus":
                found.extend(status_entry(item, name))
    return found


def _digest_sri(value: object) -> bool:
    if not isinstance(value, str):
        return False
    match = _SRI.fullmatch(value)
    if match is None:
        return False
    try:
        digest = base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(digest) == _SRI_LENGTHS[match.group(1)]


def _digest_multibase(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        digest = multibase.decode(value)
    except InputError:
        return False
    if len(digest) in _SRI_LENGTHS.values():
        return True
    return _MULTIHASH.get(digest[:2]) == len(digest) - 2


def _related(credential: Mapping[str, Any]) -> list[Violation]:
    if "relatedResource" not in credential:
        return []
    value = credential["relatedResource"]
    if isinstance(value, list) and not value:
        return [Violation("relatedResource", "must be one or more objects (§5.3)")]
    found, seen = [], set()
    for index, item in enumerate(_items(value)):
        name = _named("relatedResource", value, index)
        if not isinstance(item, Mapping):
            found.append(Violation(name, "must be an object with an id and a digest (§5.3)"))
            continue
        resource = item.get("id")
        if not is_url(resource):
            found.append(Violation(f"{name}.id", "is required, one URL (§5.3)"))
        elif resource in seen:
            found.append(Violation(f"{name}.id", f"{str(resource)[:80]} is listed twice (§5.3)"))
        else:
            seen.add(resource)
        if "digestSRI" not in item and "digestMultibase" not in item:
            found.append(Violation(name, "needs a digestSRI or a digestMultibase (§5.3)"))
        if "digestSRI" in item and not _digest_sri(item["digestSRI"]):
            found.append(Violation(f"{name}.digestSRI", "is not a SHA-2 SRI digest (§5.3)"))
        if "digestMultibase" in item and not _digest_multibase(item["digestMultibase"]):
            found.append(
                Violation(f"{name}.digestMultibase", "is not a multibase SHA-2 digest (§5.3)")
            )
        found.extend(_digest_mismatches(item, name))
    return found


def _digest_mismatches(item: Mapping[str, Any], name: str) -> list[Violation]:
    """A well-formed digest of a resource whose published bytes we hold, that is not theirs."""
    resource = item.get("id")
    if not is_url(resource):
        return []
    return [
        Violation(
            f"{name}.{member}",
            f"does not match the digest of {resource} as W3C publishes it (§5.3)",
        )
        for member in ("digestSRI", "digestMultibase")
        if digest_matches(str(resource), member, item.get(member)) is False
    ]


def violations(credential: Mapping[str, Any]) -> list[Violation]:
    """Every VC Data Model rule ``credential`` breaks (none: it keeps them all). Never raises."""
    return [
        *_basics(credential),
        *_subjects(credential),
        *_dates(credential),
        *_typed(credential),
        *_related(credential),
    ]
