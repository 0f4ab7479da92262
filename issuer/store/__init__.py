"""All of the issuer's SQL, one module per concept. Every function takes an open transaction
(:class:`servicekit.db.Tx`).

API note for the issuer's use-case modules (issuing, batches, offers, status, ...)::

    from issuer import store
    with db.transaction() as tx:          # db: servicekit.db.Database (inst.db)
        issuer = store.get_issuer(tx, "community-college")        # IssuerRecord | None
        achievement = store.get_achievement(tx, "community-college", "food-handler")  # slug or id
        rows = store.list_credentials(tx, "community-college", limit=50)

Records are frozen dataclasses; JSON columns are decoded for you (and written by
:mod:`issuer.store.columns`). Writes raise :class:`servicekit.db.ConflictError` on a duplicate
key, which rolls the whole transaction back. This package re-exports every name below, so
callers write ``store.<name>`` whichever module holds it:

* :mod:`~issuer.store.issuers` (issuers / keys): add_issuer, get_issuer, get_issuer_by_did,
  list_issuers, add_key, keys_of, active_key, retire_keys
* :mod:`~issuer.store.catalogue`: add_achievement, get_achievement, list_achievements
* :mod:`~issuer.store.credentials`: add_credential(s), mark_revoked, get_credential,
  get_credential_by_token, list_credentials, count_credentials, credentials_of_recipient,
  credentials_about, link_copy, copies_of
* :mod:`~issuer.store.status_lists`: latest_status_list, add_status_list, get_status_list,
  lock_status_list, allocate_index(es), add_status_entry/entries, status_entries_of, set_status_bit,
  set_indexes, save_list_credential
* :mod:`~issuer.store.batches`: add_batch, get_batch, list_batches, update_batch,
  add_batch_row, pending_batch_rows, mark_batch_row_issued, mark_batch_rows_issued,
  count_batch_done
* :mod:`~issuer.store.offers` (OpenID4VCI): add_offer, get_offer, get_offer_by_access_token,
  update_offer
"""

from issuer.store.batches import (
    BatchRecord,
    add_batch,
    add_batch_row,
    count_batch_done,
    get_batch,
    list_batches,
    mark_batch_row_issued,
    mark_batch_rows_issued,
    pending_batch_rows,
    update_batch,
)
from issuer.store.catalogue import (
    AchievementRecord,
    add_achievement,
    get_achievement,
    list_achievements,
)
from issuer.store.credentials import (
    CredentialRecord,
    add_credential,
    add_credentials,
    copies_of,
    count_credentials,
    credentials_about,
    credentials_of_recipient,
    get_credential,
    get_credential_by_token,
    link_copy,
    list_credentials,
    mark_revoked,
)
from issuer.store.issuers import (
    IssuerRecord,
    KeyRecord,
    active_key,
    add_issuer,
    add_key,
    get_issuer,
    get_issuer_by_did,
    get_key,
    issuer_of_key_did,
    keys_of,
    list_issuers,
    retire_keys,
)
from issuer.store.offers import (
    OfferRecord,
    add_offer,
    get_offer,
    get_offer_by_access_token,
    update_offer,
)
from issuer.store.status_lists import (
    StatusEntryRecord,
    StatusListRecord,
    add_status_entries,
    add_status_entry,
    add_status_list,
    allocate_index,
    allocate_indexes,
    entry_values,
    get_status_list,
    last_seq,
    latest_status_list,
    lock_status_list,
    release_indexes,
    save_list_credential,
    set_indexes,
    set_status_bit,
    set_status_value,
    status_entries_of,
)

__all__ = [
    "AchievementRecord",
    "BatchRecord",
    "CredentialRecord",
    "IssuerRecord",
    "KeyRecord",
    "OfferRecord",
    "StatusEntryRecord",
    "StatusListRecord",
    "active_key",
    "add_achievement",
    "add_batch",
    "add_batch_row",
    "add_credential",
    "add_credentials",
    "add_issuer",
    "add_key",
    "add_offer",
    "add_status_entries",
    "add_status_entry",
    "add_status_list",
    "allocate_index",
    "allocate_indexes",
    "copies_of",
    "count_batch_done",
    "count_credentials",
    "credentials_about",
    "credentials_of_recipient",
    "entry_values",
    "get_achievement",
    "get_batch",
    "get_credential",
    "get_credential_by_token",
    "get_issuer",
    "get_issuer_by_did",
    "get_key",
    "issuer_of_key_did",
    "get_offer",
    "get_offer_by_access_token",
    "get_status_list",
    "keys_of",
    "last_seq",
    "latest_status_list",
    "link_copy",
    "list_achievements",
    "list_batches",
    "list_credentials",
    "list_issuers",
    "lock_status_list",
    "mark_batch_row_issued",
    "mark_batch_rows_issued",
    "mark_revoked",
    "pending_batch_rows",
    "release_indexes",
    "retire_keys",
    "save_list_credential",
    "set_indexes",
    "set_status_bit",
    "set_status_value",
    "status_entries_of",
    "update_batch",
    "update_offer",
]
