"""Receiving credentials: from an OpenID4VCI offer, an uploaded file, or pasted text; every
credential verified on arrival and kept WITH its report; re-checks, one, all, or due.

::

    from wallet import receive
    offer = receive.start_offer(inst, account, "openid-credential-offer://?...")  # OfferRecord
    receive.needs_tx_code(offer)                    # TxCodePrompt | None: ask the learner first
    got = receive.redeem_offer(inst, account, offer.id, tx_code="493536")  # Received
    got = receive.receive_file(inst, account, data, filename="badge.png")  # JSON, JWT, PNG, SVG
    got = receive.receive_text(inst, account, text)                # JSON, JWT or SD-JWT
    receive.recheck(inst, account.id, credential_id)   # re-verify one; recheck_all; recheck_due

The offer protocol itself (metadata, token, nonce, key proof, credential request) is
:mod:`wallet.receive_offer`. Here: what is done with what arrives.

1. **Read** (:func:`read_credential`): a baked PNG/SVG gives up its credential
   (:func:`vckit.baking.extract`); text goes through :func:`vckit.document.read_input` (size,
   depth, duplicate keys, JSON, compact JWS or SD-JWT). Anything else is refused (422),
   nothing stored. Kept as ``ldp_vc``, ``jwt_vc_json`` or ``dc+sd-jwt`` (:func:`format_of`).
2. **Whose is it** (:func:`recipient_of`): a credential about another DID than the learner's is
   refused ("this credential is about someone else"); one whose subject is named only by an
   OB 3.0 ``IdentityObject`` (an email) is accepted and flagged, with whether the hash
   matches the account's email. An SD-JWT must be bound (``cnf.jwk``) to the learner's
   holder key (:func:`bound_to_holder`), else it is refused the same way.
3. **Verify** (:func:`check`): :func:`vckit.verify.verify`, did:web documents and status lists
   fetched through the wallet's one outbound client. The report is kept; the verdict is one of
   :data:`VERDICTS` -- a credential that fails is stored and shown as failed, never as good.
4. **Keep**: the same credential twice is "already in your wallet" (409).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from servicekit.db import ConflictError as DuplicateKey
from vckit import baking, jose
from vckit.did import DidResolver
from vckit.document import read_input
from vckit.errors import DocumentTooLargeError, NotBakedError, VckitError
from vckit.report import FAIL, PASS, Report
from vckit.verify import VerifyOptions, verify
from wallet import accounts, disclose, receive_offer, store
from wallet.errors import ConflictError, InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.receive_offer import TxCodePrompt
from wallet.store import AccountRecord, CredentialRecord, OfferRecord

__all__ = [
    "VERDICTS",
    "Received",
    "TxCodePrompt",
    "check",
    "needs_tx_code",
    "read_credential",
    "receive_file",
    "receive_text",
    "recheck",
    "recheck_all",
    "recheck_due",
    "recipient_of",
    "redeem_offer",
    "start_offer",
]

VERIFIED, FAILED, REVOKED, SUSPENDED, UNCHECKED = (
    "verified",
    "failed",
    "revoked",
    "suspended",
    "unchecked",
)
VERDICTS = (VERIFIED, FAILED, REVOKED, SUSPENDED, UNCHECKED)
"""``verified``: every check passed. ``revoked`` / ``suspended``: only the status check
failed, with that purpose. ``failed``: any other failing check. ``unchecked``: nothing failed
but some check could not run (e.g. the issuer's DID document could not be fetched)."""

MAX_FILE_BYTES = baking.MAX_IMAGE_BYTES  # an image; the credential inside is bounded again
RECHECK_AFTER = timedelta(hours=24)
ABOUT_SOMEONE_ELSE = "this credential is about someone else: its subject is {}, you are {}"


@dataclass(frozen=True)
class Received:
    record: CredentialRecord
    recipient: dict[str, Any]


# --- 1. reading what arrives -----------------------------------------------------------------


def read_credential(data: bytes | str) -> dict[str, Any] | str:
    """The credential in a file or pasted text: a JSON object, or a compact JWS (VC-JWT);
    a PNG or SVG is read as a baked badge (OB 3.0 §5.3). InvalidInputError otherwise."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInputError(f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
    try:
        if baking.image_kind(raw) is not None:
            return baking.extract(raw)
        parsed = read_input(raw)
    except NotBakedError:
        raise InvalidInputError("this image has no credential baked into it") from None
    except DocumentTooLargeError as exc:
        raise InvalidInputError(f"too large: {exc}") from None
    except VckitError as exc:
        raise InvalidInputError(f"this is not a credential the wallet can read: {exc}") from None
    if parsed.format == "json" and parsed.json is not None:
        return parsed.json
    if parsed.format in ("jwt", "sd-jwt") and parsed.text is not None:
        return parsed.text
    raise InvalidInputError("this is not a credential the wallet can read")


def _credential_json(document: dict[str, Any] | str) -> dict[str, Any]:
    """The credential's JSON: the document, or the (unverified) credential in a JWT or an
    SD-JWT (its claims, every disclosure applied, without the JWT claims)."""
    if isinstance(document, dict):
        return document
    if disclose.is_sd_jwt(document):
        view = disclose.sd_jwt_claims(document, view=True)
        if view is None:
            raise InvalidInputError("this SD-JWT cannot be read")
        return view
    try:
        _, payload = jose.peek(document)
        return jose.credential_from_jwt(payload)
    except VckitError as exc:
        raise InvalidInputError(f"this JWT is not a credential: {exc}") from None


# --- 2. whose is it ----------------------------------------------------------------------------


def _subjects(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = credential.get("credentialSubject")
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _email_hash_matches(identity: Mapping[str, Any], email: str) -> bool:
    """OB 3.0 IdentityObject: ``identityHash`` is the address itself, or when ``hashed``
    ``sha256$`` + hex SHA-256 of the address followed by ``salt``."""
    value = str(identity.get("identityHash", ""))
    if not identity.get("hashed"):
        return value.strip().lower() == email
    salted = (email + str(identity.get("salt") or "")).encode()
    return value.lower() == "sha256$" + hashlib.sha256(salted).hexdigest()


def recipient_of(credential: Mapping[str, Any], account: AccountRecord) -> dict[str, Any]:
    """Who the credential is about, as a note kept with its report. InvalidInputError when a
    subject is another DID and none is the learner's."""
    subjects = _subjects(credential)
    ids = [str(s["id"]) for s in subjects if isinstance(s.get("id"), str)]
    if account.did in ids:
        return {"kind": "did", "detail": "issued to your DID", "id": account.did}
    other_dids = [value for value in ids if value.startswith("did:")]
    if other_dids:
        raise InvalidInputError(ABOUT_SOMEONE_ELSE.format(other_dids[0][:120], account.did))
    for subject in subjects:
        identifiers = subject.get("identifier")
        for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(identity, Mapping) and identity.get("identityType") == "emailAddress":
                matches = _email_hash_matches(identity, account.email)
                detail = "issued to an email identity" + (
                    ", which matches your account's email"
                    if matches
                    else ", which is not your account's email"
                )
                return {"kind": "email", "detail": detail, "matches": matches}
    if ids:
        return {"kind": "other", "detail": f"its subject is {ids[0][:120]}, not a DID"}
    return {"kind": "none", "detail": "the credential names no subject"}


# --- 3. verifying --------------------------------------------------------------------------------


def verify_options(inst: Installation) -> VerifyOptions:
    """did:web documents and status lists through the wallet's outbound client; now."""
    return VerifyOptions(
        resolver=DidResolver(inst.http.fetch), fetch_status_list=inst.http.fetch, now=inst.now()
    )


def verdict_of(report: Report) -> str:
    """One of :data:`VERDICTS` (a revoked credential is not merely "failed")."""
    if report.verdict == PASS:
        return VERIFIED
    if report.verdict != FAIL:
        return UNCHECKED
    failed = [c for c in report.all_checks() if c.status == FAIL]
    if len(failed) == 1 and failed[0].id == "status":
        if failed[0].detail.startswith("revocation:"):
            return REVOKED
        if failed[0].detail.startswith("suspension:"):
            return SUSPENDED
    return FAILED


def check(inst: Installation, document: dict[str, Any] | str) -> tuple[dict[str, Any], str]:
    """Verify a credential: (the report as JSON, its verdict). InvalidInputError when it is
    not a credential at all (a presentation, not a VC)."""
    if isinstance(document, dict) and "VerifiablePresentation" in _types(document):
        raise InvalidInputError("this is a presentation, not a credential")
    try:
        report = verify(document, verify_options(inst))
    except VckitError as exc:
        raise InvalidInputError(f"this is not a credential the wallet can check: {exc}") from None
    return report.to_json(), verdict_of(report)


def _types(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    return [value] if isinstance(value, str) else [t for t in value or [] if isinstance(t, str)]


# --- 4. keeping ----------------------------------------------------------------------------------


def keep(
    inst: Installation, account: AccountRecord, document: dict[str, Any] | str, *, source: str
) -> Received:
    """Check whose it is, verify, store with the report. ConflictError when already held."""
    credential = _credential_json(document)
    if "VerifiableCredential" not in _types(credential):
        raise InvalidInputError(
            "this is not a verifiable credential (no VerifiableCredential type)"
        )
    recipient = recipient_of(credential, account)
    if disclose.is_sd_jwt(document):
        recipient = bound_to_holder(inst, account, str(document), recipient)
    with inst.db.transaction() as tx:
        held = store.find_credential_by_hash(tx, account.id, store.credential_hash(document))
    if held is not None:
        raise ConflictError("this credential is already in your wallet")
    report, verdict = check(inst, document)
    report["recipient"] = recipient
    try:
        with inst.db.transaction() as tx:
            record = store.add_credential(
                tx,
                account.id,
                document,
                format=format_of(document),
                source=source,
                received_at=inst.stamp(),
                report=report,
                verdict=verdict,
                checked_at=inst.stamp(),
            )
    except DuplicateKey:  # the same credential arrived twice at once
        raise ConflictError("this credential is already in your wallet") from None
    return Received(record, recipient)


def format_of(document: dict[str, Any] | str) -> str:
    """The format a credential is kept as (the OpenID4VCI / DCQL format identifier)."""
    if isinstance(document, dict):
        return "ldp_vc"
    return disclose.SD_JWT if disclose.is_sd_jwt(document) else "jwt_vc_json"


def bound_to_holder(
    inst: Installation, account: AccountRecord, token: str, recipient: dict[str, Any]
) -> dict[str, Any]:
    """An SD-JWT is presented with a Key Binding JWT signed by the key in its ``cnf``
    (RFC 9901 §4.1.2): refused unless that key is the learner's holder key."""
    claims = disclose.sd_jwt_claims(token) or {}
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        raise InvalidInputError(
            "this SD-JWT names no holder key (cnf.jwk): you could not present it as yours"
        )
    mine = accounts.holder_key(inst, account).public.to_jwk()
    if any(jwk.get(name) != mine.get(name) for name in ("kty", "crv", "x", "y")):
        raise InvalidInputError(
            "this credential is about someone else: it is bound to another key (cnf), "
            f"not your holder key ({account.did})"
        )
    return {**recipient, "holder_key": "bound to your holder key (cnf)"}


def receive_file(
    inst: Installation, account: AccountRecord, data: bytes, *, filename: str | None = None
) -> Received:
    """An uploaded file: a JSON credential, a VC-JWT, or a baked PNG / SVG badge."""
    if not data:
        raise InvalidInputError("the file is empty")
    return keep(inst, account, read_credential(data), source="upload")


def receive_text(inst: Installation, account: AccountRecord, text: str) -> Received:
    """Pasted text: a JSON credential, a VC-JWT or an SD-JWT (``<jwt>~<disclosure>~...~``)."""
    if not text.strip():
        raise InvalidInputError("paste a credential: its JSON, or the VC-JWT")
    return keep(inst, account, read_credential(text), source="paste")


# --- offers (OpenID4VCI) -------------------------------------------------------------------------


def start_offer(inst: Installation, account: AccountRecord, text: str) -> OfferRecord:
    """Read an offer (link, QR text or JSON; fetched when by reference) and keep it pending.
    ConflictError when this learner has redeemed the same offer already."""
    offer = receive_offer.read_offer(inst.http, text)
    code = receive_offer.pre_authorized_code(offer)
    with inst.db.transaction() as tx:
        for held in store.list_offers(tx, account.id):
            if receive_offer.pre_authorized_code(held.offer) != code:
                continue
            if held.state == "redeemed":
                raise ConflictError("you have redeemed this offer already")
            return held  # pending, or failed and tried again (e.g. a mistyped tx_code)
        return store.add_offer(tx, account.id, offer, state="pending", created=inst.stamp())


def needs_tx_code(offer: OfferRecord) -> TxCodePrompt | None:
    return receive_offer.tx_code_prompt(offer.offer)


def get_offer(inst: Installation, account_id: str, offer_id: str) -> OfferRecord:
    with inst.db.transaction() as tx:
        offer = store.get_offer(tx, account_id, offer_id)
    if offer is None:
        raise NotFoundError("no such offer in your wallet")
    return offer


def redeem_offer(
    inst: Installation, account: AccountRecord, offer_id: str, *, tx_code: str | None = None
) -> Received:
    """Run the Pre-Authorized Code Flow for a pending offer and keep what the issuer sends.
    A failure is recorded on the offer (state ``failed``) and raised."""
    offer = get_offer(inst, account.id, offer_id)
    if offer.state == "redeemed":
        raise ConflictError("you have redeemed this offer already")
    try:
        document = receive_offer.redeem(
            inst.http,
            offer.offer,
            key=accounts.holder_key(inst, account),
            kid=accounts.holder_method(account),
            now=inst.now(),
            tx_code=tx_code,
        )
        received = keep(inst, account, document, source="offer")
    except receive_offer.TxCodeMissing:
        raise
    except (InvalidInputError, ConflictError) as exc:
        with inst.db.transaction() as tx:
            store.update_offer(
                tx, account.id, offer.id, state="failed", updated=inst.stamp(), error=str(exc)
            )
        raise
    with inst.db.transaction() as tx:
        store.update_offer(
            tx,
            account.id,
            offer.id,
            state="redeemed",
            updated=inst.stamp(),
            credential_id=received.record.id,
        )
    return received


# --- re-checking -------------------------------------------------------------------------------


def _recheck_record(inst: Installation, record: CredentialRecord) -> CredentialRecord:
    """Verify a held credential again (its status may have changed); keep the new report."""
    try:
        report, verdict = check(inst, record.document)
    except InvalidInputError as exc:  # held, yet no longer checkable: say so, never "good"
        report, verdict = {"verdict": FAIL, "checks": [], "error": str(exc)}, FAILED
    previous = record.report or {}
    if "recipient" in previous:
        report["recipient"] = previous["recipient"]
    with inst.db.transaction() as tx:
        store.update_check(
            tx,
            record.account_id,
            record.id,
            report=report,
            verdict=verdict,
            checked_at=inst.stamp(),
        )
        fresh = store.get_credential(tx, record.account_id, record.id)
    if fresh is None:  # deleted meanwhile
        raise NotFoundError("no such credential in your wallet")
    return fresh


def recheck(inst: Installation, account_id: str, credential_id: str) -> CredentialRecord:
    """Re-verify one of the learner's credentials (NotFoundError for anyone else's)."""
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, account_id, credential_id)
    if record is None:
        raise NotFoundError("no such credential in your wallet")
    return _recheck_record(inst, record)


def recheck_all(inst: Installation, account_id: str) -> list[CredentialRecord]:
    """Re-verify every credential of the learner."""
    with inst.db.transaction() as tx:
        records = store.list_credentials(tx, account_id)
    return [_recheck_record(inst, record) for record in records]


def recheck_due(inst: Installation, *, every: timedelta = RECHECK_AFTER, limit: int = 100) -> int:
    """The background job's step, across accounts: re-verify up to ``limit`` credentials
    last checked more than ``every`` ago. Returns how many were checked."""
    before = (inst.now() - every).astimezone(UTC).isoformat()
    with inst.db.transaction() as tx:
        due = store.credentials_to_recheck(tx, before, limit)
    done = 0
    for record in due:
        try:
            _recheck_record(inst, record)
        except NotFoundError:
            continue
        done += 1
    return done
