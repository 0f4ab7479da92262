"""Presentations: the learner chooses credentials and signs them with the holder key.

* :func:`build` — a presentation of chosen credentials (VC 2.0 §4.13), signed with the
  learner's did:key (``authentication``), bound to a challenge and domain when given
  (vckit.presentation.sign_presentation); kept, and shown before it goes anywhere.
* :func:`holdings` — the learner's credentials as DCQL candidates (format, JSON, expanded
  types), the input of request matching (:mod:`wallet.answering.match`). A credential the
  wallet cannot read or expand (an unknown or relative ``@context``, whatever vckit or the
  JSON-LD processor raise for it) is held without a candidate and with its problem: it is
  listed as "cannot be read" and matches nothing, and the pages that list it still open.
* :func:`candidates` — :func:`holdings` and, after each CLR, the credentials it holds
  (:mod:`wallet.sharing.nested`), so a request can be answered with one course of a record
  alone; a nested credential also kept on its own is offered once, as the kept one.
* :func:`credential_ids_in` — which of the learner's credentials a presentation carries
  (for the share log).

No FastAPI here; the pages are in :mod:`wallet.web.pages.present`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vckit.errors import VckitError
from vckit.jose.claims import credential_from_jwt
from vckit.jose.vc_jwt import peek
from vckit.jose.vp_jwt import sign_vp_jwt
from vckit.presentation import build_presentation, sign_presentation
from vckit.protocols.dcql import Candidate, expanded_types
from wallet import accounts, store
from wallet.errors import InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.receiving import kept
from wallet.sharing import disclose, nested
from wallet.store import AccountRecord, CredentialRecord, PresentationRecord

MAX_CREDENTIALS = 50  # in one presentation
UNREADABLE = "the wallet cannot read this credential"
CANNOT_SIGN = "a chosen credential cannot go into a signed presentation"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Held:
    """One credential of the learner, readable for matching: ``candidate`` is None when
    its JSON-LD types cannot be worked out (e.g. an unknown context)."""

    record: CredentialRecord
    name: str
    credential: dict[str, Any] | None
    candidate: Candidate | None
    problem: str | None = None


def _credential_json(record: CredentialRecord) -> tuple[str, dict[str, Any] | None]:
    """(DCQL format, the credential as JSON): ``ldp_vc`` for a JSON-LD credential,
    ``jwt_vc_json`` for a VC-JWT (the credential inside it), ``dc+sd-jwt`` for an SD-JWT
    VC (its claims with every disclosure applied: what DCQL claims paths address)."""
    if isinstance(record.document, dict):
        return "ldp_vc", record.document
    if disclose.is_sd_jwt(record.document):
        return disclose.SD_JWT, disclose.sd_jwt_claims(record.document)
    try:
        _, payload = peek(record.document)
        return "jwt_vc_json", credential_from_jwt(payload)
    except VckitError:
        return "jwt_vc_json", None


def display_name(credential: Mapping[str, Any] | None, record: CredentialRecord) -> str:
    """The credential's name (or its achievement's), else its format and id."""
    if credential is not None:
        if isinstance(credential.get("name"), str):
            return str(credential["name"])
        subject = credential.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict) and isinstance(achievement.get("name"), str):
            return str(achievement["name"])
    return f"{record.format} credential {record.id[:8]}"


def held(record: CredentialRecord) -> Held:
    """The credential ready for matching. Never raises: one held credential that vckit (or
    the JSON-LD processor under it) cannot read must not break every page that lists the
    learner's credentials, so any error is logged and the credential kept as unreadable."""
    try:
        return _held(record)
    except Exception as exc:  # the boundary: whatever reading a held credential raises
        log.warning("held credential %s cannot be read: %s", record.id, type(exc).__name__)
        document = record.document if isinstance(record.document, dict) else None
        return Held(record, display_name(document, record), None, None, UNREADABLE)


def _held(record: CredentialRecord) -> Held:
    fmt, credential = _credential_json(record)
    name = display_name(credential, record)
    if credential is None:
        return Held(record, name, None, None, UNREADABLE)
    try:
        types = expanded_types(credential)
    except VckitError as exc:
        return Held(record, name, credential, None, f"its types cannot be worked out: {exc}")
    return Held(record, name, credential, Candidate(record.id, fmt, credential, types))


def holdings(inst: Installation, account: AccountRecord) -> list[Held]:
    """Every credential of the learner, newest first, ready for matching."""
    return [held(record) for record in kept.all_of(inst, account.id)]


def candidates(inst: Installation, account: AccountRecord) -> list[Held]:
    """:func:`holdings`, each CLR followed by the credentials it holds (not those kept on
    their own too), named with the record they are in."""
    records = kept.all_of(inst, account.id)
    hashes = {record.content_hash for record in records}
    out: list[Held] = []
    for record in records:
        whole = held(record)
        out.append(whole)
        for inner in nested.nested_records(record):
            if inner.content_hash in hashes:
                continue
            part = held(inner)
            out.append(replace(part, name=f"{part.name} (in your record {whole.name})"))
    return out


def _kept_or_nested(
    inst: Installation, account: AccountRecord, credential_id: str
) -> CredentialRecord:
    if nested.split_id(credential_id) is not None:
        return nested.get(inst, account.id, credential_id)
    return kept.get(inst, account.id, credential_id)


def chosen_records(
    inst: Installation, account: AccountRecord, credential_ids: Sequence[str]
) -> list[CredentialRecord]:
    """The learner's credentials of these ids, in the order given (a credential inside one
    of the learner's CLRs by its :func:`wallet.sharing.nested.nested_id`); NotFoundError for
    an id that is not the learner's (another learner's id is simply not found)."""
    ids = list(dict.fromkeys(credential_ids))
    if len(ids) > MAX_CREDENTIALS:
        raise InvalidInputError(f"a presentation holds at most {MAX_CREDENTIALS} credentials")
    return [_kept_or_nested(inst, account, credential_id) for credential_id in ids]


def sign(
    inst: Installation,
    account: AccountRecord,
    records: Sequence[CredentialRecord],
    *,
    challenge: str | None,
    domain: str | None,
) -> dict[str, Any]:
    """A VC 2.0 presentation of ``records`` (JWTs enveloped, §4.13.1) by the learner's
    did:key, signed eddsa-rdfc-2022 with ``proofPurpose: authentication`` bound to
    ``challenge`` and ``domain``."""
    return sign_documents(
        inst, account, [r.document for r in records], challenge=challenge, domain=domain
    )


def sign_documents(
    inst: Installation,
    account: AccountRecord,
    documents: Sequence[dict[str, Any] | str],
    *,
    challenge: str | None,
    domain: str | None,
) -> dict[str, Any]:
    """:func:`sign` for credentials as they will go (e.g. derived ecdsa-sd-2023 ones).
    InvalidInputError when one of them cannot be signed into a presentation (a context the
    JSON-LD processor cannot apply, a term it would drop): it is the credential, not the
    wallet, that is broken."""
    unsigned = build_presentation(list(documents), holder=account.did)
    key = accounts.holder_key(inst, account)
    try:
        return sign_presentation(
            unsigned,
            key,
            verification_method=accounts.holder_method(account),
            challenge=challenge,
            domain=domain,
            created=inst.now(),
        )
    except VckitError as exc:
        raise InvalidInputError(f"{CANNOT_SIGN}: {exc}") from None
    except Exception as exc:  # the boundary: the JSON-LD processor under vckit, on held input
        log.warning("a presentation cannot be signed: %s", type(exc).__name__)
        raise InvalidInputError(f"{CANNOT_SIGN}: the wallet cannot read it") from None


def sign_documents_as_vp_jwt(
    inst: Installation,
    account: AccountRecord,
    documents: Sequence[dict[str, Any] | str],
    *,
    challenge: str,
    domain: str | None,
) -> str:
    """The same presentation as :func:`sign_documents`, secured as a VC-JOSE-COSE ``vp+jwt``
    (§3.2.1) by the holder key: ``nonce`` = challenge, ``aud`` = domain, ``iat`` = now; JWT
    credentials go in enveloped (VC 2.0 §4.13.1), Data Integrity ones as they are."""
    unsigned = build_presentation(list(documents), holder=account.did)
    if not documents:
        unsigned.pop("verifiableCredential", None)
    try:
        return sign_vp_jwt(
            unsigned,
            accounts.holder_key(inst, account),
            kid=accounts.holder_method(account),
            nonce=challenge,
            aud=domain,
            issued_at=inst.now(),
        )
    except VckitError as exc:
        raise InvalidInputError(f"{CANNOT_SIGN}: {exc}") from None


def build(
    inst: Installation,
    account: AccountRecord,
    credential_ids: Sequence[str],
    *,
    challenge: str | None = None,
    domain: str | None = None,
) -> PresentationRecord:
    """Sign a presentation of the chosen credentials and keep it."""
    if not credential_ids:
        raise InvalidInputError("choose at least one credential")
    records = chosen_records(inst, account, credential_ids)
    document = sign(inst, account, records, challenge=challenge, domain=domain)
    with inst.db.transaction() as tx:
        return store.add_presentation(
            tx, account.id, document, created=inst.stamp(), audience=domain
        )


def get(inst: Installation, account: AccountRecord, presentation_id: str) -> PresentationRecord:
    with inst.db.transaction() as tx:
        record = store.get_presentation(tx, account.id, presentation_id)
    if record is None:
        raise NotFoundError("no such presentation")
    return record


def all_of(inst: Installation, account: AccountRecord) -> list[PresentationRecord]:
    """The learner's presentations, newest first."""
    with inst.db.transaction() as tx:
        return store.list_presentations(tx, account.id)


def delete(inst: Installation, account: AccountRecord, presentation_id: str) -> None:
    """Delete a presentation and its share links (the log keeps what was shared)."""
    with inst.db.transaction() as tx:
        if not store.delete_presentation(tx, account.id, presentation_id):
            raise NotFoundError("no such presentation")


def _embedded(item: object) -> dict[str, Any] | str | None:
    """A credential as stored: the JSON object, or the JWT of an enveloped credential."""
    if not isinstance(item, dict):
        return None
    if item.get("type") == "EnvelopedVerifiableCredential" and isinstance(item.get("id"), str):
        head, comma, token = item["id"].partition(",")
        return token if comma and head.startswith("data:") else None
    return item


def credential_ids_in(
    inst: Installation, account: AccountRecord, presentation: Mapping[str, Any]
) -> list[str]:
    """The ids of the learner's credentials that ``presentation`` carries (a credential of a
    CLR by its :func:`wallet.sharing.nested.nested_id`)."""
    items = presentation.get("verifiableCredential", [])
    items = items if isinstance(items, list) else [items]
    found: list[str] = []
    derived: list[dict[str, Any]] = []
    with inst.db.transaction() as tx:
        for item in items:
            document = _embedded(item)
            if document is None:
                continue
            record = store.find_credential_by_hash(tx, account.id, store.credential_hash(document))
            if record is not None:
                found.append(record.id)
            elif isinstance(document, dict):
                derived.append(document)
    inside = {
        inner.content_hash: inner.id
        for record in (kept.all_of(inst, account.id) if derived else ())
        for inner in nested.nested_records(record)
    }
    for document in derived:  # a credential of a CLR; a derived ecdsa-sd-2023 credential
        from_clr = inside.get(store.credential_hash(document))
        found.extend([from_clr] if from_clr else derived_from(inst, account, document))
    return list(dict.fromkeys(found))


def derived_from(
    inst: Installation, account: AccountRecord, shown: Mapping[str, Any] | str
) -> list[str]:
    """The learner's credential a selectively disclosed one was made from: an SD-JWT by
    its issuer-signed JWT, a derived ecdsa-sd-2023 credential by its ``id`` (mandatory)."""
    if isinstance(shown, str):
        issuer_part = disclose.sd_jwt_issuer_part(shown)
        same = [
            h.id
            for h in kept.all_of(inst, account.id)
            if isinstance(h.document, str)
            and disclose.sd_jwt_issuer_part(h.document) == issuer_part
        ]
        return same[:1]
    if not isinstance(shown.get("id"), str):
        return []
    same = [
        h.id
        for h in kept.all_of(inst, account.id)
        if isinstance(h.document, dict) and h.document.get("id") == shown["id"]
    ]
    return same[:1]
