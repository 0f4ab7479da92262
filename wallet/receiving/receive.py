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

The offer protocol itself is :mod:`wallet.receiving.offer` (the offer) and
:mod:`wallet.receiving.redeem` (metadata, token, nonce, key proof, credential request).
Here: what is done with what arrives.

1. **Read** (:func:`read_credential`): a baked PNG/SVG gives up its credential
   (:func:`vckit.ob.baking.extract`); text goes through :func:`vckit.document.read_input` (size,
   depth, duplicate keys, JSON, compact JWS or SD-JWT). Anything else is refused (422),
   nothing stored. Kept as ``ldp_vc``, ``jwt_vc_json`` or ``dc+sd-jwt`` (:func:`format_of`).
2. **Whose is it** (:mod:`wallet.receiving.recipient`): a credential about someone else is
   refused; one about an email identity is accepted and flagged; an SD-JWT must be bound to
   the learner's holder key.
3. **Verify** (:mod:`wallet.receiving.check`): the report is kept; the verdict is one of
   :data:`VERDICTS` -- a credential that fails is stored and shown as failed, never as good.
   Re-checks live there too, and are re-exported here.
4. **Keep**: the same credential twice is "already in your wallet" (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import ConflictError as DuplicateKey
from vckit.credential import types_of
from vckit.document import read_input
from vckit.errors import DocumentTooLargeError, NotBakedError, VckitError
from vckit.jose import vc_jwt as jose
from vckit.ob import baking
from wallet import accounts, store
from wallet.errors import ConflictError, InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.receiving import offer as receive_offer
from wallet.receiving import redeem
from wallet.receiving.check import (
    VERDICTS,
    check,
    recheck,
    recheck_all,
    recheck_due,
)
from wallet.receiving.offer import TxCodePrompt
from wallet.receiving.recipient import bound_to_holder, recipient_of
from wallet.sharing import disclose
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

MAX_FILE_BYTES = baking.MAX_IMAGE_BYTES  # an image; the credential inside is bounded again


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


# --- 4. keeping ----------------------------------------------------------------------------------


def keep(
    inst: Installation, account: AccountRecord, document: dict[str, Any] | str, *, source: str
) -> Received:
    """Check whose it is, verify, store with the report. ConflictError when already held."""
    credential = _credential_json(document)
    if "VerifiableCredential" not in types_of(credential):
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
        document = redeem.redeem(
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
