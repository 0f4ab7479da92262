"""OpenID4VCI 1.0: redeeming an offer in the Pre-Authorized Code Flow, steps 2 to 6 (step 1,
reading the offer, is :mod:`wallet.receiving.offer`, whose docstring lists them all with
their sections): the issuer's metadata, the Token Request, a nonce, the key proof and the
Credential Request, each a function; :mod:`wallet.receiving.progress` runs them in order,
recording the offer's progress before each step that spends something at the issuer.

Every request goes through :class:`wallet.outbound.Outbound`. Errors are
:class:`wallet.receiving.offer.OfferError` (an :class:`wallet.errors.InvalidInputError`)
with a message for the learner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit.document import parse_json
from vckit.errors import InputError, VckitError
from vckit.keys.keypair import KeyPair
from vckit.protocols import oid4vci
from wallet.outbound import Answer, Outbound, OutboundError
from wallet.receiving.offer import (
    OfferError,
    TxCodeMissing,
    get_json,
    grant,
    json_object,
    pre_authorized_code,
    tx_code_prompt,
    web_url,
)

FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")  # preferred first
PROOF_ALG = "EdDSA"  # the learner's holder key is Ed25519
MAX_TX_CODE = 100

# --- 2. metadata (§12) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    issuer: dict[str, Any]
    token_endpoint: str


def _endpoint(document: Mapping[str, Any], name: str, required: bool = True) -> str | None:
    value = document.get(name)
    if web_url(value):
        return str(value)
    if required or value is not None:
        raise OfferError(f"the issuer's metadata has no https {name}")
    return None


def fetch_metadata(http: Outbound, offer: Mapping[str, Any]) -> Metadata:
    """§12.2.2 / §12.2.4 and the Authorization Server's RFC 8414 metadata (§12.3; OpenID
    Connect Discovery as the fallback the spec allows)."""
    identifier = str(offer["credential_issuer"])
    try:
        url = oid4vci.metadata_url(identifier)
    except VckitError as exc:
        raise OfferError(str(exc)) from None
    issuer = get_json(http, url, "the issuer's metadata")
    if issuer.get("credential_issuer") != identifier:  # §12.2.4: MUST be identical
        raise OfferError(f"the metadata at {url} is not that of {identifier}")
    _endpoint(issuer, "credential_endpoint")
    servers = issuer.get("authorization_servers")
    server = identifier
    if isinstance(servers, list) and servers:
        wanted = grant(offer).get("authorization_server")
        server = str(wanted if wanted in servers else servers[0])
    as_metadata: dict[str, Any] | None = None
    for well_known in ("oauth-authorization-server", "openid-configuration"):
        try:
            as_metadata = get_json(http, oid4vci.metadata_url(server, well_known), "AS metadata")
            break
        except (OfferError, VckitError):
            continue
    if as_metadata is None or as_metadata.get("issuer") != server:  # RFC 8414 §3.3
        raise OfferError(f"the authorization server {server} publishes no usable metadata")
    return Metadata(issuer, str(_endpoint(as_metadata, "token_endpoint")))


def choose_configuration(metadata: Metadata, offer: Mapping[str, Any]) -> str:
    """The first offered configuration in a format we hold whose proof and binding we can
    give (§12.2.4 ``proof_types_supported``, ``cryptographic_binding_methods_supported``)."""
    supported = metadata.issuer.get("credential_configurations_supported")
    supported = supported if isinstance(supported, Mapping) else {}
    usable: list[tuple[int, str]] = []
    for config_id in offer["credential_configuration_ids"]:
        config = supported.get(config_id)
        if not isinstance(config, Mapping) or config.get("format") not in FORMATS:
            continue
        proofs = config.get("proof_types_supported")
        if isinstance(proofs, Mapping):
            jwt = proofs.get("jwt")
            algs = (
                jwt.get("proof_signing_alg_values_supported") if isinstance(jwt, Mapping) else None
            )
            if not isinstance(algs, list) or PROOF_ALG not in algs:
                continue
        methods = config.get("cryptographic_binding_methods_supported")
        bindable = {"did:key", "did"} | ({"jwk"} if config.get("format") == "dc+sd-jwt" else set())
        if isinstance(methods, list) and not bindable & set(methods):
            continue
        usable.append((FORMATS.index(str(config["format"])), config_id))
    if not usable:
        raise OfferError("the issuer offers no credential in a format this wallet can hold")
    return min(usable)[1]


# --- 4-6. token, nonce, credential (§6, §7, §8) ------------------------------------------------


#: What an OAuth error means for the learner (RFC 6749 §5.2, RFC 6750 §3.1), in words.
OAUTH_WORDS = {
    "invalid_grant": "the offer was used already, has expired, or the code is wrong",
    "invalid_token": "the access token has expired: ask the issuer for a new offer",
    "invalid_request": "the issuer could not read the wallet's request",
}


def _oauth_error(answer: Answer, what: str) -> OfferError:
    """The issuer's refusal said once, in words: its own description when it gives one (e.g.
    "wrong transaction code"), else what the error code means; the code itself only when
    neither says anything."""
    try:
        body = parse_json(answer.body.decode("utf-8"))
    except (InputError, UnicodeDecodeError):
        body = {}
    body = body if isinstance(body, dict) else {}
    error = str(body.get("error", f"HTTP {answer.status}"))[:80]
    description = " ".join(str(body.get("error_description", "")).split())[:300]
    said = description or OAUTH_WORDS.get(error) or error
    if "transaction code" in description or "tx_code" in description:
        said += "; check the one-time code the issuer sent you and try again"
    return OfferError(f"the issuer did not accept the {what}: {said}")


@dataclass(frozen=True)
class Token:
    """§6.2: the access token, how long it lives (seconds, when said) and the
    ``credential_identifier`` the issuer named for the chosen configuration."""

    access_token: str
    expires_in: int | None
    credential_identifier: str | None


def token_form(offer: Mapping[str, Any], tx_code: str | None) -> dict[str, str]:
    """§6.1 Token Request with the pre-authorized code (and the Transaction Code when the
    offer asks for one: :class:`TxCodeMissing` without it)."""
    form = {
        "grant_type": oid4vci.PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": pre_authorized_code(offer),
    }
    if tx_code_prompt(offer) is not None:
        if not tx_code:
            raise TxCodeMissing("this offer needs the transaction code the issuer sent you")
        if len(tx_code) > MAX_TX_CODE:
            raise OfferError("that transaction code is too long")
        form["tx_code"] = tx_code
    return form


def request_token(
    http: Outbound, token_endpoint: str, form: Mapping[str, str], configuration_id: str
) -> Token:
    """§6.1 Token Request (the ``form`` of :func:`token_form`); §6.2 the answer."""
    try:
        answer = http.post_form(token_endpoint, dict(form))
    except OutboundError as exc:
        raise OfferError(f"could not reach the issuer's token endpoint: {exc}") from None
    if answer.status != 200:
        raise _oauth_error(answer, "offer")
    response = json_object(answer, "the token response")
    token = response.get("access_token")
    if not isinstance(token, str) or not token:
        raise OfferError("the issuer's token response has no access_token (§6.2)")
    expires_in = response.get("expires_in")
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        expires_in = None
    return Token(token, expires_in, _credential_identifier(response, configuration_id))


def _credential_identifier(response: Mapping[str, Any], configuration_id: str) -> str | None:
    details = response.get("authorization_details")
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, Mapping):
            continue
        if detail.get("credential_configuration_id") != configuration_id:
            continue
        identifiers = detail.get("credential_identifiers")
        if isinstance(identifiers, list) and identifiers and isinstance(identifiers[0], str):
            return identifiers[0]
    return None


def request_nonce(http: Outbound, nonce_endpoint: str | None) -> str | None:
    """§7.1: POST to the Nonce Endpoint, if the issuer has one; §7.2 ``c_nonce``."""
    if nonce_endpoint is None:
        return None
    try:
        answer = http.post_form(nonce_endpoint, {})
    except OutboundError as exc:
        raise OfferError(f"could not reach the issuer's nonce endpoint: {exc}") from None
    nonce = json_object(answer, "the nonce response").get("c_nonce")
    if not isinstance(nonce, str) or not nonce:
        raise OfferError("the issuer's nonce response has no c_nonce (§7.2)")
    return nonce


def binds_to_did(metadata: Metadata, configuration_id: str) -> bool:
    """Whether the key proof names the holder key by its did:key URL (``kid``, F.1: the
    credential is bound to that DID) rather than giving the key itself (``jwk``): the latter
    when the configuration binds to ``jwk`` and not to did:key (§12.2.4
    ``cryptographic_binding_methods_supported``; e.g. an SD-JWT VC bound by ``cnf.jwk``)."""
    supported = metadata.issuer.get("credential_configurations_supported")
    config = supported.get(configuration_id) if isinstance(supported, Mapping) else None
    methods = (
        config.get("cryptographic_binding_methods_supported")
        if isinstance(config, Mapping)
        else None
    )
    if not isinstance(methods, list) or "jwk" not in methods:
        return True
    return "did:key" in methods or "did" in methods


@dataclass(frozen=True)
class Plan:
    """What the Credential Request needs from the metadata, kept with the offer's progress
    so that a resumed offer goes on without fetching the metadata again."""

    credential_issuer: str  # the key proof's ``aud``
    credential_endpoint: str
    nonce_endpoint: str | None
    configuration_id: str
    binds_to_did: bool

    @classmethod
    def of(cls, metadata: Metadata, configuration_id: str) -> Plan:
        return cls(
            str(metadata.issuer["credential_issuer"]),
            str(_endpoint(metadata.issuer, "credential_endpoint")),
            _endpoint(metadata.issuer, "nonce_endpoint", required=False),
            configuration_id,
            binds_to_did(metadata, configuration_id),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "credential_issuer": self.credential_issuer,
            "credential_endpoint": self.credential_endpoint,
            "nonce_endpoint": self.nonce_endpoint,
            "configuration_id": self.configuration_id,
            "binds_to_did": self.binds_to_did,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Plan:
        return cls(
            str(value["credential_issuer"]),
            str(value["credential_endpoint"]),
            value.get("nonce_endpoint"),
            str(value["configuration_id"]),
            bool(value["binds_to_did"]),
        )


class NonceRefused(OfferError):
    """§8.3.1.2 ``invalid_nonce``: a fresh c_nonce and a new key proof are needed."""


def credential_request(
    plan: Plan,
    *,
    nonce: str | None,
    credential_identifier: str | None,
    key: KeyPair,
    kid: str,
    now: datetime,
) -> dict[str, Any]:
    """§8.2 Credential Request body with one ``jwt`` key proof (Appendix F.1) over ``nonce``,
    naming the key by ``kid`` or giving it as ``jwk`` (:func:`binds_to_did`)."""
    proof = oid4vci.key_proof(
        key,
        kid=kid if plan.binds_to_did else None,
        audience=plan.credential_issuer,
        issued_at=now,
        nonce=nonce,
    )
    body: dict[str, Any] = {"proofs": {"jwt": [proof]}}
    if credential_identifier is not None:  # §8.2: one or the other
        body["credential_identifier"] = credential_identifier
    else:
        body["credential_configuration_id"] = plan.configuration_id
    return body


def send_credential_request(
    http: Outbound, plan: Plan, access_token: str, body: Mapping[str, Any]
) -> dict[str, Any] | str:
    """§8.2 send the request; §8.3 the credential (one is kept). :class:`NonceRefused` on
    ``invalid_nonce`` (§8.3.1.2), :class:`OfferError` on any other failure."""
    headers = {"Authorization": f"Bearer {access_token}"}
    try:
        answer = http.post_json(plan.credential_endpoint, dict(body), headers=headers)
    except OutboundError as exc:
        raise OfferError(f"could not reach the issuer's credential endpoint: {exc}") from None
    if answer.status == 400 and b"invalid_nonce" in answer.body:
        raise NonceRefused("the issuer wants a fresh c_nonce (§8.3.1.2)")
    if answer.status not in (200, 202):
        raise _oauth_error(answer, "request for the credential")
    return _credential_of(json_object(answer, "the credential response"))


def _credential_of(response: Mapping[str, Any]) -> dict[str, Any] | str:
    """§8.3: ``credentials`` (non-empty array of objects with ``credential``), or a
    ``transaction_id`` for deferred issuance, which this wallet does not follow."""
    if "transaction_id" in response and "credentials" not in response:
        raise OfferError("the issuer will deliver this credential later; not supported yet")
    items = response.get("credentials")
    if not isinstance(items, list) or not items or not isinstance(items[0], Mapping):
        raise OfferError("the issuer's credential response has no credentials (§8.3)")
    credential = items[0].get("credential")
    if isinstance(credential, dict | str) and credential:
        return credential
    raise OfferError("the issuer's credential response holds no credential")
