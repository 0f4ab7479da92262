"""OpenID for Verifiable Credential Issuance 1.0: the pure protocol pieces.

Spec: https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html (final, 2025;
section numbers below are that document's). This module builds and reads the messages of the
Pre-Authorized Code Flow (§3.5) and checks the holder's key proof; it keeps no state, so the
single use of codes and nonces is the issuer's job.

* §4.1.1 Credential Offer object, §4.1.2 by value / §4.1.3 by reference as an
  ``openid-credential-offer://`` URI -> :func:`credential_offer`, :func:`offer_uri`,
  :func:`parse_offer_uri`.
* §12.2.2 where the metadata lives, §12.2.4 Credential Issuer Metadata, §12.3 + RFC 8414
  Authorization Server Metadata -> :func:`metadata_url`, :func:`issuer_metadata`,
  :func:`authorization_server_metadata`.
* Appendix A.1 W3C VC format profiles (``ldp_vc``, ``jwt_vc_json``) for an Open Badges 3.0
  credential -> :func:`ob3_configurations`. OB 3.0 itself names no OID4VCI profile.
* Appendix F.1 ``jwt`` proof type, F.4 "Verifying Proof" -> :func:`verify_key_proof`, one
  function per check. The proof's key (``kid`` as a did:key / did:jwk URL, or a bare ``jwk``,
  which we name by its did:jwk) becomes the credential subject's id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlsplit

from vckit.did.resolver import DidResolver, did_jwk
from vckit.document import parse_json
from vckit.errors import (
    DidError,
    InputError,
    JwtClaimsError,
    JwtFormatError,
    JwtKeyError,
    KeyFormatError,
    MalformedJsonError,
)
from vckit.jose import vc_jwt as jose
from vckit.keys import multibase
from vckit.keys.keypair import JWS_ALG, KeyPair, PublicKey

__all__ = [
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_ALGS",
    "PROOF_TYP",
    "KeyProof",
    "TxCode",
    "authorization_server_metadata",
    "credential_offer",
    "issuer_metadata",
    "key_proof",
    "metadata_url",
    "ob3_configurations",
    "offer_uri",
    "parse_offer_uri",
    "verify_key_proof",
]

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"  # §4.1.1
OFFER_SCHEME = "openid-credential-offer://"  # §4.1.2, §12.1 default offer endpoint
PROOF_TYP = "openid4vci-proof+jwt"  # §F.1
PROOF_ALGS = ("EdDSA", "ES256", "ES384")  # keys a did:key can name (Ed25519, P-256, P-384)
BINDING_METHODS = ("did:key", "did:jwk", "jwk")  # §12.2.4 cryptographic_binding_methods
MAX_OFFER_URI_CHARS = 16_384
VC_V2 = "https://www.w3.org/ns/credentials/v2"

CredentialFormat = Literal["ldp_vc", "jwt_vc_json"]


# --- §4 Credential Offer ----------------------------------------------------------------------


@dataclass(frozen=True)
class TxCode:
    """The ``tx_code`` object of §4.1.1: how the Wallet should ask for the Transaction Code."""

    length: int | None = None
    input_mode: Literal["numeric", "text"] = "numeric"
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.description is not None and len(self.description) > 300:
            raise InputError("a tx_code description must not exceed 300 characters (§4.1.1)")
        found: dict[str, Any] = {"input_mode": self.input_mode}
        if self.length is not None:
            found["length"] = self.length
        if self.description is not None:
            found["description"] = self.description
        return found


def credential_offer(
    credential_issuer: str,
    configuration_ids: Sequence[str],
    pre_authorized_code: str,
    tx_code: TxCode | None = None,
) -> dict[str, Any]:
    """§4.1.1 Credential Offer parameters for the pre-authorized code grant. ``tx_code`` is
    present, even as ``{}``, exactly when the Token Request must carry a Transaction Code."""
    ids = list(configuration_ids)
    if not ids or len(set(ids)) != len(ids):
        raise InputError("credential_configuration_ids must be a non-empty array of unique ids")
    grant: dict[str, Any] = {"pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        grant["tx_code"] = tx_code.to_json()
    return {
        "credential_issuer": credential_issuer,
        "credential_configuration_ids": ids,
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def offer_uri(*, offer: Mapping[str, Any] | None = None, offer_url: str | None = None) -> str:
    """§4.1.2 (``credential_offer``, the JSON object) or §4.1.3 (``credential_offer_uri``, a URL
    to GET it from): exactly one, as the single query parameter of the offer URI."""
    if (offer is None) == (offer_url is None):
        raise InputError("an offer URI carries either credential_offer or credential_offer_uri")
    if offer is not None:
        text = json.dumps(offer, separators=(",", ":"), ensure_ascii=False)
        return f"{OFFER_SCHEME}?credential_offer={quote(text, safe='')}"
    return f"{OFFER_SCHEME}?credential_offer_uri={quote(str(offer_url), safe='')}"


def parse_offer_uri(uri: str) -> dict[str, Any] | str:
    """Read an offer URI (any scheme, §4.1): the offer object (§4.1.2) or the URL to fetch
    it from (§4.1.3). Both parameters, neither, or a repeated one -> InputError."""
    if not isinstance(uri, str) or len(uri) > MAX_OFFER_URI_CHARS:
        raise InputError(f"an offer URI is a string of at most {MAX_OFFER_URI_CHARS} chars")
    pairs = parse_qsl(urlsplit(uri.strip()).query, keep_blank_values=True)
    names = [name for name, _ in pairs if name in ("credential_offer", "credential_offer_uri")]
    if len(names) != 1:
        raise InputError("an offer URI has exactly one credential_offer or credential_offer_uri")
    value = dict(pairs)[names[0]]
    if names[0] == "credential_offer_uri":
        return value
    try:
        offer = parse_json(value)
    except InputError as exc:
        raise MalformedJsonError(f"credential_offer is not JSON: {exc}") from exc
    if not isinstance(offer, dict):
        raise InputError("credential_offer is not a JSON object")
    return offer


# --- §12 Metadata -----------------------------------------------------------------------------


def metadata_url(identifier: str, well_known: str = "openid-credential-issuer") -> str:
    """§12.2.2 (and RFC 8414 §3.1 for ``oauth-authorization-server``): insert
    ``/.well-known/<name>`` between the host and the path of the identifier."""
    parts = urlsplit(identifier)
    if parts.query or parts.fragment or not parts.netloc:
        raise InputError(f"{identifier!r} is not an issuer identifier (§12.2.1)")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{well_known}{parts.path.rstrip('/')}"


def ob3_configurations(
    context: Sequence[str],
    types: Sequence[str],
    *,
    display_name: str,
    ldp_suites: Sequence[str] = ("eddsa-rdfc-2022",),
    jwt_algs: Sequence[str] = ("ES256",),
) -> dict[str, dict[str, Any]]:
    """§12.2.4 ``credential_configurations_supported`` for an Open Badges 3.0 credential in the
    two W3C formats of Appendix A.1: ``ldp_vc`` signed eddsa-rdfc-2022 (A.1.2) and ``jwt_vc_json``,
    the OB 3.0 VC-JWT (A.1.1). Both bind to the holder's key, proven with a ``jwt`` proof."""
    common: dict[str, Any] = {
        "cryptographic_binding_methods_supported": list(BINDING_METHODS),
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGS)}},
        "credential_metadata": {"display": [{"name": display_name, "locale": "en"}]},
    }
    name = types[-1]
    return {
        f"{name}_ldp_vc": {
            "format": "ldp_vc",
            "credential_signing_alg_values_supported": list(ldp_suites),
            "credential_definition": {"@context": list(context), "type": list(types)},
            **common,
        },
        f"{name}_jwt_vc_json": {
            "format": "jwt_vc_json",
            "credential_signing_alg_values_supported": list(jwt_algs),
            "credential_definition": {"type": list(types)},
            **common,
        },
    }


def issuer_metadata(
    credential_issuer: str,
    configurations: Mapping[str, Mapping[str, Any]],
    *,
    display_name: str,
) -> dict[str, Any]:
    """§12.2.4 Credential Issuer Metadata. The issuer is its own Authorization Server, so
    ``authorization_servers`` is omitted; it has a Nonce Endpoint, so proofs carry a c_nonce."""
    return {
        "credential_issuer": credential_issuer,
        "credential_endpoint": f"{credential_issuer}/credential",
        "nonce_endpoint": f"{credential_issuer}/nonce",
        "display": [{"name": display_name, "locale": "en"}],
        "credential_configurations_supported": {k: dict(v) for k, v in configurations.items()},
    }


def authorization_server_metadata(issuer: str) -> dict[str, Any]:
    """RFC 8414 §2 metadata of an AS that only does the pre-authorized code grant (so it may
    omit ``response_types_supported``, §12.2.4) and takes anonymous Token Requests (§12.3)."""
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


# --- Appendix F.1 / F.4: the holder's key proof ------------------------------------------------


@dataclass(frozen=True)
class KeyProof:
    """A verified key proof: the key the credential is bound to, and the DID naming it."""

    public_key: PublicKey
    holder: str  # the DID of ``kid``, or did:jwk of ``jwk``
    nonce: str | None
    issued_at: int
    alg: str


def check_proof_header(header: Mapping[str, Any], allowed_algs: Sequence[str]) -> str:
    """F.4: explicitly typed (``typ`` openid4vci-proof+jwt, F.1) with an asymmetric ``alg``
    that is not ``none``, not a MAC, and one we accept (jose.check_header)."""
    if header.get("typ") != PROOF_TYP:
        raise JwtFormatError(f"a key proof has typ {PROOF_TYP!r}, not {header.get('typ')!r}")
    return jose.check_header(header, allowed_algs)


def proof_key(header: Mapping[str, Any], resolver: DidResolver) -> tuple[PublicKey, str]:
    """F.1: exactly one of ``kid`` (a DID URL), ``jwk`` (no private part, F.4) or ``x5c``.
    Returns the key and the holder's DID. did:web is not resolved here (no fetch), and ``x5c``
    is not supported (our credentials bind to DIDs)."""
    present = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(present) != 1:
        raise JwtKeyError(f"a key proof names its key with one of kid, jwk, x5c; got {present}")
    if present[0] == "x5c":
        raise JwtKeyError("x5c key proofs are not supported; use a did:key/did:jwk kid or a jwk")
    if present[0] == "jwk":
        jwk = header["jwk"]
        if not isinstance(jwk, Mapping) or "d" in jwk:
            raise JwtKeyError("header 'jwk' must be a public JWK object (no private key 'd')")
        try:
            public = PublicKey.from_jwk(jwk)
        except KeyFormatError as exc:
            raise JwtKeyError(f"header 'jwk' is not a usable key: {exc}") from exc
        return public, did_jwk(public)
    kid = header["kid"]
    if not isinstance(kid, str) or not kid.startswith(("did:key:", "did:jwk:")):
        raise JwtKeyError("kid must be a did:key or did:jwk URL naming the holder's key")
    try:
        document, method = resolver.resolve_method(kid)
    except DidError as exc:
        raise JwtKeyError(f"kid {kid[:120]} cannot be resolved: {exc}") from exc
    if not document.allows(method.id, "authentication"):
        raise JwtKeyError(f"{document.id} does not list {method.id} under authentication")
    return method.public_key, document.id


def check_proof_claims(
    payload: Mapping[str, Any],
    *,
    audience: str,
    now: datetime,
    require_nonce: bool,
    client_id: str | None,
    max_age: timedelta,
    max_skew: timedelta,
) -> tuple[int, str | None]:
    """F.1 claims: ``aud`` (string) is the Credential Issuer Identifier; ``iat`` (number)
    within the window (§13.8: a little in the future is tolerated); ``nonce`` a string when the
    issuer has a Nonce Endpoint; ``iss`` the client_id, or absent for anonymous access."""
    if payload.get("aud") != audience:
        raise JwtClaimsError(f"aud must be the credential issuer {audience}")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise JwtClaimsError("iat (a number) is required in a key proof")
    stamp = now.timestamp()
    if iat < stamp - max_age.total_seconds():
        raise JwtClaimsError(f"the key proof is older than {max_age} (iat {iat})")
    if iat > stamp + max_skew.total_seconds():
        raise JwtClaimsError(f"the key proof is issued in the future (iat {iat})")
    nonce = payload.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        raise JwtClaimsError("nonce must be a string")
    if require_nonce and not nonce:
        raise JwtClaimsError("the key proof has no nonce (c_nonce from the Nonce Endpoint)")
    if payload.get("iss") != client_id:
        expected = "absent (anonymous access)" if client_id is None else client_id
        raise JwtClaimsError(f"iss must be {expected}, not {payload.get('iss')!r}")
    return int(iat), nonce


def verify_key_proof(
    token: str,
    *,
    audience: str,
    now: datetime,
    allowed_algs: Sequence[str] = PROOF_ALGS,
    require_nonce: bool = True,
    client_id: str | None = None,
    max_age: timedelta = timedelta(minutes=5),
    max_skew: timedelta = timedelta(seconds=60),
) -> KeyProof:
    """F.4 "Verifying Proof" for a ``jwt`` proof: header, key, signature by that key with its
    own alg only, claims. Raises JoseError subclasses (JwtFormatError, JwtAlgorithmError,
    JwtKeyError, JwtClaimsError, InvalidSignatureError). The nonce's freshness and single use
    are the caller's to check against what its Nonce Endpoint handed out."""
    if not isinstance(token, str):
        raise JwtFormatError("a jwt key proof is a compact JWS string")
    header, payload = jose.peek(token)
    alg = check_proof_header(header, allowed_algs)
    public, holder = proof_key(header, DidResolver())
    jose.check_alg_fits_key(alg, public)
    jose.verify_signature(token, alg, public)
    iat, nonce = check_proof_claims(
        payload,
        audience=audience,
        now=now,
        require_nonce=require_nonce,
        client_id=client_id,
        max_age=max_age,
        max_skew=max_skew,
    )
    return KeyProof(public, holder, nonce, iat, alg)


def key_proof(
    key: KeyPair,
    *,
    kid: str | None,
    audience: str,
    issued_at: datetime,
    nonce: str | None = None,
    client_id: str | None = None,
) -> str:
    """F.1 ``jwt`` proof, the Wallet's side: a compact JWS typed ``openid4vci-proof+jwt``,
    signed by the holder's ``key`` with the JWS ``alg`` of its kind; ``kid`` the DID URL of
    that key (the credential is bound to that DID), or None for the public key itself as
    ``jwk`` (bound to the key: binding method ``jwk``); claims ``aud`` (the Credential Issuer
    Identifier), ``iat``, the ``c_nonce`` when the issuer gave one, and ``iss`` only for a
    client_id (omitted for anonymous access with a Pre-Authorized Code).
    :func:`verify_key_proof` is the issuer's side."""
    header: dict[str, Any] = {"typ": PROOF_TYP, "alg": JWS_ALG[key.public.kind]}
    if kid is None:
        header["jwk"] = key.public.to_jwk()
    else:
        header["kid"] = kid
    claims: dict[str, Any] = {"aud": audience, "iat": int(issued_at.timestamp())}
    if nonce is not None:
        claims["nonce"] = nonce
    if client_id is not None:
        claims["iss"] = client_id
    signing_input = ".".join(
        multibase.base64url_nopad_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, claims)
    )
    signature = multibase.base64url_nopad_encode(key.sign(signing_input.encode("ascii")))
    return f"{signing_input}.{signature}"
