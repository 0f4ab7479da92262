"""W3C VC-API verification routes: the body is a declared model, the use case verifies, the
answer is JSON.

* ``POST /credentials/verify``    ``{"verifiableCredential", "options"?}`` (an object, a JWT,
  an SD-JWT, or a VC-API ``EnvelopedVerifiableCredential``)
* ``POST /presentations/verify``  ``{"verifiablePresentation", "options"?}``

How a report becomes an answer (the README's table): *verification* (authentic, intact, in
its validity period, not revoked, conformant) decides ``verified``; the verifier's own policy
(the registry's ``trusted-issuer``, a job's ``requirements-met``) is *validation*, reported
beside it in ``validation`` and never making an authentic credential unverified.

- a verification check that failed: 422 problem+json ``verification-failed`` with the result;
- a proof that could not be checked at all (unknown cryptosuite, no key): 422
  ``proof-not-verifiable`` with the result;
- otherwise 200 ``{"verified", "checks", "warnings", "errors", "validation", "report"}``:
  ``verified`` is true only when every verification check passed; a status that could not be
  checked is a warning and ``verified`` false.

Input that cannot be verified at all (:class:`vckit.errors.InputError`, a JSON credential
sent as a string) is a 422 problem too. Holder binding is reported, not required, unless
``options.requireHolderBinding`` is true (VC Data Model 2.0 §5.8 leaves it to the verifier).
``options.publicKeyJwk`` hands over the key for a JOSE token whose ``kid`` cannot be looked up
(see :func:`vckit.verification.jwt.with_supplied_key`): its *issuer-key* stays a warning.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from servicekit.json_route import api_router
from servicekit.problems import Problem
from vckit.cose.vc_cose import is_enveloped_cose
from vckit.credential import types_of
from vckit.errors import KeyFormatError
from vckit.keys.keypair import PublicKey
from vckit.report import FAIL, PASS, UNCHECKED, VALIDATION_CHECKS
from vckit.verification.jwt import enveloped_token
from verifier.checking.verification import Verifier
from verifier.web.deps import VerifierDep

router = api_router(tags=["VC-API"])

_CREDENTIAL_EXAMPLE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:issuer.example:issuers:college", "type": ["Profile"]},
    "validFrom": "2025-09-01T00:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"...": "..."}},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "...": "..."},
}


class VerifyOptions(BaseModel):
    """What a presentation must be bound to (VC-API ``options``); other members are ignored."""

    challenge: str | None = None
    domain: str | None = None
    requireHolderBinding: bool = False
    publicKeyJwk: dict[str, Any] | None = Field(
        default=None,
        description=(
            "A public JWK (no 'd') to check a JOSE token's signature with when its 'kid' cannot "
            "be dereferenced (not a DID URL, or an unreachable document). The check 'issuer-key' "
            "then stays could-not-check: the key is the caller's word, not the issuer's document."
        ),
        examples=[
            {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
        ],
    )


def _supplied_key(options: VerifyOptions) -> PublicKey | None:
    """``options.publicKeyJwk`` as a key; a private or unusable JWK is a 400 problem."""
    jwk = options.publicKeyJwk
    if jwk is None:
        return None
    if "d" in jwk:
        detail = "options.publicKeyJwk must be a public key: it carries the private member 'd'"
        raise Problem(400, "Private key given", detail, "invalid-key")
    try:
        return PublicKey.from_jwk(jwk)
    except KeyFormatError as exc:
        raise Problem(400, "Unusable key", f"options.publicKeyJwk: {exc}", "invalid-key") from None


class VerifyCredential(BaseModel):
    """VC-API ``VerifyCredentialRequest`` (or ``VerifyEnvelopedCredentialRequest``)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"verifiableCredential": _CREDENTIAL_EXAMPLE}]}
    )

    verifiableCredential: dict[str, Any] | str
    """The credential as an object, or a VC-JWT / SD-JWT string."""
    options: VerifyOptions | None = None


class VerifyPresentation(BaseModel):
    """VC-API ``VerifyPresentationRequest``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verifiablePresentation": {
                        "@context": ["https://www.w3.org/ns/credentials/v2"],
                        "type": ["VerifiablePresentation"],
                        "holder": "did:key:z6MkoDQNanR9CqdMUuBNJ5Xgps4wSWT8ccjQtpoyXtKmZNEH",
                        "verifiableCredential": [_CREDENTIAL_EXAMPLE],
                        "proof": {"type": "DataIntegrityProof", "...": "..."},
                    },
                    "options": {"challenge": "3fa85f64", "domain": "verifier.example"},
                }
            ]
        }
    )

    verifiablePresentation: dict[str, Any] | str
    """The presentation as an object, or a JWT / SD-JWT+KB string."""
    options: VerifyOptions | None = None


async def _verify(
    verifier: Verifier, item: dict[str, Any] | str, options: VerifyOptions | None
) -> Response:
    options = options or VerifyOptions()
    # CPU-bound (and may fetch): off the event loop, so one request does not stall the rest
    report = await verifier.verify_async(
        item,
        challenge=options.challenge,
        domain=options.domain,
        require_holder_binding=options.requireHolderBinding,
        supplied_key=_supplied_key(options),
    )
    checks = [c for c in report.all_checks() if not c.advisory]
    verification = [c for c in checks if c.id not in VALIDATION_CHECKS]
    result: dict[str, Any] = {
        "verified": report.verification == PASS,
        "checks": [c.id for c in verification if c.status == PASS],
        "warnings": [c.to_json() for c in verification if c.status == UNCHECKED],
        "errors": [c.to_json() for c in verification if c.status == FAIL],
        "validation": [c.to_json() for c in checks if c.id in VALIDATION_CHECKS],
        "report": report.to_json(),
    }
    if result["errors"]:
        first = result["errors"][0]
        detail = f"{first['id']}: {first['detail']}"
        raise Problem(422, "Verification failed", detail, "verification-failed", **result)
    unverifiable = [c for c in verification if c.id == "proof" and c.status == UNCHECKED]
    if unverifiable:
        detail = f"proof: {unverifiable[0].detail}"
        raise Problem(422, "Proof could not be verified", detail, "proof-not-verifiable", **result)
    return JSONResponse(result)


def _json_string(item: dict[str, Any] | str) -> None:
    """VC 2.0 / VC-API: a credential is an object, or a JWT / SD-JWT string; a JSON document
    sent as a string is refused, not parsed."""
    if isinstance(item, str) and item.lstrip().startswith(("{", "[")):
        detail = "a credential given as a string must be a JWT or an SD-JWT, not JSON text"
        raise Problem(422, "Unusable input", detail, "unsupported-format")


@router.post("/credentials/verify", summary="Verify a credential (W3C VC-API)")
async def credentials_verify(body: VerifyCredential, verifier: VerifierDep) -> Response:
    item = body.verifiableCredential
    _json_string(item)
    enveloped = isinstance(item, dict) and "EnvelopedVerifiableCredential" in types_of(item)
    if isinstance(item, dict) and enveloped and not is_enveloped_cose(item):
        # VC-API VerifyEnvelopedCredentialRequest: verified as the JWT / SD-JWT inside
        item = enveloped_token(item)
    return await _verify(verifier, item, body.options)


@router.post("/presentations/verify", summary="Verify a presentation (W3C VC-API)")
async def presentations_verify(body: VerifyPresentation, verifier: VerifierDep) -> Response:
    _json_string(body.verifiablePresentation)
    return await _verify(verifier, body.verifiablePresentation, body.options)
