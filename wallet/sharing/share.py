"""Share links and the share log.

A share link is ``<wallet>/s/<token>``: a secret token (256 random bits) naming one of
the learner's presentations, with an expiry the learner picks; the wallet keeps only the
token's SHA-256 (:func:`wallet.store.share_link_id`), so the link is shown once, when it
is made. The learner may withdraw it at any time; an expired or withdrawn link answers
410 Gone, an unknown one 404. Every share (link, OpenID4VP direct_post, download) is
logged: with whom, when, which credentials (:func:`log`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from wallet import store
from wallet.answering import sd as answer_sd
from wallet.errors import InvalidInputError, NotFoundError, ShareLinkGone
from wallet.installation import Installation
from wallet.sharing import disclose, present
from wallet.store import AccountRecord, PresentationRecord, ShareLinkRecord, ShareLogRecord

EXPIRY_CHOICES: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
ANYONE = "anyone with the link"


@dataclass(frozen=True)
class NewLink:
    url: str  # shown once: only its hash is kept
    link: ShareLinkRecord


def link_url(inst: Installation, token: str) -> str:
    return f"{inst.base_url}/s/{token}"


def create_link(
    inst: Installation,
    account: AccountRecord,
    *,
    expiry: str,
    presentation_id: str | None = None,
    credential_ids: Sequence[str] = (),
) -> NewLink:
    """A link to one of the learner's presentations, or to a fresh presentation of the
    chosen credentials (signed by the holder, no challenge: anyone with the link reads
    it), expiring after ``expiry`` (one of :data:`EXPIRY_CHOICES`)."""
    if expiry not in EXPIRY_CHOICES:
        raise InvalidInputError(f"choose an expiry: {', '.join(EXPIRY_CHOICES)}")
    if presentation_id:
        presentation = present.get(inst, account, presentation_id)
    else:
        presentation = present.build(inst, account, credential_ids)
    token = secrets.token_urlsafe(32)
    expires = (inst.now() + EXPIRY_CHOICES[expiry]).isoformat()
    with inst.db.transaction() as tx:
        link = store.add_share_link(
            tx, account.id, token, presentation_id=presentation.id,
            expires_at=expires, created=inst.stamp(),
        )  # fmt: skip
    ids = answer_sd.credential_ids_of(inst, account, [presentation.document])
    with inst.db.transaction() as tx:
        store.add_share_log(
            tx, account.id, kind="share-link", recipient=ANYONE, credential_ids=ids,
            at=inst.stamp(), detail={"presentation": presentation.id, "expires_at": expires},
        )  # fmt: skip
    return NewLink(link_url(inst, token), link)


def create_chosen_link(
    inst: Installation,
    account: AccountRecord,
    credential_id: str,
    *,
    show: Sequence[str] | None,
    expiry: str,
) -> NewLink:
    """A link to one credential with the fields the learner chose (``show``; None: all):
    a derived ecdsa-sd-2023 credential in a presentation signed by the holder, or an
    SD-JWT with only the chosen disclosures (no Key Binding JWT: a link has no nonce)."""
    if expiry not in EXPIRY_CHOICES:
        raise InvalidInputError(f"choose an expiry: {', '.join(EXPIRY_CHOICES)}")
    shown = {} if show is None else {credential_id: show}
    choice = answer_sd.choice_for(inst, account, credential_id, shown)
    if choice.kind == disclose.SD_JWT:
        token = disclose.sd_jwt_for(choice, None)
        with inst.db.transaction() as tx:
            kept = store.add_presentation(tx, account.id, token, created=inst.stamp())
    else:
        kept = answer_sd.signed_ldp(
            inst, account, [credential_id], shown, challenge=None, domain=None
        )
    return create_link(inst, account, expiry=expiry, presentation_id=kept.id)


def download(
    inst: Installation, account: AccountRecord, presentation_id: str
) -> PresentationRecord:
    """One of the learner's presentations, to be downloaded as a file: logged as shared
    (with its audience, or as a downloaded file) with the credentials it carries."""
    record = present.get(inst, account, presentation_id)
    document = record.document
    ids = present.credential_ids_in(inst, account, document) if isinstance(document, dict) else []
    with inst.db.transaction() as tx:
        store.add_share_log(
            tx, account.id, kind="download", recipient=record.audience or "(downloaded file)",
            credential_ids=ids, at=inst.stamp(), detail={"presentation": record.id},
        )  # fmt: skip
    return record


def links(inst: Installation, account: AccountRecord) -> list[ShareLinkRecord]:
    with inst.db.transaction() as tx:
        return store.list_share_links(tx, account.id)


def withdraw(inst: Installation, account: AccountRecord, link_id: str) -> None:
    """Withdraw a link now (NotFoundError when it is not the learner's or already withdrawn)."""
    with inst.db.transaction() as tx:
        if not store.withdraw_share_link(tx, account.id, link_id, inst.stamp()):
            raise NotFoundError("no such share link, or it was withdrawn already")


def status(link: ShareLinkRecord, now: datetime) -> str:
    """``active``, ``expired`` or ``withdrawn``."""
    if link.withdrawn_at is not None:
        return "withdrawn"
    return "expired" if datetime.fromisoformat(link.expires_at) <= now else "active"


def open_link(inst: Installation, token: str) -> tuple[ShareLinkRecord, PresentationRecord]:
    """For a visitor holding the token: the presentation, unless the link is unknown
    (NotFoundError), withdrawn or expired (ShareLinkGone)."""
    if not token or len(token) > 200:
        raise NotFoundError("no such share link")
    with inst.db.transaction() as tx:
        found = store.open_share_link(tx, token)
    if found is None:
        raise NotFoundError("no such share link")
    link, presentation = found
    state = status(link, inst.now())
    if state == "withdrawn":
        raise ShareLinkGone("the holder withdrew this link")
    if state == "expired":
        raise ShareLinkGone(f"this link expired at {link.expires_at}")
    return link, presentation


def log(inst: Installation, account: AccountRecord) -> list[ShareLogRecord]:
    """Everything the learner shared, newest first."""
    with inst.db.transaction() as tx:
        return store.list_share_log(tx, account.id)
