"""Why a conformance test failed: rules over what the test sent and what our services answered.

Our analysis (harness code, not suite code). Each rule looks at one failure: the suite, the
test's full title, the assertion message, and the requests our services received while the
test (or its failed hook, or for a test that made no request, its `before` hooks) ran. The
first rule that matches is the failure's cause; the others that also match are listed beside
it. A failure no rule explains is reported as "not yet classified" rather than guessed at.

The explanations name the project's files as of the issue-14 round (docs/CONFORMANCE.md).
Causes marked "(baseline)" or "(before issue 14)" were seen in an earlier round and are fixed
since; their rules stay so that a regression is named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ISSUE_14 = "issue 14 (VC-JOSE-COSE complete, and the issuer-side conformance failures)"

# cause id -> (title, explanation)
CAUSES: dict[str, tuple[str, str]] = {
    "jose-iat-string": (
        "Suite bug: the JWT vectors' `iat` is a string",
        'The vectors carry `"iat": "2010-01-01T19:23:24Z"`. RFC 7519 4.1.6: the `iat` value '
        '"MUST be a number containing a NumericDate value"; our verifier refuses it '
        "(`vckit/jose/claims.py`, 422 at `validity-period`). The signature itself verifies with "
        "the key the suite hands over (`--key vm-*.json`, which `ler jose-cose verify` supplies to "
        "vckit). A known suite bug: w3c/vc-jose-cose#334.",
    ),
    "jose-caller-key": (
        "(before issue 14) JWT verified only with the issuer's key, not one the caller supplies",
        "Before issue 14 our verifier took a JWT's key only from its issuer (DID document, "
        "controller document, JWT VC issuer metadata); the vectors' issuer "
        "`https://example.issuer/vc-jose-cose` does not resolve, so the proof was not checked. "
        "The verifier now takes `options.publicKeyJwk`, and the stand-in sends the suite's key.",
    ),
    "jose-non-did-kid": (
        "(baseline) Verifier took JWT keys only from the issuer's DID",
        "The vc-jose-cose vectors have a non-DID issuer and a bare `kid`; the baseline verifier "
        "resolved JWT keys only from DID documents and answered 422 at `issuer-key`.",
    ),
    "vc11-vc-jwt": (
        "(before issue 14) VC 1.1 refused for vc-jwt",
        "The suite asks for a VC-JWT of a VC 1.1 credential "
        "(`https://www.w3.org/2018/credentials/v1`). Our issuer secures only VC 2.0 credentials "
        'as `vc-jwt` (VC-JOSE-COSE): `issuer/issuing/vc_api.py` answers 422 "vc-jwt secures '
        'VC 2.0 credentials only". (`ob3-jwt` takes VC 1.1; declaring it as the JWT issuer is '
        f"the variant in docs/CONFORMANCE.md.) For {ISSUE_14}.",
    ),
    "vc11-ecdsa-sd": (
        "(before issue 14) VC 1.1 refused for ecdsa-sd-2023",
        "The shared Data Integrity assertions (`data-integrity-test-suite-assertion`) issue a "
        "VC 1.1 credential whatever the endpoint's `supports.vc` says. Our issuer secures only "
        'VC 2.0 with `ecdsa-sd-2023` (`issuer/issuing/vc_api.py`: 422 "ecdsa-sd-2023 secures '
        'VC 2.0 credentials only"), so the `before` hook fails and the tests under it do not '
        f"run. For {ISSUE_14}.",
    ),
    "statuslist2021-context": (
        "(before options.credentialStatus) VC 1.1 credentials get the StatusList2021 context, "
        "which the suite cannot load",
        "Our issuer no longer adds status to VC 1.1 input unless the caller asks "
        "(`options.credentialStatus`) or `LER_ISSUER_VC11_STATUS` is set; this rule names a "
        "regression. "
        "For VC 1.1 input our issuer added a `StatusList2021Entry` and appended the context "
        "`https://w3id.org/vc/status-list/2021/v1` (`issuer/issuing/vc_api.py`, "
        "STATUS_2021_CONTEXT): Bitstring Status List terms are defined only in the VC 2.0 "
        "context, and StatusList2021 is the status mechanism published for VC 1.1. The suite "
        "expands the issued credential with its own offline document loader, which does not "
        'have that (published, loadable) context ("Dereferencing a URL did not result in a '
        'valid JSON-LD object"). The credential itself was issued (201). '
        f"Listed under {ISSUE_14}.",
    ),
    "status-list-http": (
        "(before the harness's https issuer) Status list URL is http://; the suite fetches "
        "status lists over https only",
        "services.sh now gives the issuer the TLS proxy's public URL (`LER_UP_ISSUER_URL`); "
        "this rule names a regression. "
        "`ler up` served the issuer on plain http, so `credentialStatus.statusListCredential` "
        "is `http://localhost:9101/issuers/<slug>/status/<list>`. The suite's document loader "
        'has only an `https` protocol handler, so it answers "Document not found in document '
        'loader: http://…" and the status-list tests fail or do not run. The TLS proxy cannot '
        f"help: the URL is inside the signed credential. For {ISSUE_14}.",
    ),
    "issuer-did-web": (
        "(before issue 14) Issuer is did:web; the suite resolves only did:key",
        "Our issuers sign as `did:web:localhost%3A9101:issuers:<slug>#<key>`. These tests derive "
        'the public key by reading the verification method as a did:key ("Only did key is '
        'supported" in the suites), which fails on a did:web URL (e.g. `Unsupported '
        f'"multibaseMultikeyHeader", "loca"`, the start of `localhost`). For {ISSUE_14}.',
    ),
    "status-message-length": (
        "Suite bug: statusMessage length compared with statusSize, not 2**statusSize",
        "The suite asserts `statusMessage.length == statusSize`. Bitstring Status List v1.0 "
        '§2.1: "the length of which MUST equal the number of possible status messages indicated '
        "by statusSize (e.g., statusMessage array MUST have 2 elements if statusSize has 1 bit, 4 "
        'elements if statusSize has 2 bits, 8 elements if statusSize has 3 bits, etc.)". Our '
        "`message` entry has `statusSize` 2 and 4 messages, as the spec requires; no length "
        "could pass both (2**n is never n).",
    ),
    "suite-options-leak": (
        "Suite bug: a test's mandatoryPointers leak into later issuance requests",
        "The suite's `secureCredential` helper writes `mandatoryPointers` into the endpoint's "
        "`settings.options` object, which every later request to that endpoint shares. After "
        "the test that sends the deliberately invalid pointer "
        "`/credentialSubject/invalidPointer`, the next issuance carries it too, and our issuer "
        'rightly refuses it (422 "JSON pointer … selects nothing"). It bites only '
        "implementations that take `options` (ours chooses the cryptosuite by "
        f"`options.cryptosuite`). Listed under {ISSUE_14}.",
    ),
    "issuer-owns-status": (
        "(before issue 14) Issuer refuses a caller-supplied credentialStatus",
        "The suite asks the issuer to sign a credential that already has a `credentialStatus` "
        "and expects it to be issued. Our issuer owns status entries and refuses any given one: "
        '400 "the issuer sets credentialStatus and proof; leave them out" '
        f"(`issuer/issuing/vc_api.py`). For {ISSUE_14}.",
    ),
    "related-resource-stale-digest": (
        "Suite bug: its 'valid' relatedResource digests are of a superseded base context",
        "The suite's fixture digests for `https://www.w3.org/ns/credentials/v2` "
        "(`sha384-NSOcNpmd...`, `uJKGMkOm...`, i.e. SHA-256 `24a18c90...`) are those of the "
        "2024 Candidate Recommendation's base context (w3c/vc-data-model "
        "`transitions/2024/CR2/index.html`). The Recommendation (`transitions/2025/REC/"
        "index.html`, Appendix B.1) publishes `59955ced...`, which our sealed copy reproduces; "
        "VC DM 2.0 5.3: a digest that does not match the resource MUST be an error, so the issuer "
        "refuses them (422 naming the member, `vckit/related_resources.py`).",
    ),
    "related-resource-digest": (
        "(before issue 14) relatedResource digest not compared with the resource",
        "The suite asks the issuer to sign a credential whose `relatedResource` digest is "
        "well-formed but does not match `https://www.w3.org/ns/credentials/v2`, and expects "
        '400/422. VC DM 2.0 5.3 puts that MUST on the verifier: "If the digest provided by '
        "the issuer does not match the digest computed for the retrieved resource, the "
        'conforming verifier implementation MUST produce an error." Our issuer checks the '
        "digest's form (`vckit/data_model.py`) and fetches nothing. A byte digest depends on "
        "the exact bytes served: our sealed copy of the v2 context does not hash to the suite's "
        f"own 'correct' digest, so comparing with it would refuse good input. {ISSUE_14}.",
    ),
    "issuer-no-dm-validation": (
        "(before issue 14) Issuer signs VC 2.0 documents the data model says to reject",
        "The suite sends the issuer credentials that break a VC 2.0 MUST and expects 400/422; "
        "our issuer checks the first `@context`, `type`, `issuer`, that `credentialSubject` is "
        "an object, JSON-LD expansion and the OB 3.0 schema for OB credentials, then signs "
        "(201). Seen: `termsOfUse`, `evidence`, `refreshService`, `credentialSchema` without "
        "`type`; empty `credentialSubject`; `id: null`; `validFrom`/`validUntil` not "
        "dateTimeStamp; malformed `relatedResource`. For " + ISSUE_14 + ".",
    ),
    "jwt-di-shape": (
        "Suite reads a JWT-secured credential as a Data Integrity object",
        "The suite's JWT files assert the Data Integrity shape on what the issuer returns "
        "(`credentialSubject` and a `proof` object on the credential) and build their negative "
        "verifier cases by deleting `issuer`, `credentialSubject` or `proof` (or members of "
        "`proof`) from it. Our issuer returns a JWT-secured credential as VC DM 2.0 4.13.1 "
        'defines: an `EnvelopedVerifiableCredential` whose "id value ... MUST be a data: URL '
        "... that expresses a secured verifiable credential using an enveloping security "
        'scheme". Deleting members the envelope never had leaves a valid credential (our '
        "verifier answers 200 verified), and there is no `proof` to take members from "
        '("Cannot convert undefined or null to object"). Nothing on our side to fix.',
    ),
    "inline-vocab": (
        "Verifier refused an inline @context setting @vocab (until the commit after 17fbe19)",
        "The ECDSA spec's ecdsa-sd-2023 vectors (the windsurf example) carry an inline context "
        '`{"@vocab": "https://windsurf.grotto-networking.com/selective#"}`. Our verifier\'s '
        "format check refuses an inline `@vocab`/`@base` (`vckit/jsonld/policy.py`, since "
        "f3dd2d8): it would give every undefined term a meaning, so the Data Integrity rule "
        "that undefined terms are an error could never apply. VC DM 2.0 does not forbid it; the "
        "declared way is the `https://www.w3.org/ns/credentials/undefined-terms/v2` context. "
        "The suite sends the valid derived vector first and needs a 200 result before testing "
        "its invalid variants.",
    ),
    "rerun-same-id": (
        "Re-run against the same data: the suite's fixed credential id is issued already",
        "The suite issues `https://example.org/credentials/1` in every run. The issuer keeps one "
        "credential per id (status and revocation are keyed by it) and answers 409 the second "
        "time. A round is counted on fresh data (`./services.sh stop`, remove "
        "`conformance/var`, `./services.sh start`); a second run on the same data shows this.",
    ),
    "vp-no-holder": (
        "(baseline) Presentation without a holder refused",
        "The baseline verifier required a presentation to name its holder; fixed in verify-world.",
    ),
    "vp-holder-not-subject": (
        "(baseline) Presentation refused: holder is not the credentials' subject",
        "The baseline's `holder-binding` check required every credential to be about the holder; "
        "fixed in verify-world.",
    ),
    "proof-set-foreign-key": (
        "(baseline) Proof set/chain with a proof by another key refused",
        "The baseline verifier required every proof to be by the issuer; fixed in verify-world.",
    ),
    "verifier-registry": (
        "Verifier's governance registry fails an issuer not in examples/registry.json",
        "`ler up` starts the verifier with its governance registry; a valid credential from any "
        "other issuer fails `trusted-issuer`. Since verify-world that is reported under "
        "validation and decides no test; this rule names it if it does again.",
    ),
    "verifier-accepts-json-text": (
        "(baseline) Verifier accepted a credential sent as a JSON string",
        "The suite sends `verifiableCredential` as a string of JSON text and expects an error; "
        "since verify-world our verifier answers 422 `unsupported-format`.",
    ),
    "verifier-200-unchecked": (
        "Verifier answers 200 {verified:false} where the suite expects an error status",
        "A proof that could not be checked (unknown type or cryptosuite) gave 200 with "
        "`verified: false` in the baseline; since verify-world it is a 422.",
    ),
    "unclassified": ("Not yet classified", ""),
}


def _texts(fail: Any) -> str:
    parts = []
    for ex in list(fail.exchanges) + list(fail.setup):
        parts.append(ex.response)
    jose = fail.extra.get("jose")
    if jose:
        parts.append(str(jose.get("data", "")))
    return "\n".join(parts)


def _requests(fail: Any) -> str:
    return "\n".join(ex.request for ex in list(fail.exchanges) + list(fail.setup))


def _all_issue_201(fail: Any) -> bool:
    return (
        bool(fail.exchanges)
        and all(ex.path == "/credentials/issue" and ex.status == 201 for ex in fail.exchanges)
        or (
            not fail.exchanges
            and bool(fail.setup)
            and all(ex.path == "/credentials/issue" and ex.status == 201 for ex in fail.setup)
        )
    )


RULES: list[tuple[str, Callable[[str, Any], bool]]] = [
    (
        "jose-iat-string",
        lambda s, f: s == "vc-jose-cose-test-suite" and "'iat' is not a NumericDate" in _texts(f),
    ),
    (
        "jose-caller-key",
        lambda s, f: (
            s == "vc-jose-cose-test-suite" and "no key to check the signature" in _texts(f)
        ),
    ),
    (
        "jose-non-did-kid",
        lambda s, f: s == "vc-jose-cose-test-suite" and "is not a DID URL" in _texts(f),
    ),
    ("vc11-vc-jwt", lambda s, f: "vc-jwt secures VC 2.0 credentials only" in _texts(f)),
    ("vc11-ecdsa-sd", lambda s, f: "ecdsa-sd-2023 secures VC 2.0 credentials only" in _texts(f)),
    ("statuslist2021-context", lambda s, f: "w3id.org/vc/status-list/2021/v1" in f.message),
    (
        "status-message-length",
        lambda s, f: (
            s == "vc-bitstring-status-list-test-suite"
            and ("statusMessage" in f.full_title or "status messages" in f.full_title)
            and "expected 4 to equal 2" in f.message
        ),
    ),
    (
        "status-list-http",
        lambda s, f: "Document not found in document loader: http://" in f.message,
    ),
    (
        "issuer-did-web",
        lambda s, f: "Verification Methods" in f.full_title and "did:web:" in _texts(f),
    ),
    (
        "suite-options-leak",
        lambda s, f: (
            "invalidPointer" in _requests(f)
            and "invalidPointer" not in f.full_title
            and "JSON pointer" not in f.full_title
            and "does not match the given document" not in f.full_title
        ),
    ),
    ("issuer-owns-status", lambda s, f: "the issuer sets credentialStatus and proof" in _texts(f)),
    ("related-resource-digest", lambda s, f: "relatedResource with wrong digest" in f.message),
    (
        "related-resource-stale-digest",
        lambda s, f: (
            "Failed to accept a VC with valid relatedResource" in f.message and "422" in f.message
        ),
    ),
    (
        "jwt-di-shape",
        lambda s, f: (
            s in ("vc-api-issuer-test-suite", "vc-api-verifier-test-suite")
            and " JWT " in f.full_title
            and "EnvelopedVerifiableCredential" in _texts(f) + _requests(f)
            and (
                "to have property" in f.message
                or "Cannot convert undefined or null to object" in f.message
                or "Expected no result from verifier" in f.message
            )
        ),
    ),
    ("inline-vocab", lambda s, f: "sets @vocab" in _texts(f)),
    (
        "rerun-same-id",
        lambda s, f: "exists already" in _texts(f) and "409 Conflict" in f.message,
    ),
    (
        "issuer-no-dm-validation",
        lambda s, f: "Missing expected rejection" in f.message and _all_issue_201(f),
    ),
    ("vp-no-holder", lambda s, f: "names no issuer/holder to own the key" in _texts(f)),
    ("vp-holder-not-subject", lambda s, f: "holder-binding: credentials about" in _texts(f)),
    ("proof-set-foreign-key", lambda s, f: "but the document names" in _texts(f)),
    ("verifier-registry", lambda s, f: "(not in the registry)" in _texts(f)),
    (
        "verifier-accepts-json-text",
        lambda s, f: any(
            ex.request.startswith('{"verifiableCredential":"{') and ex.status == 200
            for ex in list(f.exchanges)
        ),
    ),
    (
        "verifier-200-unchecked",
        lambda s, f: (
            "expected Response { status: 200" in f.message
            or "Expected no result from verifier" in f.message
        ),
    ),
]


def classify_all(suite: str, fail: Any) -> list[str]:
    found = [cause for cause, rule in RULES if rule(suite, fail)]
    return found or ["unclassified"]


def classify(suite: str, fail: Any) -> str:
    return classify_all(suite, fail)[0]


def describe_cause(cause: str) -> tuple[str, str]:
    return CAUSES.get(cause, (cause, ""))


# Notes per suite: what the numbers do not show (our reading of the suite and of our answers,
# as of the issue-14 round). docs/CONFORMANCE.md has the full account per round.
SUITE_NOTES: dict[str, str] = {
    "vc-api-issuer-test-suite": """
- Declared: the issuer twice, `vc-api` with `options.cryptosuite: eddsa-rdfc-2022` and `vc-api`
  + `JWT` with `options.format: vc-jwt`. The suite sends a VC 1.1 credential in both files;
  the issuer secures it as a VC-JWT 1.1 (`vc` claim), returned as an
  `EnvelopedVerifiableCredential`.
""",
    "vc-api-verifier-test-suite": """
- Declared: the verifier with tags `vc-api` and `JWT`, and our issuer (format `vc-jwt`) as the
  JWT issuer (`ISSUER_NAME_JWT=LER`).
- "MUST verify a valid VC" (Data Integrity) passes because the suite checks the HTTP status
  only: our answer is `200 {"verified": false}` (the vector's issuer
  `https://vc.example/issuers/5678` is not a DID, so `issuer-key` is could-not-check).
- The JWT file's negative cases delete members of a Data Integrity credential (`issuer`,
  `proof.type`, ...) from our enveloped VC-JWT, which has none of them.
""",
    "vc-data-model-2.0-test-suite": """
- Declared: issuer (eddsa-rdfc-2022), `/credentials/verify` and `/presentations/verify`, tag
  `vc2.0`.
- Many "MUST reject" tests hit the issuer, not the verifier (the suite asks the issuer to sign
  invalid credentials and expects 400/422).
""",
    "vc-di-eddsa-test-suite": """
- Declared: eddsa-rdfc-2022 and eddsa-jcs-2022, issuer (the did:key issuer's Ed25519 key)
  and verifier, VC 1.1 and 2.0.
""",
    "vc-di-ecdsa-test-suite": """
- Needs Node 22 (`engines: >=22`). Its `package-lock.json` pins `@digitalbazaar/did-io@2.2.0`,
  which the npm registry does not serve; run.sh then resolves `package.json` afresh, so
  dependency versions may differ from the suite's CI.
- The spec's test vectors (`tests/input/vc-di-ecdsa`, normally cloned by `postinstall`) come
  from `deps/vc-di-ecdsa` at the pinned commit.
- Declared: did:key issuers ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256 and P-384, VC 1.1 + 2.0)
  and ecdsa-sd-2023 (P-256, VC 2.0); the `vcHolders` derive endpoint (`POST
  /credentials/derive`); verifiers ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256, P-384) and
  ecdsa-sd-2023 (P-256). Interop tests off.
""",
    "vc-bitstring-status-list-test-suite": """
- Declared: issuer (eddsa-rdfc-2022), verifier and presentation verifier, tag
  `BitstringStatusList`.
- The issuer is asked for a second, `message` entry (the revocation reason: `statusSize` 2,
  four `statusMessage` values, `statusReference`), so the optional `statusSize` /
  `statusMessage` / `statusReference` tests run. Two of them assert `statusMessage.length ==
  statusSize`; §2.1 says the length "MUST equal the number of possible status messages
  indicated by statusSize (e.g., statusMessage array MUST have 2 elements if statusSize has 1
  bit, 4 elements if statusSize has 2 bits ...)", i.e. 2**statusSize. No test at this commit
  changes a status.
- The issuer's URLs are https (the TLS proxy; `services.sh`), as the suite's loader needs.
""",
    "vc-jose-cose-test-suite": """
- The suite runs implementations as a command line inside Docker; run.sh puts a stand-in
  `docker` (`config/jose-cose/docker`) first on PATH, which runs our `ler jose-cose issue|verify`
  (`ler/jose_cose.py`): issue signs with vckit and the suite's key, verify checks with vckit and
  the suite's public key (failure: a check failed; success: the signature verified with that
  key and nothing failed; indeterminate otherwise).
- Declared features: all six (vc+jwt, vp+jwt, vc+sd-jwt, vp+sd-jwt, vc+cose, vp+cose).
  Needs Node 22 in practice (iterator helpers).
- With the suite's string `iat` (w3c/vc-jose-cose#334) every vc+jwt vector fails at
  `validity-period`, whatever its signature, and so does every presentation holding one.
""",
}
