"""Selective disclosure, the learner's side: which fields of a held credential go to a
verifier, and the credential that carries exactly those.

::

    from wallet import disclose
    choice = disclose.choose(record)                            # everything shown (default)
    choice = disclose.choose(record, hide=["/credentialSubject/result"])
    choice = disclose.choose(record, show=[...])                # or: what to show
    choice.fields, choice.shown, choice.hidden, choice.kept     # for the page / the API
    disclose.preview(choice)                                    # the JSON the verifier sees
    disclose.for_presentation(choice)                           # ldp_vc: derived credential
    disclose.sd_jwt_for(choice, key, nonce=..., aud=..., iat=...)  # dc+sd-jwt: SD-JWT+KB

Three kinds of credential (:func:`kind_of`):

* ``ecdsa-sd-2023``: a JSON-LD credential with the issuer's ecdsa-sd-2023 *base* proof.
  The verifier gets a *derived* credential (:func:`vckit.disclosure.disclose.disclose_ecdsa_sd`):
  the issuer's mandatory fields and the chosen ones, nothing else.
* ``dc+sd-jwt``: an SD-JWT VC. The verifier gets the issuer-signed JWT with only the
  chosen disclosures, and a Key Binding JWT over its nonce and audience.
* ``plain``: any other format (eddsa-rdfc-2022, VC-JWT ...): it goes whole; every field is
  locked with the reason "this credential's format cannot hide fields".

A field the issuer made mandatory cannot be hidden: asking to hide it is not an error,
it is shown anyway and named in :attr:`Choice.kept`. A pointer that names no field of the
credential is refused (:class:`UnknownField`, 422).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit import sdjwt as sd_jwt
from vckit.di.ecdsa_sd import values as ecdsa_sd_values
from vckit.disclosure import disclose as sd_disclose
from vckit.disclosure import fields as sd_fields
from vckit.disclosure.fields import Field
from vckit.errors import VckitError
from vckit.jose.claims import credential_from_jwt
from vckit.jose.vc_jwt import peek
from vckit.keys.keypair import KeyPair
from wallet.errors import InvalidInputError
from wallet.store import CredentialRecord

ECDSA_SD = "ecdsa-sd-2023"
SD_JWT = "dc+sd-jwt"
PLAIN = "plain"
MAX_POINTERS = 200

NOTES = {
    ECDSA_SD: "Switch off what the verifier should not see. The issuer's signature still "
    "verifies over what you keep (ecdsa-sd-2023); the verifier cannot tell how many fields "
    "you hid.",
    SD_JWT: "Switch off what the verifier should not see. Hidden fields travel only as "
    "digests the verifier cannot reverse (SD-JWT); it can count them, not read them.",
    PLAIN: "This credential's format cannot hide fields: it is shared whole, or not at all.",
}


class UnknownField(InvalidInputError):
    """A pointer that names no field of the credential."""

    code = "unknown-field"


@dataclass(frozen=True)
class Choice:
    """The learner's choice for one credential. ``shown``: pointers that go (locked ones
    included); ``hidden``: pointers that stay in the wallet; ``kept``: pointers the learner
    asked to hide that the issuer made mandatory (shown anyway)."""

    record: CredentialRecord
    kind: str
    fields: tuple[Field, ...]
    shown: tuple[str, ...]
    hidden: tuple[str, ...]
    kept: tuple[str, ...]

    @property
    def selective(self) -> bool:
        return self.kind != PLAIN

    @property
    def note(self) -> str:
        return NOTES[self.kind]

    @property
    def hidden_labels(self) -> tuple[str, ...]:
        return tuple(f.label for f in self.fields if f.pointer in self.hidden)


def is_sd_jwt(document: Mapping[str, Any] | str) -> bool:
    return isinstance(document, str) and "~" in document


def _has_base_proof(document: Mapping[str, Any]) -> bool:
    proof = document.get("proof")
    if not isinstance(proof, Mapping) or proof.get("cryptosuite") != ECDSA_SD:
        return False
    try:
        ecdsa_sd_values.parse_base_proof_value(proof.get("proofValue"))
    except VckitError:
        return False
    return True


def kind_of(record: CredentialRecord) -> str:
    """``ecdsa-sd-2023`` (a base proof), ``dc+sd-jwt`` or ``plain``."""
    if is_sd_jwt(record.document):
        return SD_JWT
    if isinstance(record.document, Mapping) and _has_base_proof(record.document):
        return ECDSA_SD
    return PLAIN


def credential_view(document: Mapping[str, Any] | str) -> dict[str, Any] | None:
    """The credential as JSON: the document; an SD-JWT's processed claims without the JWT
    claims; a VC-JWT's credential (neither verified: the stored report says whether it
    verifies). None when it cannot be read."""
    if isinstance(document, Mapping):
        return dict(document)
    if is_sd_jwt(document):
        return sd_jwt_claims(document, view=True)
    try:
        _, payload = peek(document)
        return credential_from_jwt(payload)
    except VckitError:
        return None


def sd_jwt_claims(token: str, *, view: bool = False) -> dict[str, Any] | None:
    """An SD-JWT's claims with every disclosure it carries applied (not verified);
    ``view``: without the JWT registered claims. None when it cannot be read."""
    try:
        jwt, disclosures, _kb = sd_jwt.split(token)
        _header, payload = peek(jwt)
        claims = sd_jwt.process_disclosures(payload, disclosures).claims
    except VckitError:
        return None
    return sd_fields.credential_view(claims) if view else claims


def fields_of(record: CredentialRecord) -> list[Field]:
    """The credential's fields, each locked or not (InvalidInputError when unreadable)."""
    document = record.document
    try:
        if isinstance(document, str) and is_sd_jwt(document):
            return sd_fields.fields_of_sd_jwt(document)
        if isinstance(document, dict) and _has_base_proof(document):
            return sd_fields.fields_of_ecdsa_sd(document)
    except VckitError as exc:
        raise InvalidInputError(f"the wallet cannot read this credential's fields: {exc}") from None
    view = credential_view(document)
    if view is None:
        raise InvalidInputError("the wallet cannot read this credential's fields")
    return sd_fields.fields_of_plain(view)


def _pointers(values: Sequence[str] | None, known: Collection[str]) -> list[str] | None:
    if values is None:
        return None
    if len(values) > MAX_POINTERS:
        raise InvalidInputError(f"at most {MAX_POINTERS} fields")
    unknown = [p for p in values if not isinstance(p, str) or p not in known]
    if unknown:
        raise UnknownField(
            f"{str(unknown[0])[:200]!r} is not a field of this credential; its fields are: "
            + ", ".join(sorted(known))
        )
    return list(dict.fromkeys(values))


def choose(
    record: CredentialRecord,
    *,
    show: Sequence[str] | None = None,
    hide: Sequence[str] | None = None,
) -> Choice:
    """The learner's choice: ``show`` lists what goes (every other hideable field is
    hidden), or ``hide`` lists what stays; neither: everything goes (the default)."""
    if show is not None and hide is not None:
        raise InvalidInputError("say what to show or what to hide, not both")
    fields = tuple(fields_of(record))
    known = [f.pointer for f in fields]
    shown_asked, hidden_asked = _pointers(show, known), _pointers(hide, known)
    if shown_asked is not None:
        hide_set = {p for p in known if p not in shown_asked}
    else:
        hide_set = set(hidden_asked or ())
    locked = {f.pointer for f in fields if f.mandatory}
    kept = tuple(p for p in known if p in hide_set and p in locked)
    hidden = tuple(p for p in known if p in hide_set and p not in locked)
    shown = tuple(p for p in known if p not in hidden)
    return Choice(record, kind_of(record), fields, shown, hidden, kept)


def preview(choice: Choice) -> dict[str, Any]:
    """Exactly the credential JSON the verifier will see (for an SD-JWT: its claims after
    the chosen disclosures, without the JWT registered claims). A plain credential: whole."""
    view = credential_view(choice.record.document) or {}
    if choice.kind == PLAIN:
        return {k: v for k, v in view.items() if k != "proof"}
    return sd_disclose.preview(list(choice.fields), choice.shown, credential=view)


def for_presentation(choice: Choice) -> dict[str, Any] | str:
    """What goes into an ``ldp_vc`` presentation: the derived credential (ecdsa-sd-2023)
    or the credential as held (plain). An SD-JWT does not go into a W3C presentation."""
    if choice.kind == SD_JWT:
        raise InvalidInputError(
            "an SD-JWT credential answers only dc+sd-jwt requests, not a W3C presentation"
        )
    document = choice.record.document
    if choice.kind == PLAIN or not isinstance(document, dict):
        return document
    selectable = [p for p in choice.shown if not _locked(choice, p)]
    try:
        return sd_disclose.disclose_ecdsa_sd(document, selectable)
    except VckitError as exc:
        raise InvalidInputError(f"the derived credential could not be made: {exc}") from None


def _locked(choice: Choice, pointer: str) -> bool:
    return any(f.pointer == pointer and f.mandatory for f in choice.fields)


def sd_jwt_for(
    choice: Choice,
    holder_key: KeyPair | None,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    iat: datetime | None = None,
) -> str:
    """The SD-JWT with only the chosen disclosures; with ``holder_key`` a Key Binding JWT
    over ``nonce``, ``aud`` and ``iat`` (RFC 9901 §4.3)."""
    if choice.kind != SD_JWT or not isinstance(choice.record.document, str):
        raise InvalidInputError("this credential is not an SD-JWT")
    selectable = [p for p in choice.shown if not _locked(choice, p)]
    try:
        return sd_disclose.disclose_sd_jwt(
            choice.record.document, selectable, holder_key, nonce=nonce, aud=aud, iat=iat
        )
    except VckitError as exc:
        raise InvalidInputError(f"the SD-JWT presentation could not be made: {exc}") from None


def sd_jwt_issuer_part(token: str) -> str:
    """The issuer-signed JWT of an SD-JWT (the same in every presentation of it)."""
    return token.strip().split("~", 1)[0]
