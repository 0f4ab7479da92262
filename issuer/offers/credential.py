"""OpenID4VCI 1.0 Nonce and Credential Endpoints: issue the offered credential to a holder's key.

The offer and the access token come from :mod:`issuer.offers.oid4vci`. Spec sections are those of
https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html.

1. The Wallet fetches a ``c_nonce`` (:class:`Nonces`, §7): stateless (an HMAC over an expiry),
   so the unauthenticated Nonce Endpoint writes nothing; a nonce is spent when a credential is
   issued with it (recorded on that offer) and never accepted again.
2. It sends a ``jwt`` key proof to the Credential Endpoint (:func:`issue`, §8): the holder's DID
   (did:key, did:jwk, or did:jwk of a bare jwk) becomes ``credentialSubject.id`` (and, for
   ``dc+sd-jwt``, its key the SD-JWT VC's ``cnf.jwk``: an SD-JWT string is returned) and the
   credential goes through :func:`issuer.issuing.issuance.issue_credential` (status entries, schema)
   in the same transaction that spends the offer and the nonce.
3. A repeated Credential Request under the same access token gets the SAME credential back
   (:func:`redeliver`), never a second one and never an error, so that a Wallet that lost the
   answer (a crash, a dropped connection) can simply send its request again. §14.3 ("Multiple
   Accesses to the Credential Endpoint") lets the Credential Issuer decide whether a repeat
   returns the same or an updated Credential; here it is the same, read from the store. The
   access token was issued for one credential of one offer, so the repeat is answered by the
   token alone (while it lives, :data:`~issuer.offers.oid4vci.ACCESS_TOKEN_TTL`): its key proof
   must still be well-formed, but is not verified again and its nonce is not spent, because
   nothing new is bound to it -- the credential carries the key whose proof (and fresh nonce)
   was verified when it was issued. A repeat with the same proof and one with a different proof
   both get the stored credential; one naming another configuration than the one issued is
   refused (``invalid_credential_request``): it is not a repeat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from issuer import store
from issuer.errors import IssuerError
from issuer.installation import Installation
from issuer.issuing import issuance
from issuer.offers.oid4vci import (
    ACCESS_TOKEN_TTL,
    CONFIGURATION_FORMATS,
    OAuthError,
    b64url,
    configurations,
    issuer_identifier,
    sha256_b64,
    stamp_time,
)
from issuer.organisations import catalogue
from servicekit.db import ConflictError, Tx
from vckit.errors import VckitError
from vckit.protocols import oid4vci

NONCE_TTL = timedelta(minutes=5)


# --- Nonce Endpoint (§7) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Nonces:
    """Stateless c_nonce values: ``b64url(expiry ‖ random ‖ HMAC)``. The key is derived from
    a server secret (:meth:`from_secret`), so every worker and a restarted server accept the
    nonces it made; a nonce from elsewhere fails with invalid_nonce (§8.3.1.2)."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @classmethod
    def from_secret(cls, secret: str) -> Nonces:
        """A key of its own, derived from ``secret`` (HMAC-SHA256 as a KDF)."""
        label = b"ler-issuer oid4vci c_nonce v1"
        return cls(hmac.new(secret.encode(), label, hashlib.sha256).digest())

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self.key, body, hashlib.sha256).digest()[:16]

    def mint(self, now: datetime) -> str:
        """§7.2: a new unpredictable c_nonce."""
        expiry = int((now + NONCE_TTL).timestamp()).to_bytes(8, "big")
        body = expiry + secrets.token_bytes(16)
        return b64url(body + self._mac(body))

    def valid(self, nonce: str, now: datetime) -> bool:
        """Made here (MAC) and not yet expired. Single use is checked against the store."""
        try:
            raw = base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))
        except ValueError:
            return False
        if len(raw) != 40 or not hmac.compare_digest(self._mac(raw[:24]), raw[24:]):
            return False
        return int.from_bytes(raw[:8], "big") > now.timestamp()


def new_nonce(inst: Installation, nonces: Nonces, slug: str) -> dict[str, str]:
    """§7.2 Nonce Response of a known issuer."""
    catalogue.get_issuer(inst, slug)
    return {"c_nonce": nonces.mint(inst.now())}


# --- Credential Endpoint (§8) --------------------------------------------------------------------


def _authorized_offer(inst: Installation, slug: str, access_token: str | None) -> store.OfferRecord:
    """RFC 6750 §2.1 bearer token -> its offer (401 invalid_token otherwise)."""
    if not access_token:
        raise OAuthError("invalid_token", "no access token (Authorization: Bearer)", 401)
    with inst.db.transaction() as tx:
        record = store.get_offer_by_access_token(tx, sha256_b64(access_token))
    if record is None or record.issuer != slug or record.redeemed_at is None:
        raise OAuthError("invalid_token", "unknown access token", 401)
    if stamp_time(record.redeemed_at) + ACCESS_TOKEN_TTL <= inst.now():
        raise OAuthError("invalid_token", "the access token has expired", 401)
    return record


def _requested_configuration(body: Mapping[str, Any], record: store.OfferRecord) -> str:
    """§8.2 credential_configuration_id (we never return credential_identifiers)."""
    if "credential_identifier" in body:
        raise OAuthError("invalid_credential_request", "credential_identifier is not used here")
    if "credential_response_encryption" in body:
        raise OAuthError("invalid_encryption_parameters", "response encryption is not supported")
    configuration = body.get("credential_configuration_id")
    if not isinstance(configuration, str):
        raise OAuthError("invalid_credential_request", "credential_configuration_id is missing")
    if configuration not in configurations():
        raise OAuthError("unknown_credential_configuration", f"unknown {configuration[:80]!r}")
    if configuration not in record.request["configuration_ids"]:
        raise OAuthError("insufficient_scope", "the offer did not include it", 403)
    return configuration


def _proof_jwt(body: Mapping[str, Any]) -> str:
    """§8.2 ``proofs``: one proof type, ``jwt``, with exactly one JWT (no batch issuance)."""
    proofs = body.get("proofs")
    if not isinstance(proofs, Mapping) or not proofs:
        raise OAuthError("invalid_proof", "proofs is missing")
    if list(proofs) != ["jwt"]:
        raise OAuthError("invalid_proof", "proofs must hold exactly one proof type: jwt")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
        raise OAuthError("invalid_proof", "proofs.jwt must be an array of exactly one JWT")
    return jwts[0]


class AlreadyIssued(Exception):
    """The offer's credential was issued meanwhile (a concurrent repeat of the request)."""


def _claim_offer(tx: Tx, offer_id: str, nonce: str) -> None:
    """Spend the nonce and the offer, only if neither was spent before (same transaction as
    the credential, so a failed issuance spends nothing). :class:`AlreadyIssued` when a
    concurrent request under the same token won."""
    spent = tx.one("SELECT pre_authorized_code FROM offers WHERE c_nonce = ?", (nonce,))
    if spent is not None and spent["pre_authorized_code"] != offer_id:
        raise OAuthError("invalid_nonce", "the c_nonce was already used; get a new one")
    try:  # the unique index on c_nonce settles a race between two offers
        changed = tx.execute(
            "UPDATE offers SET c_nonce = ? "
            "WHERE pre_authorized_code = ? AND c_nonce IS NULL AND credential_id IS NULL",
            (nonce, offer_id),
        )
    except ConflictError:
        raise OAuthError("invalid_nonce", "the c_nonce was already used; get a new one") from None
    if changed != 1:
        raise AlreadyIssued(offer_id)


def redeliver(inst: Installation, offer_id: str, configuration: str) -> dict[str, Any]:
    """§14.3: the credential already issued under this access token, as it was sent the first
    time (see the module docstring)."""
    with inst.db.transaction() as tx:
        record = store.get_offer(tx, offer_id)
        issued = (
            None
            if record is None or record.credential_id is None
            else store.get_credential(tx, record.credential_id)
        )
    if issued is None:  # the offer row names a credential the store does not hold
        raise OAuthError("invalid_token", "the access token was already used", 401)
    if CONFIGURATION_FORMATS[configuration] != issued.format:
        raise OAuthError(
            "invalid_credential_request",
            "this access token was used for a credential of another configuration",
        )
    return {"credentials": [{"credential": issued.document}]}


def issue(
    inst: Installation,
    nonces: Nonces,
    slug: str,
    access_token: str | None,
    body: object,
) -> dict[str, Any]:
    """§8.2 Credential Request -> §8.3 Credential Response with one credential."""
    record = _authorized_offer(inst, slug, access_token)
    if not isinstance(body, Mapping):
        raise OAuthError("invalid_credential_request", "the request body is not a JSON object")
    configuration = _requested_configuration(body, record)
    proof_jwt = _proof_jwt(body)
    if record.credential_id is not None:  # a repeat: the same credential (§14.3)
        return redeliver(inst, record.pre_authorized_code, configuration)
    now = inst.now()
    try:
        proof = oid4vci.verify_key_proof(proof_jwt, audience=issuer_identifier(inst, slug), now=now)
    except VckitError as exc:
        raise OAuthError("invalid_proof", f"{exc.code}: {exc}") from exc
    if proof.nonce is None or not nonces.valid(proof.nonce, now):
        raise OAuthError("invalid_nonce", "the c_nonce is unknown or expired; get a new one")
    learner = record.request.get("learner") or {}
    request = issuance.IssueRequest(
        issuer=slug,
        achievement=record.request["achievement"],
        recipient_did=proof.holder,  # its key becomes cnf.jwk of an SD-JWT VC
        format=CONFIGURATION_FORMATS[configuration],
        recipient_name=learner.get("recipient_name"),
        date_of_birth=learner.get("date_of_birth"),
        grade=learner.get("grade"),
    )
    try:
        with inst.db.transaction() as tx:
            _claim_offer(tx, record.pre_authorized_code, proof.nonce)
            credential = issuance.issue_credential(inst, request, tx=tx)
            store.update_offer(tx, record.pre_authorized_code, credential_id=credential.id)
    except AlreadyIssued:  # a concurrent repeat issued it first
        return redeliver(inst, record.pre_authorized_code, configuration)
    except IssuerError as exc:
        raise OAuthError("credential_request_denied", str(exc)) from exc
    return {"credentials": [{"credential": credential.document}]}
