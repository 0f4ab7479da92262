"""Sign a credential in the two selective-disclosure formats: ``ecdsa-sd-2023`` and SD-JWT VC.

Both take the unsigned OB 3.0 credential and the achievement's disclosable learner-data fields
(:mod:`issuer.issuing.learner_data`); what is not disclosable is mandatory.

- :func:`ecdsa_sd_mandatory`: the mandatory pointers of an ``ecdsa-sd-2023`` base proof
  (:func:`vckit.sign` makes it with the issuer's P-256 key): every member except the
  disclosable fields. The holder derives proofs revealing any subset of the rest.
- :func:`issue_sd_jwt`: an SD-JWT VC (RFC 9901, typ ``dc+sd-jwt``, ES256, ``kid`` the issuer's
  key DID URL). The payload is the credential's JSON members plus ``iss``, ``iat``, ``nbf``
  (validFrom), ``exp`` (validUntil), ``vct``, ``sub`` (the recipient DID) and ``cnf.jwk`` (the
  key of the recipient's did:key / did:jwk); the disclosable fields become disclosures
  (identifier elements as array-element disclosures).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from issuer.errors import InvalidRequestError
from issuer.issuing.learner_data import disclosable_pointers, mandatory_pointers
from vckit import sdjwt as sd_jwt
from vckit.did.resolver import DidResolver
from vckit.errors import VckitError
from vckit.keys.keypair import KeyPair

VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
#: Members a holder must never hide, whatever the caller asks (VC-API mandatoryPointers are
#: added to these): the schema needs them, and expiry, status and the issuer must show.
NEVER_DISCLOSABLE = (
    "/id",
    "/type",
    "/issuer",
    "/name",
    "/description",
    "/validFrom",
    "/validUntil",
    "/issuanceDate",
    "/expirationDate",
    "/credentialStatus",
    "/credentialSchema",
    "/credentialSubject/id",
    "/credentialSubject/type",
    "/credentialSubject/achievement",
)


def _present(credential: Mapping[str, Any], pointer: str) -> bool:
    node: Any = credential
    for token in pointer[1:].split("/"):
        if not isinstance(node, Mapping) or token not in node:
            return False
        node = node[token]
    return True


def _id_only_parent(credential: Mapping[str, Any], pointer: str) -> str | None:
    """The parent of an ``/id`` pointer whose object has nothing but that ``id``: such a node
    reference compacts to the IRI itself (JSON-LD compaction, ``@type: @id`` terms), and
    vc-di-ecdsa selects in the compacted document, so only the parent pointer reaches it."""
    parent = pointer.removesuffix("/id")
    if parent == pointer or not parent:
        return None
    node: Any = credential
    for token in parent[1:].split("/"):
        node = node.get(token) if isinstance(node, Mapping) else None
    return parent if isinstance(node, Mapping) and set(node) == {"id"} else None


def required_pointers(credential: Mapping[str, Any], extra: Sequence[str] = ()) -> list[str]:
    """The never-disclosable members present, then ``extra`` (without repeats)."""
    present = [p for p in NEVER_DISCLOSABLE if _present(credential, p)]
    pointers = list(dict.fromkeys(_id_only_parent(credential, p) or p for p in present))
    return pointers + [p for p in dict.fromkeys(extra) if p not in pointers]


def ecdsa_sd_mandatory(credential: Mapping[str, Any], policy: Collection[str]) -> list[str]:
    """Mandatory pointers of a catalogue credential: all but the disclosable fields."""
    return required_pointers(credential, mandatory_pointers(credential, policy))


def holder_jwk(did: str) -> dict[str, str]:
    """The public JWK of a did:key / did:jwk recipient (resolved without the network)."""
    if not did.startswith(("did:key:", "did:jwk:")):
        raise InvalidRequestError("sd-jwt-vc binds the holder's key: give a did:key or did:jwk")
    try:
        document = DidResolver().resolve(did)
    except VckitError as exc:
        raise InvalidRequestError(f"cannot read the key of {did[:80]}: {exc}") from exc
    if not document.verification_methods:
        raise InvalidRequestError(f"{did[:80]} names no usable key")
    return document.verification_methods[0].public_key.to_jwk()


def _epoch(stamp: object) -> int | None:
    if not isinstance(stamp, str):
        return None
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def sd_jwt_claims(
    credential: Mapping[str, Any], *, issuer_did: str, now: datetime
) -> dict[str, Any]:
    """The SD-JWT VC payload before disclosures: the credential's members and the JWT claims."""
    claims: dict[str, Any] = {"iss": issuer_did, "iat": int(now.timestamp())}
    nbf = _epoch(credential.get("validFrom"))
    if nbf is not None:
        claims["nbf"] = nbf
    exp = _epoch(credential.get("validUntil"))
    if exp is not None:
        claims["exp"] = exp
    claims["vct"] = VCT
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    claims.update({k: v for k, v in credential.items() if k not in claims})
    return claims


def _path(pointer: str) -> tuple[str | int, ...]:
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    return tuple(int(t) if t.isdigit() else t for t in tokens)


def issue_sd_jwt(
    credential: Mapping[str, Any],
    key: KeyPair,
    *,
    kid: str,
    issuer_did: str,
    policy: Collection[str],
    now: datetime,
) -> str:
    """The compact SD-JWT VC ``<jwt>~<disclosure>~...~`` (no key binding JWT)."""
    subject = credential.get("credentialSubject")
    recipient = subject.get("id") if isinstance(subject, Mapping) else None
    if not isinstance(recipient, str):
        raise InvalidRequestError("sd-jwt-vc needs a DID recipient (cnf is the holder's key)")
    claims = sd_jwt_claims(credential, issuer_did=issuer_did, now=now)
    paths = [_path(p) for p in disclosable_pointers(credential, policy)]
    try:
        return sd_jwt.issue(
            claims, key, kid=kid, disclosable=paths, holder_jwk=holder_jwk(recipient)
        )
    except VckitError as exc:
        raise InvalidRequestError(f"cannot sign the SD-JWT VC: {exc}") from exc
