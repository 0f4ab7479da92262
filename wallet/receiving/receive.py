"""Receiving credentials: from an OpenID4VCI offer, an uploaded file, or pasted text; every
credential verified on arrival and kept WITH its report; re-checks, one, all, or due.

::

    from wallet import receive
    offer = receive.start_offer(inst, account, "openid-credential-offer://?...")  # OfferRecord
    receive.needs_tx_code(offer)                    # TxCodePrompt | None: ask the learner first
    got = receive.redeem_offer(inst, account, offer.id, tx_code="493536")  # Received
    receive.drop_offer(inst, account.id, offer.id)  # a waiting or failed offer, removed
    got = receive.receive_file(inst, account, data, filename="badge.png")  # JSON, JWT, PNG, SVG
    got = receive.receive_text(inst, account, text)                # JSON, JWT or SD-JWT
    receive.recheck(inst, account.id, credential_id)   # re-verify one; recheck_all; recheck_due

The offer protocol itself is :mod:`wallet.receiving.offer` (the offer) and
:mod:`wallet.receiving.redeem` (metadata, token, nonce, key proof, credential request);
:mod:`wallet.receiving.progress` runs it, recording each step before it spends anything at the
issuer, so that an offer a crash interrupted goes on after a restart (the background job of
:mod:`wallet.receiving.background`, or the learner's retry). Here: what is done with what
arrives.

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
4. **Keep** (:mod:`wallet.receiving.keeping`): the same credential twice is "already in your
   wallet" (409).
"""

from __future__ import annotations

from typing import Any

from vckit.document import read_input
from vckit.errors import DocumentTooLargeError, NotBakedError, VckitError
from vckit.ob import baking
from wallet import store
from wallet.errors import ConflictError, InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.receiving import offer as receive_offer
from wallet.receiving import progress
from wallet.receiving.check import (
    VERDICTS,
    check,
    recheck,
    recheck_all,
    recheck_due,
)
from wallet.receiving.keeping import Received, format_of, keep
from wallet.receiving.offer import TxCodePrompt
from wallet.receiving.recipient import recipient_of
from wallet.store import AccountRecord, OfferRecord

__all__ = [
    "VERDICTS",
    "OfferRecord",
    "Received",
    "TxCodePrompt",
    "check",
    "format_of",
    "get_offer",
    "keep",
    "list_offers",
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


# --- 4. keeping: wallet.receiving.keeping -------------------------------------------------------

# --- offers (OpenID4VCI) -------------------------------------------------------------------------


def _again(held: OfferRecord) -> OfferRecord:
    if held.state == progress.REDEEMED:
        raise ConflictError("you have redeemed this offer already")
    return held  # in progress, interrupted, or failed and tried again (e.g. a mistyped tx_code)


def start_offer(
    inst: Installation, account: AccountRecord, text: str, *, keep: bool = False
) -> OfferRecord:
    """Read an offer (link, QR text or JSON; fetched when by reference) and keep it pending.
    The same offer again (the same code, or the same ``credential_offer_uri``, which is not
    fetched again: the issuer stops serving it once used) is the offer already held, to be
    retried from where it stopped. ConflictError when this learner has redeemed it already.
    ``keep``: the learner takes it later (the background resume job leaves it alone:
    :func:`wallet.receiving.progress.resume_due`)."""
    reference = receive_offer.reference_of(text)
    if reference is not None:
        with inst.db.transaction() as tx:
            for held in store.list_offers(tx, account.id):
                if (held.progress or {}).get("offer_uri") == reference:
                    return _again(held)
    offer = receive_offer.read_offer(inst.http, text)
    code = receive_offer.pre_authorized_code(offer)
    with inst.db.transaction() as tx:
        for held in store.list_offers(tx, account.id):
            if receive_offer.pre_authorized_code(held.offer) == code:
                return _again(held)
        return store.add_offer(
            tx,
            account.id,
            offer,
            state=progress.PENDING,
            created=inst.stamp(),
            progress=_progress(reference, keep),
        )


def _progress(reference: str | None, keep: bool) -> dict[str, Any] | None:
    found: dict[str, Any] = {} if reference is None else {"offer_uri": reference}
    if keep:
        found[progress.KEPT] = True
    return found or None


def needs_tx_code(offer: OfferRecord) -> TxCodePrompt | None:
    return receive_offer.tx_code_prompt(offer.offer)


def get_offer(inst: Installation, account_id: str, offer_id: str) -> OfferRecord:
    with inst.db.transaction() as tx:
        offer = store.get_offer(tx, account_id, offer_id)
    if offer is None:
        raise NotFoundError("no such offer in your wallet")
    return offer


def list_offers(inst: Installation, account_id: str) -> list[OfferRecord]:
    """The learner's offers, newest first, each with its state."""
    with inst.db.transaction() as tx:
        return store.list_offers(tx, account_id)


def drop_offer(inst: Installation, account_id: str, offer_id: str) -> None:
    """Remove an offer the learner no longer wants (or that expired at the issuer): only one
    waiting or failed; ConflictError for one being received or taken, NotFoundError when the
    learner has no such offer."""
    offer = get_offer(inst, account_id, offer_id)
    droppable = (progress.PENDING, progress.FAILED)
    with inst.db.transaction() as tx:
        if store.delete_offer(tx, account_id, offer_id, states=droppable):
            return
    raise ConflictError(
        "this offer is being received or was taken; only a waiting or failed offer can be removed"
        if offer.state not in droppable
        else "this offer changed meanwhile; look again"
    )


def redeem_offer(
    inst: Installation, account: AccountRecord, offer_id: str, *, tx_code: str | None = None
) -> Received:
    """Run the Pre-Authorized Code Flow for an offer, from the step it stopped at (a retry
    after a crash or a failure sends again what was recorded: :mod:`wallet.receiving.progress`)
    and keep what the issuer sends. A failure is recorded on the offer (``failed``) and raised."""
    offer = get_offer(inst, account.id, offer_id)
    if offer.state == progress.REDEEMED:
        raise ConflictError("you have redeemed this offer already")
    return progress.advance(inst, account, offer.id, tx_code=tx_code)
