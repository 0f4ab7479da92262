"""OpenID4VCI 1.0, the Wallet's side of the Pre-Authorized Code Flow, written from the spec
(https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html; sections below
are that document's), so that any conforming Credential Issuer works, not only ours.

Step 1, the offer, is here; steps 2 to 6, redeeming it, are :mod:`wallet.receiving.redeem`.

1. :func:`read_offer` §4.1: the ``openid-credential-offer://`` link (or any URI with the same
   query), its QR text, or the bare JSON offer; by value (§4.1.2) or fetched by reference
   (§4.1.3). :func:`check_offer` §4.1.1.
2. :func:`fetch_metadata` §12.2.2 / §12.2.4: Credential Issuer Metadata; §12.3 + RFC 8414 the
   Authorization Server's (the issuer itself unless ``authorization_servers`` names one).
3. :func:`choose_configuration` §12.2.4: an offered configuration this wallet can hold
   (``ldp_vc``, ``jwt_vc_json`` or ``dc+sd-jwt``, a ``jwt`` proof with EdDSA, bound to a
   did:key, or for ``dc+sd-jwt`` to the key itself: ``cnf.jwk`` = the holder key).
4. :func:`request_token` §6.1: the Token Request (``tx_code`` when the offer asks for one).
5. :func:`request_nonce` §7: a ``c_nonce`` when the issuer has a Nonce Endpoint.
6. :func:`credential_request` §8.2: the key proof (Appendix F.1,
   :func:`vckit.protocols.oid4vci.key_proof`) signed by the holder key, ``aud`` the
   Credential Issuer, naming the key by its did:key URL (``kid``), or giving it as ``jwk``
   when the configuration binds to ``jwk`` only (:func:`binds_to_did`);
   :func:`send_credential_request` sends it (a fresh nonce and proof on ``invalid_nonce``,
   §8.3.1.2). Deferred issuance (§9) is not supported.

Steps 4 to 6 are in :mod:`wallet.receiving.redeem`; :mod:`wallet.receiving.progress` runs
them and records the offer's progress before each step that spends something at the
issuer, so that a crash loses nothing.

Every request goes through :class:`wallet.outbound.Outbound`. Errors are
:class:`wallet.errors.InvalidInputError` subclasses with a message for the learner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vckit.document import parse_json
from vckit.errors import VckitError
from vckit.protocols import oid4vci
from wallet.errors import InvalidInputError
from wallet.outbound import Answer, Outbound, OutboundError


def web_url(value: object) -> bool:
    """An absolute http(s) URL. Whether it may be reached (https only; http to localhost in
    the local demo) is the outbound policy's call (:mod:`wallet.outbound`)."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


class OfferError(InvalidInputError):
    """An offer the wallet cannot use, or an issuer that refused or failed."""

    code = "offer-refused"


class TxCodeMissing(InvalidInputError):
    """The offer asks for a Transaction Code and none was given."""

    code = "tx-code-required"


@dataclass(frozen=True)
class TxCodePrompt:
    """§4.1.1 ``tx_code``: how to ask the learner for the code sent to them separately."""

    input_mode: str
    length: int | None
    description: str | None


# --- 1. the offer (§4.1) -----------------------------------------------------------------------


def json_object(answer: Answer, what: str) -> dict[str, Any]:
    if answer.status != 200:
        raise OfferError(f"{what} ({answer.url}) answered HTTP {answer.status}")
    try:
        value = parse_json(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, VckitError) as exc:
        raise OfferError(f"{what} ({answer.url}) is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise OfferError(f"{what} ({answer.url}) is not a JSON object")
    return value


def get_json(http: Outbound, url: str, what: str) -> dict[str, Any]:
    try:
        return json_object(http.get(url, headers={"Accept": "application/json"}), what)
    except OutboundError as exc:
        raise OfferError(f"could not fetch {what}: {exc}") from None


def read_offer(http: Outbound, text: str) -> dict[str, Any]:
    """§4.1.2 / §4.1.3: the Credential Offer in ``text`` (a link, QR text, or the JSON)."""
    text = text.strip()
    if not text:
        raise OfferError("paste the offer link (openid-credential-offer://...) or its QR text")
    try:
        found = parse_json(text) if text.startswith("{") else oid4vci.parse_offer_uri(text)
    except VckitError as exc:
        raise OfferError(f"this is not a credential offer: {exc}") from None
    if isinstance(found, str):  # §4.1.3: by reference, GET it (an https URL)
        if not web_url(found):
            raise OfferError("credential_offer_uri must be an https URL (§4.1.3)")
        found = get_json(http, found, "the credential offer")
    if not isinstance(found, dict):
        raise OfferError("the credential offer is not a JSON object")
    return check_offer(found)


def reference_of(text: str) -> str | None:
    """The ``credential_offer_uri`` of a by-reference offer link (§4.1.3), else None."""
    text = text.strip()
    if not text or text.startswith("{"):
        return None
    try:
        found = oid4vci.parse_offer_uri(text)
    except VckitError:
        return None
    return found if isinstance(found, str) else None


def check_offer(offer: dict[str, Any]) -> dict[str, Any]:
    """§4.1.1: ``credential_issuer`` an https URL; ``credential_configuration_ids`` a non-empty
    array of strings; a ``pre-authorized_code`` grant (the only one this wallet runs)."""
    issuer = offer.get("credential_issuer")
    if not web_url(issuer):
        raise OfferError("the offer's credential_issuer is not an https URL (§4.1.1)")
    ids = offer.get("credential_configuration_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise OfferError("the offer has no credential_configuration_ids (§4.1.1)")
    pre_authorized_code(offer)
    return offer


def grant(offer: Mapping[str, Any]) -> Mapping[str, Any]:
    grants = offer.get("grants")
    grant = grants.get(oid4vci.PRE_AUTHORIZED_GRANT) if isinstance(grants, Mapping) else None
    if not isinstance(grant, Mapping):
        raise OfferError(
            "the offer has no pre-authorized code grant; this wallet cannot sign in to issuers"
        )
    return grant


def pre_authorized_code(offer: Mapping[str, Any]) -> str:
    code = grant(offer).get("pre-authorized_code")
    if not isinstance(code, str) or not code:
        raise OfferError("the offer's pre-authorized_code is missing (§4.1.1)")
    return code


def tx_code_prompt(offer: Mapping[str, Any]) -> TxCodePrompt | None:
    """§4.1.1: present (even ``{}``) exactly when the Token Request needs a Transaction Code."""
    found = grant(offer).get("tx_code")
    if found is None:
        return None
    if not isinstance(found, Mapping):
        raise OfferError("the offer's tx_code is not an object (§4.1.1)")
    length = found.get("length")
    description = found.get("description")
    return TxCodePrompt(
        "text" if found.get("input_mode") == "text" else "numeric",
        length if isinstance(length, int) and not isinstance(length, bool) else None,
        description[:300] if isinstance(description, str) else None,
    )
