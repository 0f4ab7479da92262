"""All of the wallet's SQL, one module a table (or two close tables). Every function takes an
open transaction (:class:`servicekit.db.Tx`) and, except where its name says otherwise, the
``account_id`` whose rows it may touch: another learner's record is simply not found
(``None`` / ``False``), whatever id is asked.

API note for the use cases (``accounts/``, ``receiving/``, ``answering/``, ``sharing/``,
``views/``; never ``web/``, which calls them): use the package, not its modules::

    from wallet import store
    with inst.db.transaction() as tx:               # inst: wallet.installation.Installation
        record = store.add_credential(tx, account_id, document, format="ldp_vc",
                                      source="upload", received_at=inst.stamp(),
                                      report=report_dict, verdict="verified",
                                      checked_at=inst.stamp())        # CredentialRecord
        same = store.find_credential_by_hash(tx, account_id, store.credential_hash(document))
        rows = store.list_credentials(tx, account_id)               # newest first

Records are frozen dataclasses; JSON columns come back decoded. ``document`` is a dict for
JSON-LD credentials and presentations, a str for a JWT (stored as sent). Ids are made here
(:func:`new_id`, 32 hex digits) unless given. A duplicate key raises
:class:`servicekit.db.ConflictError`, which rolls the whole transaction back; so call
:func:`find_credential_by_hash` first to tell the learner "you have this one already".

* columns.py        new_id, load_json, decode_document (how values sit in columns; no SQL)
* accounts.py       add_account, get_account, get_account_by_email, set_password_hash,
                    bump_session_epoch, delete_account (every row of the account),
                    rows_of_account (every row of every table, for accounts.export)
* credentials.py    credential_hash, add_credential, get_credential, find_credential_by_hash,
                    list_credentials, update_check, replace_credential, delete_credential,
                    credentials_to_recheck (across accounts: the background re-check only)
* presentations.py  add_presentation, get_presentation, list_presentations,
                    delete_presentation
* shares.py         share links: share_link_id (SHA-256 of the secret token: the id stored),
                    add_share_link, get_share_link, list_share_links, withdraw_share_link,
                    open_share_link (no account: a visitor holding the token);
                    share log: add_share_log, list_share_log
* offers.py         add_offer, get_offer, list_offers, advance_offer (compare-and-set),
                    delete_offer (compare-and-delete),
                    offers_in_states (across accounts: the background resume only)
                    (OpenID4VCI)
* requests.py       add_request, get_request, find_request_by_nonce, list_requests,
                    update_request (OpenID4VP, VC-API)
* oauth.py          the Open Badges host's OAuth tables (clients, grants, codes, tokens) and
                    the learner's OB profile; used as a module (``from wallet.store import
                    oauth``) by ``wallet.host`` only
* recheck_jobs.py   add_recheck_job, get_recheck_job, unfinished_recheck_job,
                    start_recheck_job, advance_recheck_job, finish_recheck_job,
                    note_recheck_job, unfinished_recheck_jobs (across accounts: the worker only)
"""

from __future__ import annotations

from wallet.store.accounts import (
    ACCOUNT_TABLES,
    AccountRecord,
    add_account,
    bump_session_epoch,
    delete_account,
    get_account,
    get_account_by_email,
    rows_of_account,
    set_password_hash,
)
from wallet.store.columns import decode_document, load_json, new_id
from wallet.store.credentials import (
    CredentialRecord,
    add_credential,
    credential_hash,
    credentials_to_recheck,
    delete_credential,
    find_credential_by_hash,
    get_credential,
    list_credentials,
    replace_credential,
    update_check,
)
from wallet.store.offers import (
    OfferRecord,
    add_offer,
    advance_offer,
    delete_offer,
    get_offer,
    list_offers,
    offers_in_states,
)
from wallet.store.presentations import (
    PresentationRecord,
    add_presentation,
    delete_presentation,
    get_presentation,
    list_presentations,
)
from wallet.store.recheck_jobs import (
    RecheckJobRecord,
    add_recheck_job,
    advance_recheck_job,
    finish_recheck_job,
    get_recheck_job,
    note_recheck_job,
    start_recheck_job,
    unfinished_recheck_job,
    unfinished_recheck_jobs,
)
from wallet.store.requests import (
    RequestRecord,
    add_request,
    find_request_by_nonce,
    get_request,
    list_requests,
    update_request,
)
from wallet.store.shares import (
    ShareLinkRecord,
    ShareLogRecord,
    add_share_link,
    add_share_log,
    get_share_link,
    list_share_links,
    list_share_log,
    open_share_link,
    share_link_id,
    withdraw_share_link,
)

__all__ = [
    "ACCOUNT_TABLES",
    "AccountRecord",
    "CredentialRecord",
    "OfferRecord",
    "PresentationRecord",
    "RequestRecord",
    "ShareLinkRecord",
    "ShareLogRecord",
    "add_account",
    "add_credential",
    "add_offer",
    "add_presentation",
    "add_request",
    "add_share_link",
    "add_share_log",
    "advance_offer",
    "bump_session_epoch",
    "credential_hash",
    "credentials_to_recheck",
    "decode_document",
    "delete_account",
    "delete_credential",
    "delete_offer",
    "delete_presentation",
    "find_credential_by_hash",
    "find_request_by_nonce",
    "get_account",
    "get_account_by_email",
    "get_credential",
    "get_offer",
    "get_presentation",
    "get_request",
    "get_share_link",
    "list_credentials",
    "list_offers",
    "list_presentations",
    "list_requests",
    "list_share_links",
    "list_share_log",
    "load_json",
    "new_id",
    "offers_in_states",
    "open_share_link",
    "rows_of_account",
    "set_password_hash",
    "share_link_id",
    "replace_credential",
    "update_check",
    "update_request",
    "withdraw_share_link",
    # recheck_jobs
    "RecheckJobRecord",
    "add_recheck_job",
    "advance_recheck_job",
    "finish_recheck_job",
    "get_recheck_job",
    "note_recheck_job",
    "start_recheck_job",
    "unfinished_recheck_job",
    "unfinished_recheck_jobs",
]
