"""One error tree for the credential core.

Every error carries a stable ``code`` (kebab-case, safe to show to machines and to
match in tests) and a message that says what failed and where.  Nothing in
``vckit`` raises a bare ``ValueError`` or uses ``assert`` for validation.

::

    VckitError                          code
    ├── InputError                      bad-input            unusable input
    │   ├── MalformedJsonError          malformed-json
    │   ├── DocumentTooLargeError       document-too-large
    │   ├── DocumentTooDeepError        document-too-deep
    │   ├── UnsupportedFormatError      unsupported-format
    │   ├── DateTimeError               bad-datetime         not an XML Schema date-time
    │   ├── BakingError                 baking-failed        an image that cannot be baked / read
    │   │   └── NotBakedError           not-baked            an image with no baked credential
    │   ├── DcqlQueryError              dcql-invalid         not a DCQL query (OpenID4VP 1.0 §6)
    │   └── AuthorizationRequestError   oid4vp-request-invalid  a refused OpenID4VP request
    ├── JsonLdError                     jsonld-error         JSON-LD processing could not finish
    │   ├── UnknownContextError         unknown-context      a context outside the sealed set
    │   ├── JsonLdSyntaxError           jsonld-syntax        the document is not valid JSON-LD
    │   │   ├── ProtectedTermError      protected-term-redefinition  JSON-LD 1.1 § 4.1.11
    │   │   └── RelativeIriError        relative-iri         an id/type/context not absolute
    │   ├── UndefinedTermError          undefined-term       a term that vanishes on expansion
    │   ├── UnsafeContextError          unsafe-context       an inline @vocab / @base
    │   ├── GraphTooLargeError          graph-too-large      too many nodes, or an @graph, to sign
    │   └── CanonicalizationLimitError  canonicalization-limit  RDFC-1.0 work bound exceeded
    ├── KeyFormatError                  key-format           a key that cannot be read or used
    ├── DidError                        did-error
    │   ├── UnsupportedDidMethodError   unsupported-did-method
    │   ├── InvalidDidError             invalid-did
    │   ├── DidFetchNotAllowedError     did-fetch-not-allowed  did:web with no fetch passed in
    │   ├── DidResolutionError          did-resolution-failed
    │   └── VerificationMethodNotFoundError  verification-method-not-found
    ├── ProofError                      proof-error
    │   ├── UnsupportedCryptosuiteError unsupported-cryptosuite
    │   ├── MalformedProofError         malformed-proof
    │   │   ├── SdProofValueError       sd-proof-value-malformed  ecdsa-sd-2023 proofValue (CBOR)
    │   │   └── SdPointerError          sd-pointer-invalid   a JSON pointer that selects nothing
    │   ├── ProofPurposeError           proof-purpose-mismatch
    │   ├── KeyControlError             key-not-controlled   key not authorized by the issuer's DID
    │   ├── InvalidSignatureError       invalid-signature
    │   ├── InvalidChallengeError       invalid-challenge    proof.challenge is not the expected one
    │   └── InvalidDomainError          invalid-domain       proof.domain is not the expected one
    ├── JoseError                       jose-error
    │   ├── JwtFormatError              jwt-malformed
    │   ├── JwtAlgorithmError           jwt-algorithm-rejected  none, HMAC, not the key's alg
    │   ├── JwtKeyError                 jwt-key-rejected        kid missing, not the issuer's
    │   ├── JwtIssuerMismatchError      jwt-issuer-mismatch
    │   └── JwtClaimsError              jwt-claims-invalid
    ├── SchemaError                     schema-invalid       carries field-level ``problems``
    ├── StatusListError                 status-list-error
    │   ├── StatusListFormatError       status-list-malformed
    │   ├── StatusIndexError            status-index-out-of-range
    │   ├── StatusPurposeError          status-purpose-mismatch  entry and list disagree on purpose
    │   └── StatusListUnverifiedError   status-list-unverified   the list credential did not verify
    └── SdJwtError                      sd-jwt-error  RFC 9901 SD-JWT / SD-JWT VC
        ├── SdJwtFormatError            sd-jwt-malformed
        │   └── SdJwtJsonError          sd-jwt-json-malformed  RFC 9901 §8 JSON (an InputError)
        ├── SdJwtHashAlgorithmError     sd-jwt-hash-alg-unsupported  ``_sd_alg`` not supported
        ├── SdJwtDisclosureError        sd-jwt-disclosure-invalid  bad, or names _sd / ...
        ├── SdJwtDigestRepeatedError    sd-jwt-digest-repeated  a digest referenced twice
        ├── SdJwtDuplicateDisclosureError  sd-jwt-disclosure-duplicated
        ├── SdJwtUnreferencedDisclosureError  sd-jwt-disclosure-unreferenced  modified / foreign
        ├── SdJwtTimeError              sd-jwt-time-invalid  exp / nbf / iat
        └── KeyBindingError             key-binding-invalid  RFC 9901 §7.3
            ├── KeyBindingMissingError  key-binding-missing  stripped KB-JWT
            ├── KeyBindingNonceError    key-binding-nonce-mismatch  replayed KB-JWT
            ├── KeyBindingAudienceError key-binding-aud-mismatch
            ├── KeyBindingHashError     key-binding-sd-hash-mismatch
            └── KeyBindingTimeError     key-binding-stale  iat outside the window
"""

from __future__ import annotations


class VckitError(Exception):
    """Root of every error raised by ``vckit``."""

    code = "vckit-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- input ---------------------------------------------------------------------------------


class InputError(VckitError):
    """Input that is not a credential or presentation vckit can read at all."""

    code = "bad-input"


class MalformedJsonError(InputError):
    code = "malformed-json"


class DocumentTooLargeError(InputError):
    code = "document-too-large"


class DocumentTooDeepError(InputError):
    code = "document-too-deep"


class UnsupportedFormatError(InputError):
    code = "unsupported-format"


class DateTimeError(InputError):
    code = "bad-datetime"


class BakingError(InputError):
    """A PNG or SVG badge image that is malformed, hostile, or cannot carry a credential."""

    code = "baking-failed"


class NotBakedError(BakingError):
    """A well-formed image with no ``openbadgecredential`` in it (OB 3.0 §5.3)."""

    code = "not-baked"


# --- JSON-LD ------------------------------------------------------------------------------


class JsonLdError(VckitError):
    """JSON-LD processing could not finish. The base class alone means "could not check"; the
    subclasses below say whether the document is at fault (see :mod:`vckit.jsonld.failures`)."""

    code = "jsonld-error"


class UnknownContextError(JsonLdError):
    """A context URL outside the sealed set: the check could not be made, the document is not
    proven bad."""

    code = "unknown-context"


class JsonLdSyntaxError(JsonLdError):
    """The document itself breaks JSON-LD 1.1 (an invalid term definition, a keyword
    redefined, an invalid @id, a cyclic IRI mapping, ...): its own fault, so a proof over it
    fails. ``jsonld_code`` is the JSON-LD 1.1 API error code (§ 9.4.2) when one applies."""

    code = "jsonld-syntax"

    def __init__(self, message: str, jsonld_code: str | None = None) -> None:
        super().__init__(message)
        self.jsonld_code = jsonld_code


class ProtectedTermError(JsonLdSyntaxError):
    """A context redefines a protected term differently (JSON-LD 1.1 § 4.1.11, error
    ``protected term redefinition``); ``term`` names it when known."""

    code = "protected-term-redefinition"

    def __init__(self, message: str, term: str | None = None) -> None:
        super().__init__(message, "protected term redefinition")
        self.term = term


class UndefinedTermError(JsonLdError):
    code = "undefined-term"


class RelativeIriError(JsonLdSyntaxError):
    """An ``@id``, ``@type`` or context reference that is not an absolute IRI (no base IRI
    is ever used, so it would be dropped or unloadable)."""

    code = "relative-iri"


class UnsafeContextError(JsonLdError):
    """A context written into the document sets ``@vocab`` or ``@base``: every undefined term
    (or relative IRI) would then silently get a meaning, defeating the refusal of both."""

    code = "unsafe-context"


class GraphTooLargeError(JsonLdError):
    """A document over the bounds an issuer signs (too many objects, or an ``@graph``)."""

    code = "graph-too-large"


class CanonicalizationLimitError(JsonLdError):
    code = "canonicalization-limit"


# --- keys and DIDs --------------------------------------------------------------------------


class KeyFormatError(VckitError):
    code = "key-format"


class DidError(VckitError):
    code = "did-error"


class UnsupportedDidMethodError(DidError):
    code = "unsupported-did-method"


class InvalidDidError(DidError):
    code = "invalid-did"


class DidFetchNotAllowedError(DidError):
    code = "did-fetch-not-allowed"


class DidResolutionError(DidError):
    code = "did-resolution-failed"


class VerificationMethodNotFoundError(DidError):
    code = "verification-method-not-found"


# --- proofs ---------------------------------------------------------------------------------


class ProofError(VckitError):
    code = "proof-error"


class UnsupportedCryptosuiteError(ProofError):
    code = "unsupported-cryptosuite"


class MalformedProofError(ProofError):
    code = "malformed-proof"


class SdProofValueError(MalformedProofError):
    """An ecdsa-sd-2023 proofValue that cannot be read (header, CBOR, label map)."""

    code = "sd-proof-value-malformed"


class SdPointerError(MalformedProofError):
    """A mandatory or selective JSON pointer that is malformed or selects nothing."""

    code = "sd-pointer-invalid"


class ProofPurposeError(ProofError):
    code = "proof-purpose-mismatch"


class KeyControlError(ProofError):
    code = "key-not-controlled"


class InvalidSignatureError(ProofError):
    code = "invalid-signature"


class InvalidChallengeError(ProofError):
    code = "invalid-challenge"


class InvalidDomainError(ProofError):
    code = "invalid-domain"


# --- JOSE -----------------------------------------------------------------------------------


class JoseError(VckitError):
    code = "jose-error"


class JwtFormatError(JoseError):
    code = "jwt-malformed"


class JwtAlgorithmError(JoseError):
    code = "jwt-algorithm-rejected"


class JwtKeyError(JoseError):
    code = "jwt-key-rejected"


class JwtIssuerMismatchError(JoseError):
    code = "jwt-issuer-mismatch"


class JwtClaimsError(JoseError):
    """A claim that is missing, malformed or disagrees with the credential; ``claim`` names it
    when one claim is at fault (a verifier files ``nbf``/``exp``/``iat`` under the validity
    period, the others under the credential's format)."""

    code = "jwt-claims-invalid"

    def __init__(self, message: str, claim: str | None = None) -> None:
        super().__init__(message)
        self.claim = claim


# --- schema and status ----------------------------------------------------------------------


class SchemaError(VckitError):
    """A document does not match a JSON Schema; ``problems`` lists ``(json_pointer, message)``."""

    code = "schema-invalid"

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems: list[tuple[str, str]] = problems or []


class StatusListError(VckitError):
    code = "status-list-error"


class StatusListFormatError(StatusListError):
    code = "status-list-malformed"


class StatusIndexError(StatusListError):
    code = "status-index-out-of-range"


class StatusPurposeError(StatusListError):
    code = "status-purpose-mismatch"


class StatusListUnverifiedError(StatusListError):
    code = "status-list-unverified"


# --- OpenID4VP (appended) ------------------------------------------------------------------


class DcqlQueryError(InputError):
    """Not a DCQL query: OpenID4VP 1.0 §6 structure broken (names the JSON path)."""

    code = "dcql-invalid"


class AuthorizationRequestError(InputError):
    """An OpenID4VP authorization request the wallet refuses (OpenID4VP 1.0 §5, §8.5
    ``invalid_request``); the message says which parameter and why."""

    code = "oid4vp-request-invalid"


# --- SD-JWT (appended; RFC 9901, SD-JWT VC) ------------------------------------------------


class SdJwtError(VckitError):
    code = "sd-jwt-error"


class SdJwtFormatError(SdJwtError):
    """Not an SD-JWT: bad ``~`` serialization, payload or ``_sd``/``...`` structure (§4, §7.1)."""

    code = "sd-jwt-malformed"


class SdJwtJsonError(SdJwtFormatError, InputError):
    """A JWS JSON serialized SD-JWT (RFC 9901 §8) with a missing, misplaced or malformed member
    (``payload``, ``protected``, ``signature(s)``, ``header.disclosures``, ``header.kb_jwt``).
    Also an ``InputError``: a web layer answers it with a 4xx problem."""

    code = "sd-jwt-json-malformed"


class SdJwtHashAlgorithmError(SdJwtError):
    """``_sd_alg`` names a hash function not supported (RFC 9901 §4.1.1)."""

    code = "sd-jwt-hash-alg-unsupported"


class SdJwtDisclosureError(SdJwtError):
    """A malformed disclosure, a forbidden claim name (``_sd``, ``...``), an array/object
    disclosure in the wrong place, or a name that already exists (RFC 9901 §4.2, §7.1)."""

    code = "sd-jwt-disclosure-invalid"


class SdJwtDigestRepeatedError(SdJwtError):
    """A digest appears more than once in the payload and disclosures (RFC 9901 §7.1 step 4)."""

    code = "sd-jwt-digest-repeated"


class SdJwtDuplicateDisclosureError(SdJwtError):
    """The same disclosure is presented twice (RFC 9901 §7.1 step 4)."""

    code = "sd-jwt-disclosure-duplicated"


class SdJwtUnreferencedDisclosureError(SdJwtError):
    """A disclosure whose digest is nowhere in the payload: modified, or from another
    SD-JWT (RFC 9901 §7.1 step 5)."""

    code = "sd-jwt-disclosure-unreferenced"


class SdJwtTimeError(SdJwtError):
    """Expired (``exp``), not yet valid (``nbf``) or issued in the future (``iat``)."""

    code = "sd-jwt-time-invalid"


class KeyBindingError(SdJwtError):
    """The Key Binding JWT fails a check of RFC 9901 §7.3."""

    code = "key-binding-invalid"


class KeyBindingMissingError(KeyBindingError):
    code = "key-binding-missing"


class KeyBindingNonceError(KeyBindingError):
    code = "key-binding-nonce-mismatch"


class KeyBindingAudienceError(KeyBindingError):
    code = "key-binding-aud-mismatch"


class KeyBindingHashError(KeyBindingError):
    code = "key-binding-sd-hash-mismatch"


class KeyBindingTimeError(KeyBindingError):
    code = "key-binding-stale"
