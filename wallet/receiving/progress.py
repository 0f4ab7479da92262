"""Redeeming an offer step by step, each step recorded BEFORE it spends anything at the issuer,
so that a wallet killed half way goes on after a restart from where it stopped.

The protocol steps are :mod:`wallet.receiving.redeem`; here is what the wallet remembers
between them (``offers.state``, :mod:`wallet.store.offers`):

=============  ===============================================================================
pending        read; nothing sent to the issuer yet
authorizing    the Token Request is going out: the single-use pre-authorized code may be spent
authorized     the access token (a column of its own: a secret), its expiry, the chosen
               configuration and the issuer's endpoints are stored
requested      the exact Credential Request (key proof over a c_nonce) is stored, then sent;
               sent again after a crash, it gets the credential issued the first time (the
               issuer answers a repeat under the same access token with the same credential,
               OpenID4VCI 1.0 §14.3)
redeemed       the credential is stored, in the same transaction as this state
failed         ``error`` says why for the learner; a retry goes on from what was stored
=============  ===============================================================================

:func:`advance` runs the steps from the recorded state: the learner's request, a retry from
the offer page or the API, and :func:`resume_due`, the background job that picks up what a
restart interrupted (:mod:`wallet.receiving.background`). Every state change is
compare-and-set, so two workers on one offer never both move it; in one process a worker
holds the offer (:data:`BUSY`) and the other waits or skips it.

Only the Token Request cannot simply be repeated: the pre-authorized code is single use
(§4.1.1). An offer left ``authorizing`` by a worker that is gone (it last changed before
this process started, or longer ago than a request can take) is asked for again: if the
crash came before the issuer spent the code, that gets the token; if after, the issuer
refuses the spent code and the offer is failed with that reason for the learner (or with
:data:`INTERRUPTED` when the retry needs the Transaction Code, which is never stored). The
window is the issuer's commit of the code to the wallet's commit of the token: one answer on
its way. The issuer uses no DPoP (RFC 9449), so there is no DPoP key to keep.

One wallet process per database is assumed for the "before this process started" rule;
with several, another process's ``authorizing`` is taken for dead only after the timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NoReturn

from servicekit.db import Tx
from wallet import accounts, store
from wallet.errors import ConflictError, InvalidInputError, NotFoundError, WalletError
from wallet.installation import Installation
from wallet.receiving import redeem
from wallet.receiving.keeping import AlreadyHeld, Received, keep
from wallet.receiving.offer import OfferError, TxCodeMissing, tx_code_prompt
from wallet.store import AccountRecord, CredentialRecord, OfferRecord

log = logging.getLogger(__name__)

PENDING, AUTHORIZING, AUTHORIZED = "pending", "authorizing", "authorized"
REQUESTED, REDEEMED, FAILED = "requested", "redeemed", "failed"
IN_FLIGHT = (PENDING, AUTHORIZING, AUTHORIZED, REQUESTED)
KEPT = "kept"  # in an offer's progress: kept for later, the learner takes it (not resumed)
STALE_MARGIN = 5.0  # seconds beyond the outbound timeout before "authorizing" counts as dead
MAX_NONCE_REFUSALS = 2
INTERRUPTED = (
    "the wallet stopped while asking the issuer for an access token, and the answer was "
    "lost. Try again: if the issuer says the offer was used already, ask it for a new offer"
)
ASKED_AGAIN = "the wallet stopped while asking the issuer for an access token; asked again,"


class Busy:
    """The offers this process is working on: one worker per offer (others wait or skip)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._ids: set[str] = set()

    def claim(self, offer_id: str, timeout: float) -> bool:
        with self._changed:
            if not self._changed.wait_for(lambda: offer_id not in self._ids, timeout):
                return False
            self._ids.add(offer_id)
            return True

    def release(self, offer_id: str) -> None:
        with self._changed:
            self._ids.discard(offer_id)
            self._changed.notify_all()


BUSY = Busy()  # per process, like the threads that use it


class _Moved(Exception):
    """Another worker changed the offer's state first: read it again."""


def step_of(offer: OfferRecord) -> str:
    """The step to run next: the state, or for a failed offer what its stored data allows."""
    if offer.state != FAILED:
        return offer.state
    if offer.request is not None:
        return REQUESTED
    if offer.access_token is not None:
        return AUTHORIZED
    return PENDING


def abandoned(inst: Installation, offer: OfferRecord, since: str | None = None) -> bool:
    """Its worker is gone: unchanged since before ``since`` (when this process started) or
    for longer than one outbound request can take."""
    changed = datetime.fromisoformat(offer.updated)
    if since is not None and changed < datetime.fromisoformat(since):
        return True
    limit = timedelta(seconds=inst.settings.fetch_timeout + STALE_MARGIN)
    return inst.now() - changed > limit


def _pause(inst: Installation, times: float = 1) -> None:
    """Tests only (``LER_WALLET_TEST_STEP_DELAY``): wait after a recorded step."""
    if inst.settings.test_step_delay > 0:
        time.sleep(inst.settings.test_step_delay * times)


def _move(
    inst: Installation, offer: OfferRecord, state: str, *, error: str | None = None, **columns: Any
) -> bool:
    with inst.db.transaction() as tx:
        return store.advance_offer(
            tx,
            offer.account_id,
            offer.id,
            expect=offer.state,
            state=state,
            updated=inst.stamp(),
            error=error,
            **columns,
        )


def _fail(inst: Installation, offer: OfferRecord, exc: Exception) -> NoReturn:
    """Record the failure on the offer (if no other worker moved it) and raise ``exc``."""
    _move(inst, offer, FAILED, error=str(exc)[:1000])
    raise exc


# --- the steps ----------------------------------------------------------------------------------


def _authorize(inst: Installation, offer: OfferRecord, tx_code: str | None) -> None:
    """pending -> authorizing -> authorized: metadata, configuration, the Token Request."""
    try:
        form = redeem.token_form(offer.offer, tx_code)
    except TxCodeMissing:  # nothing recorded: the learner gives the code and tries again
        raise
    except OfferError as exc:
        _fail(inst, offer, exc)
    try:
        metadata = redeem.fetch_metadata(inst.http, offer.offer)
        plan = redeem.Plan.of(metadata, redeem.choose_configuration(metadata, offer.offer))
    except OfferError as exc:
        _fail(inst, offer, exc)
    progress = {**(offer.progress or {}), "plan": plan.to_json()}
    if not _move(inst, offer, AUTHORIZING, progress=progress):
        return
    sent = replace(offer, state=AUTHORIZING)
    try:
        token = redeem.request_token(
            inst.http, metadata.token_endpoint, form, plan.configuration_id
        )
    except OfferError as exc:
        if offer.state == AUTHORIZING:  # asked again after a crash: say so
            exc = OfferError(f"{ASKED_AGAIN} {exc}")
        _fail(inst, sent, exc)
    if token.expires_in is not None:
        progress["token_expires"] = (inst.now() + timedelta(seconds=token.expires_in)).isoformat()
    progress["credential_identifier"] = token.credential_identifier
    if not _move(inst, sent, AUTHORIZED, access_token=token.access_token, progress=progress):
        log.warning("offer %s: its access token arrived after it was given up", offer.id)
    _pause(inst)


def _prepare(inst: Installation, account: AccountRecord, offer: OfferRecord) -> None:
    """authorized -> requested: a c_nonce and the key proof; the request body is stored."""
    progress = dict(offer.progress or {})
    plan = redeem.Plan.from_json(progress["plan"])
    try:
        nonce = redeem.request_nonce(inst.http, plan.nonce_endpoint)
    except OfferError as exc:
        _fail(inst, offer, exc)
    body = redeem.credential_request(
        plan,
        nonce=nonce,
        credential_identifier=progress.get("credential_identifier"),
        key=accounts.holder_key(inst, account),
        kid=accounts.holder_method(account),
        now=inst.now(),
    )
    progress["c_nonce"] = nonce
    if _move(inst, offer, REQUESTED, request=body, progress=progress):
        _pause(inst)


def _fetch(inst: Installation, account: AccountRecord, offer: OfferRecord) -> Received | None:
    """requested -> redeemed: send the stored request with the stored token and keep what
    arrives with the state change. None when the step must be run again."""
    progress = dict(offer.progress or {})
    plan = redeem.Plan.from_json(progress["plan"])
    if offer.access_token is None or offer.request is None:
        _fail(inst, offer, OfferError("the offer's recorded progress is incomplete"))
    try:
        document = redeem.send_credential_request(
            inst.http, plan, str(offer.access_token), offer.request or {}
        )
    except redeem.NonceRefused as exc:  # the stored proof's nonce is too old: a new one
        refusals = int(progress.get("nonce_refusals", 0)) + 1
        if refusals >= MAX_NONCE_REFUSALS:
            _fail(inst, offer, OfferError(f"the issuer refused {refusals} fresh nonces: {exc}"))
        progress["nonce_refusals"] = refusals
        _move(inst, offer, AUTHORIZED, request=None, progress=progress)
        return None
    except OfferError as exc:
        _fail(inst, offer, exc)
    _pause(inst, 2)  # the credential is here, not yet stored: where crashes used to lose it

    def redeemed(tx: Tx, record: CredentialRecord) -> None:
        if not store.advance_offer(
            tx,
            account.id,
            offer.id,
            expect=offer.state,
            state=REDEEMED,
            updated=inst.stamp(),
            credential_id=record.id,
            access_token=None,  # no longer needed: not kept
        ):
            raise _Moved(offer.id)

    try:
        return keep(inst, account, document, source="offer", then=redeemed)
    except _Moved:
        return None
    except AlreadyHeld as exc:  # the learner holds it already: the offer gave that one
        held = exc.held or _find_held(inst, account, document)
        if held is None or not _move(inst, offer, REDEEMED, credential_id=held, access_token=None):
            return None
        return _received(inst, account, held)
    except InvalidInputError as exc:  # e.g. about someone else: refused, and recorded
        _fail(inst, offer, exc)
    return None


def _find_held(
    inst: Installation, account: AccountRecord, document: dict[str, Any] | str
) -> str | None:
    with inst.db.transaction() as tx:
        found = store.find_credential_by_hash(tx, account.id, store.credential_hash(document))
    return None if found is None else found.id


def _received(inst: Installation, account: AccountRecord, credential_id: str) -> Received:
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, account.id, credential_id)
    if record is None:
        raise NotFoundError("the credential of this offer is no longer in your wallet")
    return Received(record, dict((record.report or {}).get("recipient") or {}))


# --- running them --------------------------------------------------------------------------------


def advance(
    inst: Installation,
    account: AccountRecord,
    offer_id: str,
    *,
    tx_code: str | None = None,
    wait: bool = True,
    since: str | None = None,
) -> Received:
    """Run the offer's steps from its recorded state to the credential (see the module
    docstring). ``wait``: for another worker of this process to let go of the offer (else
    ConflictError at once); ``since``: when this process started (:func:`abandoned`).
    Errors are recorded on the offer and raised."""
    if not BUSY.claim(offer_id, 6 * inst.settings.fetch_timeout if wait else 0):
        raise ConflictError("this offer is being received right now; look again in a moment")
    try:
        for _ in range(12):  # each pass moves the offer on, or another worker did
            with inst.db.transaction() as tx:
                offer = store.get_offer(tx, account.id, offer_id)
            if offer is None:
                raise NotFoundError("no such offer in your wallet")
            step = step_of(offer)
            if step == REDEEMED and offer.credential_id is not None:
                return _received(inst, account, offer.credential_id)
            if step == AUTHORIZING:
                if not abandoned(inst, offer, since):
                    raise ConflictError("the issuer is being asked for this offer's token")
                if tx_code is None and tx_code_prompt(offer.offer) is not None:
                    _fail(inst, offer, OfferError(INTERRUPTED))
                step = PENDING  # its answer was lost: ask again (a spent code is refused)
            if step == PENDING:
                _authorize(inst, offer, tx_code)
            elif step == AUTHORIZED:
                _prepare(inst, account, offer)
            elif step == REQUESTED:
                got = _fetch(inst, account, offer)
                if got is not None:
                    return got
        raise OfferError("receiving this offer did not settle; try again")
    finally:
        BUSY.release(offer_id)


def resume_due(inst: Installation, since: str | None = None) -> int:
    """The background job's run: go on with every offer a restart interrupted (``since``:
    when this process started), not one this process is working on, not one waiting for the
    learner's Transaction Code or kept for later. Returns the offers looked at."""
    with inst.db.transaction() as tx:
        found = store.offers_in_states(tx, IN_FLIGHT)
    for offer in found:
        if offer.state == AUTHORIZING and not abandoned(inst, offer, since):
            continue  # a live worker's Token Request (another process)
        with inst.db.transaction() as tx:
            account = store.get_account(tx, offer.account_id)
        try:
            if offer.state == PENDING and tx_code_prompt(offer.offer) is not None:
                continue  # the learner has not given the code yet
            if offer.state == PENDING and (offer.progress or {}).get(KEPT):
                continue  # kept for later: the learner takes it
            if account is not None:
                advance(inst, account, offer.id, wait=False, since=since)
        except WalletError as exc:  # recorded on the offer, for the learner; one bad offer
            log.info("offer %s not resumed: %s", offer.id, exc)  # never stops the others
    return len(found)
