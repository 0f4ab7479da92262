"""Send a credential to a learner's Open Badges 3.0 host (OB 3.0 §6-7; conformance guide
"Service Consumer (Write)"): discover, register once per host (RFC 7591), the learner's
consent in their own browser (authorization code with PKCE S256, RFC 7636), the code
exchanged (RFC 6749 §4.1.3, HTTP Basic), then ``upsertCredential``.

::

    sent = for_offer(inst, http, slug, offer_id, host, email, tx_code, name)  # the offer page
    sent = for_credential(inst, http, credential_id, host, name)              # the API
    url, cookie = open_start(inst, key)        # the API's start link, in the learner's browser
    record = finish(inst, http, cookie, query) # the host sent the browser back

**Which credential.** By the API: an issued credential, by id, sent as it is (the API token
may issue anything, so it may send anything it issued). From an offer: the offer's achievement
issued, at the moment the host has given its token, to the email the learner gave (an
``eddsa-rdfc-2022`` credential with an email IdentityObject, as the issue form would): a host
accepts only a credential about its learner, so it is the host that checks the email is
theirs. Issuing spends the offer (it can no longer be redeemed by OpenID4VCI), as redeeming
it would; when the host refuses that credential (a 4xx: say, not the learner's email), nobody
holds it, so it is revoked ("issued-in-error", the host's reason) and the offer opens again
for another try. An offer with a transaction code asks for it here too.

**Secrets.** The client secret (per host), the PKCE verifier, the state and the email are
sealed at rest (:mod:`issuer.store.sealed`); the state and the start link are looked up by
SHA-256; tokens are never stored. The flow is bound to the browser that started it (a cookie
whose SHA-256 is kept): the callback opens only with it, and only once.

**A host that forgot the registration** (its database was reset, it expires clients): before
the learner is sent to consent, the kept registration is checked at the host's token endpoint
with a code nobody was given (RFC 6749 §5.2: unknown client credentials answer 401
``invalid_client``, known ones ``invalid_grant``): an ``invalid_client`` registers this issuer
again (once) and the send goes on with the new registration; when that registration is
refused, the learner is told so in a sentence. A host that forgets it between the consent and
the return gets ``invalid_client`` for the code: that send fails with a sentence saying to
send again (the next send registers again).

**Outcome**, kept on the send: ``created`` (201), ``existing`` (200: the host already held
it), ``refused`` (the learner said no, or the host refused the credential: its
``Imsx_StatusInfo`` description and minor code), ``failed`` (the host could not be used).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from issuer import store
from issuer.errors import InvalidRequestError, IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import issuance
from issuer.offers.oid4vci import MAX_TX_CODE_ATTEMPTS, stamp_time, tx_code_matches
from issuer.outbound import Outbound, OutboundError
from issuer.status import lists
from issuer.store import backpack as sends
from servicekit.text import printable_only
from vckit.errors import VckitError
from vckit.protocols import obapi

CALLBACK = "/backpack/callback"
COOKIE = "ler_backpack"
LDP = "OpenBadgeCredential_ldp_vc"
SENDABLE = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt")
"""The formats an OB 3.0 host takes: JSON-LD with a proof, or a compact JWS (§6.2.3)."""


class ForbiddenError(IssuerError):
    """The callback came without the browser that started the send."""


class RegistrationLostError(InvalidRequestError):
    """The host forgot this issuer's registration and refused a new one."""


@dataclass(frozen=True)
class Started:
    send_id: str
    url: str  # where the learner's browser goes next
    cookie: str | None = None  # the browser's binding (None: given by the start link)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _answer_json(answer: Any, what: str) -> Any:
    if answer.status not in (200, 201):
        raise InvalidRequestError(f"the host answered HTTP {answer.status} to {what}")
    try:
        return answer.json()
    except OutboundError:
        raise InvalidRequestError(f"the host's answer to {what} is not JSON") from None


def _base(host: str) -> str:
    base = host.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query:
        raise InvalidRequestError("give the host's address, e.g. https://badges.example.org")
    return base


def _register(
    inst: Installation, http: Outbound, host: obapi.HostEndpoints, name: str
) -> tuple[str, str]:
    """A new RFC 7591 registration at the host: its client id and secret."""
    request = obapi.registration_request(
        name, inst.base_url + "/", inst.base_url + CALLBACK, obapi.UPSERT_SCOPES
    )
    registered = _answer_json(http.post_json(host.registration, request), "registration")
    if not isinstance(registered, Mapping) or not isinstance(registered.get("client_id"), str):
        raise InvalidRequestError("the host did not register this issuer (no client_id)")
    return registered["client_id"], str(registered.get("client_secret") or "")


def _forgotten(answer: Any) -> bool:
    """Whether a token endpoint's answer says it does not know the client (RFC 6749 §5.2)."""
    if answer.status == 401:
        return True
    try:
        body = answer.json()
    except OutboundError:
        return False
    return isinstance(body, Mapping) and body.get("error") == "invalid_client"


def _still_registered(
    inst: Installation, http: Outbound, host: obapi.HostEndpoints, client: sends.ClientRecord
) -> bool:
    """Whether the host still knows ``client``: a token request with a code nobody was given
    answers ``invalid_client`` only for client credentials it does not know."""
    _, probe = obapi.pkce_pair()
    form = obapi.code_form(secrets.token_urlsafe(32), inst.base_url + CALLBACK, probe)
    auth = obapi.basic_auth(client.client_id, client.client_secret) if client.client_secret else {}
    if not client.client_secret:
        form["client_id"] = client.client_id
    try:
        return not _forgotten(http.post_form(host.token, form, headers=auth))
    except OutboundError:
        return True  # cannot tell: the send itself will say what fails


def _client(
    inst: Installation, http: Outbound, host: obapi.HostEndpoints, name: str
) -> sends.ClientRecord:
    """This installation's registration at the host: made once, then reused; made again
    (once) when the host has forgotten it."""
    with inst.db.transaction() as tx:
        known = sends.client_for(tx, host.registration)
    if known is not None:
        if _still_registered(inst, http, host, known):
            return known
        try:
            client_id, secret = _register(inst, http, host, name)
        except (OutboundError, InvalidRequestError) as exc:
            raise RegistrationLostError(
                f"{host.name} no longer knows this issuer (it forgot the registration made "
                f"earlier) and did not accept a new one ({exc}); try again later, or ask the "
                "host's operator"
            ) from None
        with inst.db.transaction() as tx:
            sends.replace_client(tx, known.id, client_id, secret)
            return sends.client_for(tx, host.registration) or known
    client_id, secret = _register(inst, http, host, name)
    record = sends.ClientRecord(secrets.token_hex(16), host.registration, client_id, secret)
    with inst.db.transaction() as tx:
        if sends.client_for(tx, host.registration) is None:
            sends.add_client(tx, record, inst.stamp())
        return sends.client_for(tx, host.registration) or record


def _prepare(
    inst: Installation, http: Outbound, host: str, name: str
) -> tuple[str, obapi.HostEndpoints, sends.ClientRecord]:
    base = _base(host)
    try:
        sdd = _answer_json(http.get(base + obapi.API_PATH + "/discovery"), "discovery")
        endpoints = obapi.endpoints_of(sdd, base)
        return base, endpoints, _client(inst, http, endpoints, name)
    except RegistrationLostError:
        raise
    except (OutboundError, VckitError, InvalidRequestError) as exc:
        raise InvalidRequestError(
            f"{base} is not an Open Badges host this issuer can use: {exc}"
        ) from None


def _add(
    inst: Installation, slug: str, base: str, host: obapi.HostEndpoints,
    client: sends.ClientRecord, *, offer_id: str | None = None, credential_id: str | None = None,
    email: str = "", start_key: str | None = None,
) -> str:  # fmt: skip
    verifier, challenge = obapi.pkce_pair()
    state = secrets.token_urlsafe(32)
    record = sends.SendRecord(
        secrets.token_hex(16), slug, base, host.name, offer_id, credential_id, client.id,
        {"verifier": verifier, "challenge": challenge, "state": state, "email": email},
        asdict(host), "waiting", {}, inst.stamp(), None, None,
    )  # fmt: skip
    with inst.db.transaction() as tx:
        sends.add_send(tx, record, sha(state), None if start_key is None else sha(start_key))
    return record.id


def _authorize(inst: Installation, send_id: str) -> Started:
    """Bind the send to this browser (once) and the host's authorization URL."""
    cookie = secrets.token_urlsafe(32)
    with inst.db.transaction() as tx:
        if not sends.move(tx, send_id, "waiting", "authorizing", browser_hash=sha(cookie)):
            raise NotFoundError("this send was started already")
        record = sends.get_send(tx, send_id)
        client = None if record is None else sends.get_client(tx, record.client)
    assert record is not None and client is not None
    kept = record.secrets
    url = obapi.authorization_url(
        obapi.HostEndpoints(**record.endpoints), client.client_id, inst.base_url + CALLBACK,
        obapi.UPSERT_SCOPES, kept["state"], kept["challenge"],
    )  # fmt: skip
    return Started(send_id, url, cookie)


def open_offer(inst: Installation, slug: str, offer_id: str) -> store.OfferRecord:
    """An offer that may still go to a backpack; NotFoundError / InvalidRequestError."""
    with inst.db.transaction() as tx:
        offer = store.get_offer(tx, offer_id)
    if (
        offer is None or offer.issuer != slug or offer.redeemed_at is not None
        or stamp_time(offer.expires_at) <= inst.now()
        or offer.tx_code_attempts >= MAX_TX_CODE_ATTEMPTS
    ):  # fmt: skip
        raise NotFoundError("no open offer with this id")
    if LDP not in offer.request["configuration_ids"]:
        raise InvalidRequestError("this offer is for a selective-disclosure wallet only")
    return offer


def _check_code(inst: Installation, offer: store.OfferRecord, tx_code: str) -> None:
    """The offer's one-time code, counted as the token endpoint counts it."""
    if offer.tx_code_hash is not None and not tx_code_matches(tx_code, offer.tx_code_hash):
        with inst.db.transaction() as tx:
            tx.execute(
                "UPDATE offers SET tx_code_attempts = tx_code_attempts + 1 "
                "WHERE pre_authorized_code = ?",
                (offer.pre_authorized_code,),
            )
        raise InvalidRequestError("wrong one-time code")


def for_offer(
    inst: Installation, http: Outbound, slug: str, offer_id: str, host: str, email: str,
    tx_code: str, name: str,
) -> Started:  # fmt: skip
    """The offer page's "send to my backpack": the send, bound to this browser."""
    email = email.strip()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise InvalidRequestError("give the email address your backpack knows you by")
    _check_code(inst, open_offer(inst, slug, offer_id), tx_code)
    base, endpoints, client = _prepare(inst, http, host, name)
    send_id = _add(inst, slug, base, endpoints, client, offer_id=offer_id, email=email)
    return _authorize(inst, send_id)


def for_credential(
    inst: Installation, http: Outbound, credential_id: str, host: str, name: str
) -> Started:
    """The API: a send of an issued credential; ``url`` is the start link for the learner."""
    record = issuance.by_id(inst, credential_id)
    if record.format not in SENDABLE:
        raise InvalidRequestError(f"a {record.format} credential cannot go to an OB host")
    if record.revoked is not None:
        raise InvalidRequestError("this credential is revoked; a host would refuse it")
    base, endpoints, client = _prepare(inst, http, host, name)
    key = secrets.token_urlsafe(32)
    send_id = _add(inst, record.issuer, base, endpoints, client, credential_id=record.id,
                   start_key=key)  # fmt: skip
    return Started(send_id, f"{inst.base_url}/backpack/start/{key}")


def open_start(inst: Installation, key: str) -> Started:
    """The API's start link, opened in the learner's browser (once)."""
    with inst.db.transaction() as tx:
        record = sends.send_by_start(tx, sha(key))
    if record is None:
        raise ForbiddenError("this start link is not valid")
    return _authorize(inst, record.id)


def get(inst: Installation, send_id: str) -> sends.SendRecord:
    with inst.db.transaction() as tx:
        record = sends.get_send(tx, send_id)
    if record is None:
        raise NotFoundError("no send with this id")
    return record


def view(record: sends.SendRecord) -> dict[str, Any]:
    """A send as the API shows it (no secrets)."""
    return {
        "id": record.id, "issuer": record.issuer, "host": record.host,
        "hostName": record.host_name, "credential": record.credential_id,
        "status": record.status, "outcome": record.outcome, "created": record.created,
        "finished": record.finished,
    }  # fmt: skip


def _credential(inst: Installation, record: sends.SendRecord) -> store.CredentialRecord:
    """The credential to send: the one named, or the offer's, issued now (spending it)."""
    if record.credential_id is not None:
        return issuance.by_id(inst, record.credential_id)
    assert record.offer_id is not None
    with inst.db.transaction() as tx:
        offer = store.get_offer(tx, record.offer_id)
        if offer is None or offer.redeemed_at is not None:
            raise InvalidRequestError("the offer was used meanwhile")
        learner = offer.request.get("learner") or {}
        issued = issuance.issue_credential(inst, issuance.IssueRequest(
            issuer=offer.issuer, achievement=offer.request["achievement"],
            recipient_email=record.secrets["email"], format="eddsa-rdfc-2022",
            recipient_name=learner.get("recipient_name"),
            date_of_birth=learner.get("date_of_birth"), grade=learner.get("grade"),
        ), tx=tx)  # fmt: skip
        changed = tx.execute(
            "UPDATE offers SET redeemed_at = ?, credential_id = ? "
            "WHERE pre_authorized_code = ? AND redeemed_at IS NULL",
            (inst.stamp(), issued.id, offer.pre_authorized_code),
        )
        if changed != 1:
            raise InvalidRequestError("the offer was used meanwhile")
    return issued


def _imsx(answer: Any) -> dict[str, Any]:
    """What a host's error answer says (its ``Imsx_StatusInfo``, when it sent one)."""
    found: dict[str, Any] = {"httpStatus": answer.status}
    try:
        body = answer.json()
    except OutboundError:
        return found | {"description": f"the host answered HTTP {answer.status}"}
    if isinstance(body, Mapping):
        found["description"] = str(body.get("imsx_description") or "")[:500]
        minor = body.get("imsx_codeMinor")
        fields = minor.get("imsx_codeMinorField") if isinstance(minor, Mapping) else None
        if isinstance(fields, list) and fields and isinstance(fields[0], Mapping):
            found["codeMinor"] = str(fields[0].get("imsx_codeMinorFieldValue") or "")[:100]
    return found


def _send(
    inst: Installation, http: Outbound, record: sends.SendRecord, code: str
) -> tuple[str, dict[str, Any], str | None]:
    host = obapi.HostEndpoints(**record.endpoints)
    with inst.db.transaction() as tx:
        client = sends.get_client(tx, record.client)
    assert client is not None
    form = obapi.code_form(code, inst.base_url + CALLBACK, record.secrets["verifier"])
    auth = obapi.basic_auth(client.client_id, client.client_secret) if client.client_secret else {}
    if not client.client_secret:
        form["client_id"] = client.client_id
    answer = http.post_form(host.token, form, headers=auth)
    if _forgotten(answer):
        raise InvalidRequestError(
            f"{record.host_name} forgot this issuer's registration while you were there; "
            "send it again (the issuer registers again)"
        )
    token = obapi.access_token_of(_answer_json(answer, "the token request"))
    credential = _credential(inst, record)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    url = host.api + "/credentials"
    document = credential.document
    answer = (
        http.post_text(url, document, headers=headers) if isinstance(document, str)
        else http.post_json(url, document, headers=headers)
    )  # fmt: skip
    if answer.status == 201:
        return "created", {"httpStatus": 201}, credential.id
    if answer.status == 200:
        return "existing", {"httpStatus": 200}, credential.id
    refusal = _imsx(answer)
    if record.offer_id is not None and 400 <= answer.status < 500:
        refusal["withdrawn"] = _withdraw(inst, record, credential.id, refusal)
    return "refused", refusal, credential.id


def _withdraw(
    inst: Installation, record: sends.SendRecord, credential_id: str, refusal: dict[str, Any]
) -> bool:
    """The host refused the credential issued from the offer: nobody holds it, so it is
    revoked (issued in error) and the offer opens again for another try."""
    said = printable_only(str(refusal.get("description", "")))  # the host's words, kept
    why = f"not delivered: {printable_only(record.host_name)} refused it ({said})"
    lists.set_status(inst, credential_id, "revocation", True, reason=why[:300],
                     code="issued-in-error")  # fmt: skip
    with inst.db.transaction() as tx:
        reopened = tx.execute(
            "UPDATE offers SET redeemed_at = NULL, credential_id = NULL "
            "WHERE pre_authorized_code = ? AND credential_id = ?",
            (record.offer_id, credential_id),
        )
    return reopened == 1


def finish(
    inst: Installation, http: Outbound, cookie: str | None, query: Mapping[str, str]
) -> sends.SendRecord:
    """The host sent the learner's browser back: exchange, upsert, record (once)."""
    if not cookie:
        raise ForbiddenError("this answer is for a send started in another browser")
    with inst.db.transaction() as tx:
        record = sends.send_by_state(tx, sha(query.get("state", "")))
    if record is None:
        raise NotFoundError("no send is waiting for this answer")
    if record.browser_hash is None or not secrets.compare_digest(record.browser_hash, sha(cookie)):
        raise ForbiddenError("this answer is for a send started in another browser")
    with inst.db.transaction() as tx:
        claimed = sends.move(tx, record.id, "authorizing", "sending")
    if not claimed:
        return get(inst, record.id)  # answered already (a reload): nothing twice
    credential_id = None
    try:
        if query.get("error"):
            said = query.get("error_description") or query["error"]
            status, outcome = "refused", {"description": f"{record.host_name} said: {said}"[:500],
                                          "error": query["error"][:100]}  # fmt: skip
        else:
            status, outcome, credential_id = _send(inst, http, record, query.get("code", ""))
    except (IssuerError, OutboundError, VckitError) as exc:
        status, outcome = "failed", {"description": str(exc)[:500]}
    with inst.db.transaction() as tx:
        sends.finish(tx, record.id, status, outcome, inst.stamp(), credential_id)
    return get(inst, record.id)


def list_for(inst: Installation, slug: str) -> list[sends.SendRecord]:
    with inst.db.transaction() as tx:
        return sends.list_sends(tx, slug)
