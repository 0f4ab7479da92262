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
disclose_ecdsa_sd   the derived credential revealing the chosen fields (§ 3.6.5)
disclose_sd_jwt     the SD-JWT (+ Key Binding JWT) revealing the chosen fields (RFC 9901 §7.2)
preview             exactly what the verifier will see of the credential
ecdsa_sd_disclosure what a verifier can say of a derived ecdsa-sd-2023 credential
=================== ===================================================================
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit import ecdsa_sd, sd_jwt
from vckit.errors import SdPointerError
from vckit.keys import KeyPair
from vckit.report import Disclosure

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
    return tuple(ecdsa_sd.parse_pointer(pointer))


def path_to_pointer(path: Sequence[str | int]) -> str:
    """The inverse of :func:`pointer_to_path` (``~`` and ``/`` escaped, RFC 6901 §3)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _under(path: Path, prefix: Path) -> bool:
    return path[: len(prefix)] == prefix


def _overlaps(path: Path, other: Path) -> bool:
    return _under(path, other) or _under(other, path)


# --- labels --------------------------------------------------------------------------------


def _humanize(name: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    return words[:1].upper() + words[1:]


def label_of(path: Path, value: Any) -> str:
    """The words a person reads for the field at ``path``."""
    if path[:2] == ("credentialSubject", "identifier") and len(path) == 3:
        kind = value.get("identityType") if isinstance(value, Mapping) else None
        return _IDENTITY_LABELS.get(str(kind), str(kind or "Identifier"))
    name = next((part for part in reversed(path) if isinstance(part, str)), "")
    return _MEMBER_LABELS.get(name, _humanize(name))


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


def _mandatory_paths(secured: Mapping[str, Any]) -> list[Path]:
    proof = secured.get("proof")
    if not isinstance(proof, Mapping):
        raise SdPointerError("the credential has no single ecdsa-sd-2023 base proof")
    base = ecdsa_sd.parse_base_proof_value(proof.get("proofValue"))
    return [pointer_to_path(pointer) for pointer in base.mandatory_pointers]


def fields_of_ecdsa_sd(secured: Mapping[str, Any]) -> list[Field]:
    """The holder's fields of a credential with an ecdsa-sd-2023 *base* proof."""
    mandatory = _mandatory_paths(secured)
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


def _sd_jwt_parts(token: str) -> tuple[dict[str, Any], sd_jwt.SdJwtVerification]:
    """The holder's view of an SD-JWT (every disclosure it carries applied) and where each
    disclosure sits: ``disclosed_paths`` (issuer-signed positions) and ``view_paths``
    (positions in the view, decoys and other withheld elements removed)."""
    jwt, disclosures, _kb = sd_jwt.split(token)
    _header, payload = sd_jwt._jwt_parts(jwt, "issuer-signed JWT")
    result = sd_jwt.process_disclosures(payload, disclosures)
    return credential_view(result.claims), result


def fields_of_sd_jwt(token: str) -> list[Field]:
    """The holder's fields of an SD-JWT it holds (every disclosure present; not verified).
    Pointers are positions in the holder's view, as :func:`preview` shows them."""
    view, result = _sd_jwt_parts(token)
    disclosed = set(result.view_paths)
    split = {p for p in SPLIT if any(d[:-1] == p and isinstance(d[-1], int) for d in disclosed)}
    return [
        _field(path, value, "" if path in disclosed else WHY_SD_JWT)
        for path, value in _candidates(view, split)
    ]


# --- disclosing ----------------------------------------------------------------------------


def _check_matches_preview(
    seen: Mapping[str, Any], fields: list[Field], shown: Collection[str], source: Mapping[str, Any]
) -> None:
    """Defence in depth: what a verifier will see must be exactly what :func:`preview`
    showed the holder; anything else is refused rather than sent."""
    if dict(seen) != preview(fields, shown, credential=source):
        raise SdPointerError("the disclosed credential would differ from the preview; not sent")


def _known(fields: list[Field], pointers: Sequence[str]) -> None:
    known = {f.pointer for f in fields}
    unknown = [p for p in pointers if p not in known]
    if unknown:
        raise SdPointerError(f"no field at {unknown}")


def disclose_ecdsa_sd(secured: Mapping[str, Any], pointers: Sequence[str]) -> dict[str, Any]:
    """The derived credential that reveals the locked fields and those at ``pointers``
    (a locked field is revealed whole, as :func:`preview` shows it)."""
    mandatory = _mandatory_paths(secured)
    fields = fields_of_ecdsa_sd(secured)
    _known(fields, pointers)
    shown = [f.pointer for f in fields if f.mandatory or f.pointer in pointers]
    selective = [p for p in shown if not any(_under(pointer_to_path(p), m) for m in mandatory)]
    derived = ecdsa_sd.add_derived_proof(secured, selective)
    revealed = {name: value for name, value in derived.items() if name != "proof"}
    _check_matches_preview(revealed, fields, pointers, secured)
    return derived


def disclose_sd_jwt(
    token: str,
    pointers: Sequence[str],
    holder_key: KeyPair | None,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    iat: datetime | int | None = None,
) -> str:
    """The SD-JWT revealing the chosen fields (with every disclosure inside a revealed field,
    so a locked field shows whole), plus a Key Binding JWT when ``holder_key`` is given.
    ``pointers`` are field pointers (:func:`fields_of_sd_jwt`: positions in the holder's
    view); each disclosure is found by its view position and sent by its issuer position."""
    view, result = _sd_jwt_parts(token)
    fields = fields_of_sd_jwt(token)
    _known(fields, pointers)
    shown = [pointer_to_path(f.pointer) for f in fields if f.mandatory or f.pointer in pointers]
    wanted = [
        issuer_path
        for issuer_path, view_path in zip(result.disclosed_paths, result.view_paths, strict=True)
        if any(_under(view_path, s) for s in shown)
    ]
    presentation = sd_jwt.present(token, wanted, holder_key, nonce=nonce, aud=aud, iat=iat)
    sent, _ = _sd_jwt_parts(presentation.rsplit("~", 1)[0] + "~")
    _check_matches_preview(sent, fields, pointers, view)
    return presentation


def preview(
    fields: list[Field], chosen: Collection[str], *, credential: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the verifier will see: the locked fields and the chosen ones, withheld array
    elements left out. With ``credential``, its ``@context``, ``id``, ``type`` and the
    subject's ``id``/``type`` (always revealed) are included too."""
    view: dict[str, Any] = {}
    if credential is not None:
        view = {k: credential[k] for k in ("@context", "id", "type") if k in credential}
        subject = credential.get("credentialSubject")
        if isinstance(subject, Mapping):
            view["credentialSubject"] = {k: subject[k] for k in ("id", "type") if k in subject}
    for field in fields:
        if not (field.mandatory or field.pointer in chosen):
            continue
        path = pointer_to_path(field.pointer)
        parent: Any = view
        for part, following in zip(path[:-1], path[1:], strict=True):
            if part not in parent:
                parent[part] = [] if isinstance(following, int) else {}
            parent = parent[part]
        if isinstance(parent, list):
            parent.append(field.value)
        else:
            parent[path[-1]] = field.value
    return view


def absent_labels(view: Mapping[str, Any]) -> tuple[str, ...]:
    """The known learner-data labels (:data:`LEARNER_LABELS`) with no field in ``view``."""
    present = {label_of(path, value) for path, value in _candidates(view, SPLIT)}
    return tuple(label for label in LEARNER_LABELS if label not in present)


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
