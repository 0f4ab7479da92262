"""The wallet as an Open Badges **Service Consumer (Read)**: import every credential and the
profile a learner holds at another OB 3.0 host (OB 3.0 §6-7; conformance guide "Service
Consumer (Read)").

::

    url = start(inst, account, "https://other-host.example")   # go there: the learner consents
    record = finish(inst, account, query)                      # the redirect back: import

:func:`start` reads the host's Service Description Document, registers this wallet as a client
(RFC 7591), and keeps the state (by SHA-256), the client secret and the PKCE verifier (sealed)
for the return. :func:`finish` runs once per import: it exchanges the code, pages through
``getCredentials`` by its ``Link`` header (at most :data:`MAX_CREDENTIALS`), reads the profile,
and keeps each credential as any import is kept (:func:`wallet.receiving.keeping.keep`:
whose it is, verified on arrival; one that fails is kept and shown as failed). Every request
goes through the wallet's one outbound client, under the operator's policy.

**An import whose process died.** The host's code is single use, so the import is claimed
once ("importing") together with a lease on it (:mod:`servicekit.leases`, kind
:data:`LEASE`), renewed as credentials arrive. When the callback is opened again (a reload)
and the import is still "importing" but nobody holds its lease any more (its process was
killed, or stopped renewing for :data:`LEASE_SECONDS`), it is marked failed with
``interrupted``: the page says the import did not finish and offers to start again (a new
import from the same host; the credentials kept before the stop are held already and are
not kept twice).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from servicekit import leases
from servicekit.db import Tx
from vckit.errors import VckitError
from vckit.protocols import obapi
from wallet import store
from wallet.errors import InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.outbound import OutboundError
from wallet.receiving.keeping import AlreadyHeld, keep
from wallet.store import AccountRecord
from wallet.store import oauth as oauth_store
from wallet.store.oauth import ImportRecord

CALLBACK = "/import/ob/callback"
PAGE_SIZE = 50
MAX_CREDENTIALS = 1000
LEASE = "ob-import"
LEASE_SECONDS = 300.0
"""How long an import's process may go without renewing its lease before it counts as gone
(a process known dead on this host counts as gone at once)."""
INTERRUPTED = "the import stopped before it finished (the wallet was restarted while it ran)"


class _Lease:
    """This import's lease, renewed while it runs."""

    def __init__(self, inst: Installation, import_id: str) -> None:
        self.inst, self.id, self.holder = inst, import_id, leases.holder_id()

    def claim(self, tx: Tx) -> bool:
        now = time.time()
        return leases.claim(tx, LEASE, self.id, self.holder, until=now + LEASE_SECONDS, now=now)

    def renew(self) -> None:
        with self.inst.db.transaction() as tx:
            leases.extend(tx, LEASE, self.id, self.holder, until=time.time() + LEASE_SECONDS)


def base_url_of(record: ImportRecord) -> str:
    """The host's address an import started from (to start it again)."""
    api = str(record.endpoints.get("api", ""))
    return api.removesuffix(obapi.API_PATH) if api.endswith(obapi.API_PATH) else api


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()


def _json(answer: Any, what: str) -> Any:
    if answer.status not in (200, 201):
        raise InvalidInputError(f"the host answered HTTP {answer.status} to {what}")
    try:
        return answer.json()
    except OutboundError:
        raise InvalidInputError(f"the host's answer to {what} is not JSON") from None


def start(inst: Installation, account: AccountRecord, base_url: str) -> str:
    """Discover and register at the host; the URL to send the learner's browser to."""
    base = base_url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query:
        raise InvalidInputError("give the host's address, e.g. https://badges.example.org")
    redirect_uri = inst.base_url + CALLBACK
    try:
        sdd = _json(inst.http.get(base + obapi.API_PATH + "/discovery"), "discovery")
        host = obapi.endpoints_of(sdd, base)
        request = obapi.registration_request(
            f"{inst.settings.name} (import)", inst.base_url + "/", redirect_uri,
            obapi.READ_SCOPES,
        )  # fmt: skip
        registered = _json(inst.http.post_json(host.registration, request), "registration")
    except (OutboundError, VckitError, InvalidInputError) as exc:
        raise InvalidInputError(
            f"{base} is not an Open Badges host this wallet can use: {exc}"
        ) from None
    if not isinstance(registered, Mapping) or not isinstance(registered.get("client_id"), str):
        raise InvalidInputError(f"{base} did not register this wallet (no client_id)")
    verifier, challenge = obapi.pkce_pair()
    state = secrets.token_urlsafe(32)
    kept = {"client_id": registered["client_id"],
            "client_secret": str(registered.get("client_secret") or ""),
            "verifier": verifier, "redirect_uri": redirect_uri}  # fmt: skip
    with inst.db.transaction() as tx:
        oauth_store.add_import(tx, store.new_id(), account.id, host.name, _state_hash(state),
                               kept, asdict(host), inst.stamp())  # fmt: skip
    return obapi.authorization_url(host, kept["client_id"], redirect_uri, obapi.READ_SCOPES,
                                   state, challenge)  # fmt: skip


def _pages(
    inst: Installation, host: obapi.HostEndpoints, token: str, lease: _Lease
) -> list[dict[str, Any] | str]:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    url: str | None = f"{host.api}/credentials?limit={PAGE_SIZE}&offset=0"
    found: list[dict[str, Any] | str] = []
    seen: set[str] = set()
    while url is not None and len(found) < MAX_CREDENTIALS and url not in seen:
        seen.add(url)
        answer = inst.http.get(url, headers=headers)
        found.extend(obapi.credentials_in(_json(answer, "getCredentials")))
        url = obapi.next_page(answer.headers.get("link"))
        lease.renew()
    return found[:MAX_CREDENTIALS]


def _import(
    inst: Installation, account: AccountRecord, record: ImportRecord, code: str, lease: _Lease
) -> dict[str, Any]:
    host = obapi.HostEndpoints(**record.endpoints)
    kept = record.secrets
    form = obapi.code_form(code, kept["redirect_uri"], kept["verifier"])
    auth = (
        obapi.basic_auth(kept["client_id"], kept["client_secret"]) if kept["client_secret"] else {}
    )
    if not kept["client_secret"]:
        form["client_id"] = kept["client_id"]
    token = obapi.access_token_of(
        _json(inst.http.post_form(host.token, form, headers=auth), "the token request")
    )
    credentials = _pages(inst, host, token, lease)
    profile = inst.http.get(f"{host.api}/profile", headers={"Authorization": f"Bearer {token}"})
    result: dict[str, Any] = {"imported": 0, "already_held": 0, "refused": [], "verdicts": {}}
    if profile.status == 200:
        result["profile"] = _json(profile, "getProfile")
    for credential in credentials:
        lease.renew()
        try:
            received = keep(inst, account, credential, source=f"ob-import:{record.host}"[:200])
        except AlreadyHeld:
            result["already_held"] += 1
            continue
        except InvalidInputError as exc:
            result["refused"].append(str(exc)[:300])
            continue
        result["imported"] += 1
        verdict = received.record.verdict or "unchecked"
        result["verdicts"][verdict] = result["verdicts"].get(verdict, 0) + 1
    return result


def finish(inst: Installation, account: AccountRecord, query: Mapping[str, str]) -> ImportRecord:
    """The host sent the learner back: import (once), and the import's record."""
    state = query.get("state", "")
    with inst.db.transaction() as tx:
        record = oauth_store.import_by_state(tx, account.id, _state_hash(state)) if state else None
        claimed = record is not None and oauth_store.claim_import(tx, record.id)
        lease = None if record is None else _Lease(inst, record.id)
        if claimed and lease is not None:
            lease.claim(tx)
    if record is None or lease is None:
        raise NotFoundError("no import of yours is waiting for this answer")
    if not claimed:  # answered already (a reload, a second redirect): nothing twice
        return _unless_stopped(inst, account, record)
    try:
        if query.get("error"):
            raise InvalidInputError(
                f"{record.host} said: {query.get('error_description') or query['error']}"[:300]
            )
        result, status = _import(inst, account, record, query.get("code", ""), lease), "done"
    except (InvalidInputError, OutboundError, VckitError) as exc:
        result, status = {"error": str(exc)[:500]}, "failed"
    with inst.db.transaction() as tx:
        oauth_store.finish_import(tx, record.id, status, result, inst.stamp())
        leases.release(tx, LEASE, record.id, lease.holder)
        done = oauth_store.get_import(tx, account.id, record.id)
    assert done is not None
    return done


def _unless_stopped(
    inst: Installation, account: AccountRecord, record: ImportRecord
) -> ImportRecord:
    """The import as it stands; one "importing" that nobody runs any more is taken over
    (its lease claimed from the gone holder), marked failed (interrupted) and let go, so the
    learner can start again."""
    if record.status != "importing":
        return record
    lease = _Lease(inst, record.id)
    with inst.db.transaction() as tx:
        if not lease.claim(tx):
            return record  # still under way, in this or another process
        result = {"error": INTERRUPTED, "interrupted": True}
        oauth_store.interrupt_import(tx, record.id, result, inst.stamp())
        leases.release(tx, LEASE, record.id, lease.holder)
        now = oauth_store.get_import(tx, account.id, record.id)
    return now or record
