"""Revocation and suspension: the issuer side of W3C Bitstring Status List v1.0.

Each issuer has one list per purpose (``revocation``; ``suspension`` for credentials issued
with ``suspension=True``) and flavor (``bitstring`` for VC 2.0 credentials,
``statuslist2021`` for VC 1.1 input over the VC-API), plus a new list whenever one is full.
A list has :data:`LIST_BITS` bits (the spec's minimum, §6.1 "herd privacy"); its positions
are handed out in a fixed odd-stride order, so neighbouring credentials do not get
neighbouring indexes. The list credential (§2.2) is signed with the issuer's active Ed25519
key when the list is created and again, in the same transaction, on every change. A did:key
issuer has lists per signing key instead (``signer``): the list's issuer must be the
credential's, and each of its keys is a DID of its own (:mod:`issuer.organisations.identity`).

A ``message`` list (§2.1 ``statusSize`` 2, ``statusMessage``, ``statusReference``; VC 2.0 only)
publishes why a credential was revoked (:mod:`issuer.status.reasons`): the entry's value is set
with the revocation, in the same transaction. A revocation stores its reason with the
credential (``reason``, the issuer's words; ``code``, one of the reason codes).
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.organisations import identity
from issuer.status import reasons
from servicekit.db import Tx
from servicekit.text import PRINTABLE_RULE, is_printable
from vckit.di import algorithms as data_integrity
from vckit.status.bitstring import Flavor, StatusList
from vckit.status.status_list import status_list_credential, status_list_entry

LIST_BITS = 131_072
Purpose = Literal["revocation", "suspension"]
PURPOSES: tuple[Purpose, ...] = ("revocation", "suspension")
"""The purposes a status change names; a ``message`` entry changes with its revocation."""
EntryPurpose = Literal["revocation", "suspension", "message"]
ENTRY_PURPOSES: tuple[EntryPurpose, ...] = ("revocation", "suspension", "message")


def _list_id(inst: Installation, slug: str, purpose: str, flavor: Flavor, seq: int) -> str:
    prefix = "" if flavor == "bitstring" else "sl2021-"
    return f"{inst.base_url}/issuers/{slug}/status/{prefix}{purpose}-{seq}"


def _list_signer(tx: Tx, inst: Installation, record: store.StatusListRecord) -> tuple[Any, str]:
    """The list's own key (a did:key issuer's, retired or not: it keeps the lists of what it
    signed current), else the issuer's active Ed25519 key."""
    if record.signer is None:
        return identity.signing_key(tx, inst, record.issuer, "Ed25519")
    key = store.get_key(tx, record.signer)
    if key is None:  # keys are never deleted
        raise NotFoundError(f"no key {record.signer!r}")
    return inst.key_pair(key.id, key.private_jwk), key.id


def sign_list(tx: Tx, inst: Installation, record: store.StatusListRecord) -> dict[str, Any]:
    """§2.2 BitstringStatusListCredential with the bits now set, signed and saved. A list
    of ``status_size`` n holds ``size`` entries of n bits (§3.3: "The position of the value
    is computed as statusListIndex times the statusSize")."""
    bits = StatusList.new(record.size * record.status_size)
    if record.status_size == 1:
        for index in store.set_indexes(tx, record.id):
            bits.set(index)
    else:
        for index, value in store.entry_values(tx, record.id):
            bits.set_value(index, record.status_size, value)
    issuer = store.get_issuer(tx, record.issuer)
    if issuer is None:  # the foreign key makes this impossible
        raise NotFoundError(f"no issuer {record.issuer!r}")
    flavor: Flavor = "statuslist2021" if record.flavor == "statuslist2021" else "bitstring"
    key, method = _list_signer(tx, inst, record)
    unsigned = status_list_credential(
        record.id,
        method.partition("#")[0],  # the did:web DID, or a did:key issuer's Ed25519 DID
        bits,
        valid_from=inst.now(),
        purpose=record.purpose,
        flavor=flavor,
    )
    signed = data_integrity.sign(unsigned, key, verification_method=method, created=inst.now())
    store.save_list_credential(tx, record.id, signed, inst.stamp())
    return signed


def _open_list(
    tx: Tx, inst: Installation, slug: str, purpose: str, flavor: Flavor, signer: str | None
) -> store.StatusListRecord | None:
    latest = store.latest_status_list(tx, slug, purpose, flavor, signer)
    if latest is not None and latest.next_index < latest.size:
        return latest
    seq = store.last_seq(tx, slug, purpose, flavor) + 1
    # Two statements, two snapshots (PostgreSQL, READ COMMITTED): a list a concurrent writer
    # committed between them has a number last_seq counted but `latest` did not see; use it,
    # or this writer opens list seq + 1 beside it and the two hand out the same indexes.
    latest = store.latest_status_list(tx, slug, purpose, flavor, signer)
    if latest is not None and latest.next_index < latest.size:
        return latest
    record = store.StatusListRecord(
        id=_list_id(inst, slug, purpose, flavor, seq),
        issuer=slug,
        purpose=purpose,
        flavor=flavor,
        seq=seq,
        size=LIST_BITS,
        stride=2 * secrets.randbelow(LIST_BITS // 2) + 1,
        next_index=0,
        credential=None,
        updated=inst.stamp(),
        signer=signer,
        status_size=reasons.MESSAGE_SIZE if purpose == "message" else 1,
    )
    if not store.add_status_list(tx, record):  # a concurrent writer created it: use theirs
        found = store.get_status_list(tx, record.id)
        if found is None:  # pragma: no cover - the conflict was on this very row
            raise InvalidRequestError("the status list could not be created; try again")
        return found if found.signer == signer else None  # another key's: the next one
    sign_list(tx, inst, record)
    return record


def allocate(
    tx: Tx,
    inst: Installation,
    slug: str,
    purpose: str,
    flavor: Flavor = "bitstring",
    signer: str | None = None,
) -> tuple[dict[str, Any], str, int]:
    """A fresh §2.1 entry for a new credential: (entry, list id, index). Record it with
    :func:`record_entry` once the credential row exists. ``signer``: the key id of a did:key
    issuer's signing key, whose DID must also issue the list (verifiers require the list's
    issuer to be the credential's); None for a did:web issuer. A ``message`` entry (the
    revocation reason, :mod:`issuer.status.reasons`) exists for Bitstring lists only."""
    if purpose == "message" and flavor != "bitstring":
        raise InvalidRequestError(
            "a message status entry is a Bitstring Status List one (VC 2.0); StatusList2021 "
            "has no statusSize or statusMessage"
        )
    for _ in range(3):  # a list filled up by a concurrent writer: take the next one
        record = _open_list(tx, inst, slug, purpose, flavor, signer)
        if record is None:
            continue
        index = store.allocate_index(tx, record.id)
        if index is not None:
            return _entry(inst, record, index, purpose, flavor), record.id, index
    raise InvalidRequestError("no status list position is free; try again")


def allocate_many(
    tx: Tx,
    inst: Installation,
    slug: str,
    purpose: str,
    count: int,
    signer: str | None = None,
) -> list[tuple[dict[str, Any], str, int]]:
    """``count`` fresh entries of ``purpose`` (Bitstring lists), as :func:`allocate` gives
    one: a run of the open list's positions taken with one statement, else (the list has
    fewer left) one by one, into the next list."""
    record = _open_list(tx, inst, slug, purpose, "bitstring", signer) if count else None
    indexes = [] if record is None else store.allocate_indexes(tx, record.id, count)
    if record is None or not indexes:
        return [allocate(tx, inst, slug, purpose, signer=signer) for _ in range(count)]
    return [(_entry(inst, record, i, purpose, "bitstring"), record.id, i) for i in indexes]


def peek_many(
    tx: Tx,
    inst: Installation,
    slug: str,
    purpose: str,
    count: int,
    signer: str | None = None,
) -> list[tuple[dict[str, Any], str, int]] | None:
    """The entries :func:`allocate_many` would give next (when no other writer takes a
    position first), taking none: what a batch signs ahead of its next group's transaction,
    which then takes them and checks they are these. None when they would not all come from
    the open list."""
    record = store.latest_status_list(tx, slug, purpose, "bitstring", signer)
    if record is None or record.next_index + count > record.size:
        return None
    positions = range(record.next_index, record.next_index + count)
    indexes = [(position * record.stride) % record.size for position in positions]
    return [(_entry(inst, record, i, purpose, "bitstring"), record.id, i) for i in indexes]


def give_back(tx: Tx, unused: list[tuple[dict[str, Any], str, int]]) -> None:
    """Return entries :func:`allocate_many` took and nobody used, in the same transaction: they
    are the last positions taken from their lists (the transaction holds each list's row),
    so each list's next position goes back by their count."""
    for list_id, count in Counter(list_id for _entry, list_id, _index in unused).items():
        store.release_indexes(tx, list_id, count)


def _entry(
    inst: Installation, record: store.StatusListRecord, index: int, purpose: str, flavor: Flavor
) -> dict[str, Any]:
    if purpose != "message":
        return status_list_entry(record.id, index, purpose=purpose, flavor=flavor)
    return status_list_entry(
        record.id,
        index,
        purpose="message",
        flavor=flavor,
        size=record.status_size,
        messages=reasons.status_messages(),
        reference=reasons.reference(inst.base_url),
    )


def record_entry(tx: Tx, list_id: str, index: int, credential_id: str, purpose: str) -> None:
    store.add_status_entry(tx, list_id, index, credential_id, purpose)


def purposes_for(*, ob: bool, suspension: bool) -> list[Purpose]:
    """The status entries a new credential gets.

    The OB 3.0 JSON Schema allows one ``credentialStatus`` object, not a list, so an Open
    Badge issued with suspension gets one ``suspension`` entry: revoking it sets that bit
    for good (verifiers then report it suspended, and it can never be unsuspended). Other
    credentials (VC-API) get a ``revocation`` entry and, when asked, a ``suspension`` one.
    """
    if not suspension:
        return ["revocation"]
    return ["suspension"] if ob else ["revocation", "suspension"]


def set_status(
    inst: Installation,
    credential_id: str,
    purpose: str,
    value: bool,
    *,
    reason: str | None = None,
    code: str | None = None,
) -> bool:
    """Revoke (purpose ``revocation``, value True), suspend or unsuspend a credential and
    re-sign its list, in one transaction. Returns False when nothing changed.
    Revocation is final (§2.1: "revocation ... is not reversible"): clearing it, or
    unsuspending a revoked credential, is refused. A revocation stores ``reason`` (the
    issuer's words) and ``code`` (:data:`issuer.status.reasons.REASONS`) with the credential
    and, when the credential has a ``message`` entry, sets it to the code's value."""
    _check_change(purpose, value, reason, code)
    with inst.db.transaction() as tx:
        return _set_in(tx, inst, credential_id, purpose, value, reason, code)


def set_statuses(
    inst: Installation,
    credential_id: str,
    changes: Sequence[tuple[str, bool]],
    *,
    reason: str | None = None,
    code: str | None = None,
) -> list[bool]:
    """:func:`set_status` for each ``(purpose, value)`` of one request, all in one
    transaction: when one is refused, none is kept (a revocation listed first is not left
    behind an error). ``reason`` and ``code`` go with the revocation among them."""
    revoking = ("revocation", True)
    if (reason is not None or code is not None) and revoking not in changes:
        raise InvalidRequestError("a reason goes with a revocation")
    steps = [
        (purpose, value, *((reason, code) if (purpose, value) == revoking else (None, None)))
        for purpose, value in changes
    ]
    for step in steps:
        _check_change(*step)
    with inst.db.transaction() as tx:
        return [_set_in(tx, inst, credential_id, *step) for step in steps]


def _check_change(purpose: str, value: bool, reason: str | None, code: str | None) -> None:
    """Refuse a change that can never be made, before anything is touched."""
    if (reason is not None or code is not None) and not (purpose == "revocation" and value):
        raise InvalidRequestError("a reason goes with a revocation")
    if reason is not None and not is_printable(reason):
        raise InvalidRequestError(f"reason: {PRINTABLE_RULE}")
    if code is not None and code not in reasons.REASONS:
        raise InvalidRequestError(f"reasonCode {code[:40]!r}: use one of {sorted(reasons.REASONS)}")
    if purpose not in PURPOSES:
        raise InvalidRequestError(f"statusPurpose {purpose!r}: use revocation or suspension")
    if purpose == "revocation" and not value:
        raise InvalidRequestError("a revoked credential cannot be reinstated")


def _set_in(
    tx: Tx,
    inst: Installation,
    credential_id: str,
    purpose: str,
    value: bool,
    reason: str | None,
    code: str | None,
) -> bool:
    """:func:`set_status` in ``tx``. A revocation also revokes the credential's copies (the
    registrar's Data Integrity copies nested in CLRs, :mod:`issuer.issuing.clr_copies`)."""
    credential = store.get_credential(tx, credential_id)
    if credential is None:
        raise NotFoundError(f"no credential {credential_id!r}")
    entries = {e.purpose: e for e in store.status_entries_of(tx, credential_id)}
    if purpose == "suspension" and not value and credential.revoked is not None:
        raise InvalidRequestError("the credential is revoked; it cannot be unsuspended")
    entry = entries.get(purpose)
    if entry is None and purpose == "revocation":
        entry = entries.get("suspension")  # an Open Badge with one suspension entry
    if entry is None:
        raise InvalidRequestError(f"credential {credential_id} has no {purpose} status entry")
    store.lock_status_list(tx, entry.list_id, inst.stamp())
    revoked_now = purpose == "revocation" and store.mark_revoked(
        tx, credential_id, inst.stamp(), reason, code
    )
    if revoked_now:
        for copy in store.copies_of(tx, credential_id):
            _set_in(tx, inst, copy.id, "revocation", True, reason, code)
    message = entries.get("message")
    if revoked_now and message is not None:
        _set_message(tx, inst, message, reasons.value_of(code))
    bit_changed = store.set_status_bit(tx, entry.list_id, entry.idx, value, inst.stamp())
    if not bit_changed:
        return revoked_now
    record = store.get_status_list(tx, entry.list_id)
    if record is None:  # pragma: no cover - foreign key
        raise NotFoundError(f"no status list {entry.list_id}")
    sign_list(tx, inst, record)
    return True


def _set_message(tx: Tx, inst: Installation, entry: store.StatusEntryRecord, value: int) -> None:
    """Set a ``message`` entry's value and re-sign its list."""
    store.lock_status_list(tx, entry.list_id, inst.stamp())
    if store.set_status_value(tx, entry.list_id, entry.idx, value, inst.stamp()):
        record = store.get_status_list(tx, entry.list_id)
        if record is not None:
            sign_list(tx, inst, record)


def status_of(inst: Installation, credential_id: str) -> dict[str, bool]:
    """{purpose: bit set} for every entry of the credential."""
    with inst.db.reading() as tx:
        return {e.purpose: e.is_set for e in store.status_entries_of(tx, credential_id)}


def revocation_of(inst: Installation, credential_id: str) -> dict[str, str | None]:
    """When the credential was revoked and why (``revoked``, ``reason``, ``reasonCode``)."""
    with inst.db.reading() as tx:
        record = store.get_credential(tx, credential_id)
    if record is None:
        raise NotFoundError(f"no credential {credential_id!r}")
    return {
        "revoked": record.revoked,
        "reason": record.revoked_reason,
        "reasonCode": record.revoked_code,
    }


def list_credential(inst: Installation, list_id: str) -> dict[str, Any]:
    """The current signed status list credential at that URL (a read that never waits for a
    writer: :meth:`servicekit.db.Database.reading`)."""
    with inst.db.reading() as tx:
        record = store.get_status_list(tx, list_id)
        if record is None or record.credential is None:
            raise NotFoundError("no such status list")
        return record.credential
