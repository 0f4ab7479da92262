"""getCredentials and upsertCredential (OB 3.0 §6.2.2, §6.2.3), over the learner's wallet.

**Which credentials**: the Open Badges the learner holds (types ``OpenBadgeCredential`` or
``AchievementCredential``) that a third party can verify as they are: JSON-LD ones go in the
``credential`` array, VC-JWT ones in ``compactJwsString``. Not served: an ecdsa-sd-2023
credential (the wallet keeps the issuer's *base* proof, which only its holder may use; it is
shared by deriving a disclosure), SD-JWTs (not an OB 3.0 format), other credential types.

A single ``proof`` object is served as a one-item list (:func:`as_served`): the official
schema of ``AchievementCredential`` has ``proof`` as an array.

**Paging** (§6.4): oldest received first, so that ``offset`` stays put as credentials arrive;
``limit`` defaults to :data:`DEFAULT_LIMIT` (at most :data:`MAX_LIMIT`); ``since`` keeps those
*issued* after it (``validFrom``, else ``issuanceDate``, else the JWT's ``nbf``/``iat``).
The answer carries ``X-Total-Count`` and a ``Link`` header with ``first`` and ``last`` always,
``next`` and ``prev`` when there are such pages.

**Upsert**: the credential (JSON, or a compact JWS as ``text/plain``) must be an Open Badge
about this learner (their DID, or an email IdentityObject of their account's email: a platform
cannot push one naming another address, which an import by the learner would keep, flagged),
and is verified on arrival like any import; one that *fails* is refused (400), one that could
not be fully checked is kept and shown so. The spec's equality rule (§10: same issuer ``id``
and credential ``id`` after percent-decoding and trimming) decides between **201** (new) and
**200** (the same credential: a newer ``validFrom`` replaces the
held copy in place; an older or identical one changes nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from servicekit.dates import parse_moment
from vckit.credential import issuer_id, types_of
from vckit.errors import VckitError
from vckit.jose import vc_jwt as jose
from vckit.ob.api import BASE_PATH
from wallet import store
from wallet.errors import InvalidInputError
from wallet.host.errors import HostError
from wallet.installation import Installation
from wallet.receiving.check import FAILED
from wallet.receiving.keeping import AlreadyHeld, credential_json, keep
from wallet.receiving.recipient import recipient_of
from wallet.sharing import disclose
from wallet.store import AccountRecord, CredentialRecord

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")


@dataclass(frozen=True)
class Page:
    body: dict[str, list[Any]]
    total: int
    links: str


def _bad_query(description: str) -> HostError:
    return HostError(400, "invalid_query_parameter", description)


def _count(value: str | None, name: str, least: int) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < least:
        raise _bad_query(f"{name} must be an integer of at least {least}")
    return int(value)


def _jwt_payload(document: str) -> dict[str, Any]:
    try:
        _, payload = jose.peek(document)
    except VckitError:
        return {}
    return dict(payload)


def issued_at(document: dict[str, Any] | str) -> datetime | None:
    """When the credential says it was issued (or became valid)."""
    credential = credential_json(document)
    for name in ("validFrom", "issuanceDate"):
        found = parse_moment(credential.get(name))
        if found is not None:
            return found
    if isinstance(document, str):
        payload = _jwt_payload(document)
        for name in ("nbf", "iat"):
            if isinstance(payload.get(name), int | float):
                return datetime.fromtimestamp(payload[name], UTC)
    return None


def _served(record: CredentialRecord) -> bool:
    if disclose.kind_of(record) != disclose.PLAIN:
        return False
    try:
        credential = credential_json(record.document)
    except InvalidInputError:
        return False
    return any(kind in types_of(credential) for kind in OB_TYPES)


def as_served(document: dict[str, Any]) -> dict[str, Any]:
    """A JSON-LD credential as getCredentials serves it: a single ``proof`` object as the
    one-item list the official schema asks for (``AchievementCredential.proof`` is an array;
    in JSON-LD one value and a list of it are the same, and a Data Integrity proof does not
    sign its own container, so the credential verifies as before)."""
    proof = document.get("proof")
    return document | {"proof": [proof]} if isinstance(proof, dict) else document


def _link(inst: Installation, limit: int, offset: int, since: str | None) -> str:
    query = {"limit": str(limit), "offset": str(offset)} | ({"since": since} if since else {})
    return f"{inst.base_url}{BASE_PATH}/credentials?{urlencode(query)}"


def page(inst: Installation, account: AccountRecord, query: Mapping[str, str]) -> Page:
    """One page of the learner's Open Badges (getCredentials)."""
    limit = min(_count(query.get("limit"), "limit", 1) or DEFAULT_LIMIT, MAX_LIMIT)
    offset = _count(query.get("offset"), "offset", 0) or 0
    since_text = query.get("since")
    since = parse_moment(since_text) if since_text is not None else None
    if since_text is not None and since is None:
        raise _bad_query("since must be a date-time (YYYY-MM-DDThh:mm:ss)")
    with inst.db.transaction() as tx:
        held = list(reversed(store.list_credentials(tx, account.id)))  # oldest first
    chosen = [record for record in held if _served(record)]
    if since is not None:
        chosen = [
            r for r in chosen if (issued_at(r.document) or datetime.min.replace(tzinfo=UTC)) > since
        ]
    total = len(chosen)
    body: dict[str, list[Any]] = {"credential": [], "compactJwsString": []}
    for record in chosen[offset : offset + limit]:
        if isinstance(record.document, str):
            body["compactJwsString"].append(record.document.strip())
        else:
            body["credential"].append(as_served(record.document))
    last = max(0, (total - 1) // limit * limit)
    links = [
        (_link(inst, limit, 0, since_text), "first"),
        (_link(inst, limit, last, since_text), "last"),
    ]
    if offset + limit < total:
        links.append((_link(inst, limit, offset + limit, since_text), "next"))
    if offset > 0:
        links.append((_link(inst, limit, max(0, offset - limit), since_text), "prev"))
    return Page(body, total, ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links))


def _same(value: object) -> str | None:
    return unquote(value).strip() if isinstance(value, str) and value.strip() else None


def equality_key(document: dict[str, Any] | str) -> tuple[str, str] | None:
    """OB 3.0 §10: (issuer id, credential id), percent-decoded and trimmed; None when the
    credential has no id (then only identical content is "the same")."""
    credential = credential_json(document)
    payload = _jwt_payload(document) if isinstance(document, str) else {}
    issuer = _same(issuer_id(credential) or payload.get("iss"))
    ident = _same(credential.get("id") or payload.get("jti"))
    return (issuer, ident) if issuer and ident else None


def _refuse_failed(verdict: str, report: dict[str, Any]) -> None:
    if verdict == FAILED:
        failed = [
            f"{check.get('id')}: {check.get('detail', '')}"[:200]
            for check in report.get("checks", [])
            if isinstance(check, dict) and check.get("status") == "fail"
        ]
        raise HostError(400, "invalid_data", "the credential did not verify" +
                        (f" ({'; '.join(failed[:3])})" if failed else ""))  # fmt: skip


ANOTHER_EMAIL = "this credential is about someone else: it names another email address than yours"


def upsert(
    inst: Installation, account: AccountRecord, document: dict[str, Any] | str, client: str
) -> int:
    """Keep or replace the credential: 201 when new, 200 when the same credential."""
    try:
        credential = credential_json(document)
    except InvalidInputError as exc:
        raise HostError(400, "invalid_data", str(exc)) from None
    if not any(kind in types_of(credential) for kind in OB_TYPES):
        raise HostError(400, "invalid_data", "this is not an OpenBadgeCredential")
    try:
        recipient = recipient_of(credential, account)
    except InvalidInputError as exc:
        raise HostError(400, "invalid_data", str(exc)) from None
    if recipient["kind"] == "email" and not recipient["matches"]:
        raise HostError(400, "invalid_data", ANOTHER_EMAIL)
    key = equality_key(document)
    held = None
    if key is not None:
        with inst.db.transaction() as tx:
            mine = store.list_credentials(tx, account.id)
        held = next((r for r in mine if _served(r) and equality_key(r.document) == key), None)
    if held is not None:
        if store.credential_hash(held.document) == store.credential_hash(document):
            return 200
        new, old = issued_at(document), issued_at(held.document)
        if new is not None and old is not None and new < old:
            return 200  # the wallet holds the newer copy already (§10)
    try:
        keep(inst, account, document, source=f"ob-api:{client}"[:200], refuse=_refuse_failed,
             replaces=None if held is None else held.id)  # fmt: skip
    except AlreadyHeld:
        return 200
    except InvalidInputError as exc:  # about someone else, a status list, unreadable
        raise HostError(400, "invalid_data", str(exc)) from None
    return 201 if held is None else 200
