"""The fields of a credential a holder may show or hide, for both selective-disclosure formats.

A *field* is addressed by an RFC 6901 JSON pointer into the JSON credential (the "credential
view"): ``/awardedDate``, ``/evidence/0``, ``/credentialSubject/identifier/1`` ... Listed are the
top-level members (except ``@context``, ``id``, ``type``, ``proof``) and the members of
``credentialSubject`` (except ``id`` and ``type``); ``identifier``, ``result`` and ``evidence``
are split per element where the format lets the holder choose elements one by one (SD-JWT:
array-element disclosures; ecdsa-sd-2023: arrays of two or more, since its pointers address the
JSON-LD compacted form, where a one-element array is a single value).

=================== ===================================================================
fields_of_ecdsa_sd  a credential with an ecdsa-sd-2023 base proof: a field is locked when
                    it is (under) one of the issuer's mandatory pointers
fields_of_sd_jwt    an SD-JWT (not verified here): a field is locked when the issuer did not
                    make it a disclosure
fields_of_plain     any other format: every field is locked
ecdsa_sd_disclosure what a verifier can say of a derived ecdsa-sd-2023 credential
=================== ===================================================================

Revealing the chosen fields, and the preview of what the verifier will see, are in
:mod:`vckit.disclosure.disclose`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vckit import sdjwt as sd_jwt
from vckit.di.ecdsa_sd.select import parse_pointer
from vckit.di.ecdsa_sd.values import parse_base_proof_value
from vckit.errors import SdPointerError
from vckit.report import Disclosure
from vckit.sdjwt import compact as sd_jwt_compact

Path = tuple[str | int, ...]

HIDDEN_TOP = frozenset({"@context", "id", "type", "proof"})
HIDDEN_SUBJECT = frozenset({"id", "type"})
SPLIT = frozenset(
    {("credentialSubject", "identifier"), ("credentialSubject", "result"), ("evidence",)}
)
#: SD-JWT VC / JWT registered claims: not part of the credential view.
JWT_CLAIMS = frozenset(
    {"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "vct", "vct#integrity", "cnf", "status"}
)
#: The learner-data fields people know by name (absent ones are named in a report).
LEARNER_LABELS = (
    "Recipient name",
    "Date of birth",
    "Email (hashed)",
    "Grade",
    "Evidence",
    "Awarded date",
)
_IDENTITY_LABELS = {
    "name": "Recipient name",
    "ext:dateOfBirth": "Date of birth",
    "emailAddress": "Email (hashed)",
}
_MEMBER_LABELS = {
    "awardedDate": "Awarded date",
    "evidence": "Evidence",
    "result": "Grade",
    "identifier": "Identifiers",
    "issuer": "Issuer",
    "validFrom": "Valid from",
    "validUntil": "Valid until",
    "credentialStatus": "Revocation status entry",
    "credentialSchema": "Schema",
    "achievement": "Achievement",
}
WHY_ECDSA_SD = "the issuer made this field mandatory"
WHY_SD_JWT = "the issuer did not make this field selectively disclosable"
WHY_PLAIN = "this credential's format cannot hide fields"


@dataclass(frozen=True)
class Field:
    """One field: ``why`` says why it is locked (``""`` when the holder may hide it)."""

    pointer: str
    label: str
    value: Any
    mandatory: bool
    why: str


# --- pointers and paths --------------------------------------------------------------------


def pointer_to_path(pointer: str) -> Path:
    """RFC 6901: ``/credentialSubject/identifier/1`` -> ``("credentialSubject", "identifier",
    1)``; a reference token of digits is an array index."""
    return tuple(parse_pointer(pointer))


def path_to_pointer(path: Sequence[str | int]) -> str:
    """The inverse of :func:`pointer_to_path` (``~`` and ``/`` escaped, RFC 6901 §3)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def is_under(path: Path, prefix: Path) -> bool:
    """``path`` is ``prefix`` or inside it."""
    return path[: len(prefix)] == prefix


def _overlaps(path: Path, other: Path) -> bool:
    return is_under(path, other) or is_under(other, path)


# --- labels --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _humanize(name: str) -> str:
    """``awardedDate`` -> ``Awarded date`` (kept per name: each report labels its fields)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    return words[:1].upper() + words[1:]


def label_of(path: Path, value: Any) -> str:
    """The words a person reads for the field at ``path``."""
    if len(path) == 3 and path[0] == "credentialSubject" and path[1] == "identifier":
        kind = value.get("identityType") if isinstance(value, Mapping) else None
        return _IDENTITY_LABELS.get(str(kind), str(kind or "Identifier"))
    last = path[-1] if path else ""
    if isinstance(last, str):  # the member's own name, as almost always
        name = last
    else:
        name = next((part for part in reversed(path) if isinstance(part, str)), "")
    label = _MEMBER_LABELS.get(name)
    return _humanize(name) if label is None else label


# --- listing -------------------------------------------------------------------------------


def _candidates(view: Mapping[str, Any], split: Collection[Path]) -> Iterator[tuple[Path, Any]]:
    """Each listed field's path and value, in document order (arrays in ``split`` per element)."""

    def member(path: Path, value: Any) -> Iterator[tuple[Path, Any]]:
        if path in split and isinstance(value, list):
            for index, element in enumerate(value):
                yield (*path, index), element
        else:
            yield path, value

    for name, value in view.items():
        if name in HIDDEN_TOP:
            continue
        if name == "credentialSubject" and isinstance(value, Mapping):
            for inner, inner_value in value.items():
                if inner not in HIDDEN_SUBJECT:
                    yield from member((name, inner), inner_value)
        else:
            yield from member((name,), value)


def _field(path: Path, value: Any, why: str) -> Field:
    return Field(path_to_pointer(path), label_of(path, value), value, bool(why), why)


def fields_of_plain(credential: Mapping[str, Any]) -> list[Field]:
    """Any format without selective disclosure: every field is locked."""
    return [_field(path, value, WHY_PLAIN) for path, value in _candidates(credential, ())]


def mandatory_paths(secured: Mapping[str, Any]) -> list[Path]:
    """The paths of an ecdsa-sd-2023 base proof's mandatory pointers."""
    proof = secured.get("proof")
    if not isinstance(proof, Mapping):
        raise SdPointerError("the credential has no single ecdsa-sd-2023 base proof")
    base = parse_base_proof_value(proof.get("proofValue"))
    return [pointer_to_path(pointer) for pointer in base.mandatory_pointers]


def fields_of_ecdsa_sd(secured: Mapping[str, Any]) -> list[Field]:
    """The holder's fields of a credential with an ecdsa-sd-2023 *base* proof."""
    mandatory = mandatory_paths(secured)
    return [
        _field(path, value, WHY_ECDSA_SD if any(_overlaps(path, m) for m in mandatory) else "")
        for path, value in _candidates(secured, _multi_element(secured))
    ]


def _multi_element(document: Mapping[str, Any]) -> set[Path]:
    """ecdsa-sd-2023 pointers address the JSON-LD *compacted* document, where a one-element
    array is a single value: only arrays of two or more can be chosen element by element."""
    found: set[Path] = set()
    for path in SPLIT:
        value: Any = document
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, list) and len(value) > 1:
            found.add(path)
    return found


def credential_view(claims: Mapping[str, Any]) -> dict[str, Any]:
    """An SD-JWT VC's processed claims without the JWT registered claims."""
    return {name: value for name, value in claims.items() if name not in JWT_CLAIMS}


def sd_jwt_view(token: str) -> tuple[dict[str, Any], sd_jwt.SdJwtVerification]:
    """The holder's view of an SD-JWT (every disclosure it carries applied) and where each
    disclosure sits: ``disclosed_paths`` (issuer-signed positions) and ``view_paths``
    (positions in the view, decoys and other withheld elements removed)."""
    jwt, disclosures, _kb = sd_jwt.split(token)
    _header, payload = sd_jwt_compact.jwt_parts(jwt, "issuer-signed JWT")
    result = sd_jwt.process_disclosures(payload, disclosures)
    return credential_view(result.claims), result


def fields_of_sd_jwt(token: str) -> list[Field]:
    """The holder's fields of an SD-JWT it holds (every disclosure present; not verified).
    Pointers are positions in the holder's view, as :func:`vckit.disclosure.disclose.preview` shows
    them."""
    view, result = sd_jwt_view(token)
    disclosed = set(result.view_paths)
    split = {p for p in SPLIT if any(d[:-1] == p and isinstance(d[-1], int) for d in disclosed)}
    return [
        _field(path, value, "" if path in disclosed else WHY_SD_JWT)
        for path, value in _candidates(view, split)
    ]


def absent_labels(view: Mapping[str, Any]) -> tuple[str, ...]:
    """The known learner-data labels (:data:`LEARNER_LABELS`) with no field in ``view``:
    the labels of :func:`_candidates` (split as :data:`SPLIT` says), in loops rather than
    generators (every SD-JWT report names the absent ones)."""
    present: set[str] = set()
    for name, value in view.items():
        if name in HIDDEN_TOP:
            continue
        if name == "credentialSubject" and isinstance(value, Mapping):
            for inner, inner_value in value.items():
                if inner not in HIDDEN_SUBJECT:
                    _add_labels(present, (name, inner), inner_value)
        else:
            _add_labels(present, (name,), value)
    return tuple(label for label in LEARNER_LABELS if label not in present)


def _add_labels(present: set[str], path: Path, value: Any) -> None:
    """The labels of the field at ``path``, per element for an array in :data:`SPLIT`."""
    if path in SPLIT and isinstance(value, list):
        for index, element in enumerate(value):
            present.add(label_of((*path, index), element))
    else:
        present.add(label_of(path, value))


def learner_pointers(view: Mapping[str, Any]) -> tuple[str, ...]:
    """Pointers of the learner-data fields present in a derived ecdsa-sd-2023 ``view``,
    split as :func:`fields_of_ecdsa_sd` splits them (identifiers always one by one: each
    is a different kind of learner data)."""
    split = _multi_element(view) | {("credentialSubject", "identifier")}
    return tuple(
        path_to_pointer(path)
        for path, value in _candidates(view, split)
        if label_of(path, value) in LEARNER_LABELS
    )


ECDSA_SD_NOTE = (
    "ecdsa-sd-2023 does not reveal whether absent fields were withheld by the holder or "
    "never issued."
)


def ecdsa_sd_disclosure(view: Mapping[str, Any]) -> Disclosure:
    """What a verifier can say of a derived ecdsa-sd-2023 credential: the learner-data fields
    it shows and the known ones it does not (withheld or never issued: the format hides it)."""
    return Disclosure(
        disclosed=learner_pointers(view),
        withheld=None,
        absent=absent_labels(view),
        note=ECDSA_SD_NOTE,
    )
