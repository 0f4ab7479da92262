"""Speed of selective disclosure, on one core, for the realistic OB 3.0 credential of run.py.

    .venv/bin/python bench/selective.py [--seconds 2] [--rounds 3] [--no-js] [--only sd-jwt]
                                                                  # also run by `make bench`

The nursing credential of bench/run.py (2 skill alignments) with the learner data a holder
chooses from: three IdentityObjects (name, date of birth, hashed e-mail), a grade, evidence and
the awarded date. P-256 issuer and holder keys (did:key). The holder shows the name, the grade
and the awarded date.

ecdsa-sd-2023: issue (base proof), derive (the holder's derived proof), verify the derived
credential (bare proof, and the full ``vckit.verification`` report). SD-JWT VC (RFC 9901): issue,
present with a Key Binding JWT, verify the presentation (bare ``sd_jwt.verify`` with key binding
required, and the full report). Side by side, in the same run: Digital Bazaar's ecdsa-sd-2023
cryptosuite and the OpenWallet Foundation's @sd-jwt/sd-jwt-vc (tests/interop/js/bench-sd.mjs),
and the ratio ours / JS. The JS verify of a derived credential is ``vc.verifyCredential``; of an
SD-JWT, ``SDJwtVcInstance.verify`` with key binding; both ratios of a verify row use them.
The SD-JWT family is measured in ``--rounds`` rounds, each ours and then the JS stack, and each
rate is the median of its rounds (one round of each was at the mercy of whatever else ran on
the shared core just then: 1.35x and 2.18x ten minutes apart); every round's report ratio is
printed with the load average.

What an SD-JWT report spent its time on (cProfile, issue 15): jwcrypto's per-token objects
for the two signatures (a deep copy of its header registry and a JWK built from our key,
each time: a fifth of the report; the signatures are now checked directly with the resolved
key, :func:`vckit.jose.vc_jwt.verify_signature`), the character-by-character depth scan of
every JSON segment (now a count, then the regular-expression engine), the disclosures
processed twice (now once), did:key resolution (now kept per DID) and the walks over the
document for its contexts and URIs. Second round (issue 15; the report was 0.65x the JS
verifier): ``json.loads`` with hooks built a decoder per call and the lone-surrogate hint was
one regular expression with two alternatives (a third of each parse; now one decoder, the
escaped and raw hints apart), base64url checked its alphabet with a regular expression (now
binascii's strict mode), the issuer-signed JWT was read twice (to tell a presentation, then
to verify it: now once) and the KB-JWT three times, each JWS header again for its signature,
the holder's ``cnf`` JWK built into a key object each time (now kept, keyed on every member),
the walks for nested contexts, plain JSON and URIs went through ``all()``, generators and the
Mapping ABC per value (now loops over plain dict and list that pass strings over), and the
disclosure processing built two path tuples per member (now one small tuple per container).
Third round (issue 15; the report was 1.39-1.57x the JS verifier, measured by instruction
counts under callgrind, the load on the shared machine making timings too noisy to compare
small cuts): the payload's base64url decoded a second time by ``verify_signature`` (now only
by whoever reads it), the disclosure walk building each object member by member (now copied at
once, scalars passed over), ``read_input`` testing a compact JWS with the regular-expression
engine (now ``bytes.translate``), the decoder's Python-level whitespace matching around every
JSON segment (now its scanner directly), ``cryptography``'s ABCs tested per signature,
``dataclasses.replace`` of the options per call and of the registry checks, generators in the
absent-label, type-rule and context walks, and lists of strings visited by the walks with a
call each. Together about a sixth of the report's non-cryptographic instructions (4.54 to 4.08
million per report, of which the two ES256 verifications are 1.94 million).
What dominates now (sampled, by step): the content checks about a third (OB 3.0 JSON Schema
about 17 %: the Rust validator with its Python ``date-time`` callback, the walks for plain
JSON and for URIs, the type rules; format about 13 %: the context walk, pyld's processing of
the top context, the data model rules), the disclosures about a fifth (the walk over the
payload that puts them in place, most of it; their JSON and digests), the key binding about
16 % and the issuer's signature and key about 14 % (each mostly its ES256 verification),
reading the issuer-signed JWT (base64url and JSON of kilobytes) about 10 %.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import NOW, credential, did_of, rate  # noqa: E402

from vckit import ob as openbadges  # noqa: E402
from vckit import sdjwt as sd_jwt  # noqa: E402
from vckit.di import ecdsa_sd  # noqa: E402
from vckit.keys.keyfile import key_id  # noqa: E402
from vckit.keys.keypair import KeyPair  # noqa: E402
from vckit.verification import VerifyOptions, verify  # noqa: E402

JS_DIR = ROOT / "tests" / "interop" / "js"
ISSUED = datetime(2025, 9, 1, tzinfo=UTC)
CREATED = "2025-09-01T00:00:00Z"
GRADE_ID = "https://college.example/achievements/nursing-1/results/grade"
VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
NONCE = "n-bench-1"
AUD = "https://carehome.example"
KB_IAT = NOW - timedelta(seconds=30)


def attested(issuer: str) -> frozenset[str]:
    """As the verifier's registry does for accredited issuers: the bench issuer always
    discloses status and expiry, so a derived credential without them can be judged."""
    return frozenset({"credentialStatus", "validUntil"})


MANDATORY = ["/issuer", "/validFrom", "/name", "/credentialSubject/achievement"]
SELECTIVE = ["/credentialSubject/identifier/0", "/credentialSubject/result", "/awardedDate"]
DISCLOSABLE: list[sd_jwt.Path] = [
    ("credentialSubject", "identifier", 0),
    ("credentialSubject", "identifier", 1),
    ("credentialSubject", "identifier", 2),
    ("credentialSubject", "result"),
    ("evidence",),
    ("awardedDate",),
]
SHOWN: list[sd_jwt.Path] = [
    ("credentialSubject", "identifier", 0),
    ("credentialSubject", "result"),
    ("awardedDate",),
]
DISCLOSURE_FRAME = {
    "_sd": ["evidence", "awardedDate"],
    "credentialSubject": {"_sd": ["result"], "identifier": {"_sd": [0, 1, 2]}},
}
PRESENTATION_FRAME = {
    "credentialSubject": {"identifier": {"0": True}, "result": True},
    "awardedDate": True,
}


def learner_credential(issuer: str, holder: str) -> dict[str, Any]:
    """run.py's nursing credential (2 alignments) with learner data and the holder's DID."""
    doc = credential(issuer, 2)
    subject = doc["credentialSubject"]
    subject["id"] = holder
    subject["identifier"] = [
        openbadges.identity_object("Alex Rivera", salt=None, hashed=False, identity_type="name"),
        openbadges.identity_object(
            "2001-04-17", salt=None, hashed=False, identity_type="ext:dateOfBirth"
        ),
        openbadges.identity_object("alex@example.org", salt="s4lt"),
    ]
    subject["result"] = [openbadges.result(result_description=GRADE_ID, value="B")]
    subject["achievement"]["resultDescription"] = [
        openbadges.result_description(GRADE_ID, "Final grade", "LetterGrade")
    ]
    doc["awardedDate"] = CREATED
    doc["evidence"] = [openbadges.evidence(id="https://college.example/evidence/1", name="Essay")]
    return doc


def sd_jwt_claims(doc: dict[str, Any], issuer: str, holder: str) -> dict[str, Any]:
    stamp = int(ISSUED.timestamp())
    return {"iss": issuer, "iat": stamp, "nbf": stamp, "vct": VCT, "sub": holder} | doc


Row = tuple[str, float, float | None]


def measure_ecdsa_sd(issuer: KeyPair, doc: dict[str, Any], seconds: float) -> list[Row]:
    proof_options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-sd-2023",
        "created": CREATED,
        "verificationMethod": key_id(issuer.public),
        "proofPurpose": "assertionMethod",
    }
    options = VerifyOptions(now=NOW, always_disclosed=attested)

    def issue() -> dict[str, Any]:
        return ecdsa_sd.create_base_proof(doc, proof_options, issuer, MANDATORY)

    base = issue()
    derived = ecdsa_sd.add_derived_proof(base, SELECTIVE)
    ecdsa_sd.verify_derived_proof(derived, issuer.public)
    report = verify(derived, options)
    if report.verdict != "pass":
        raise RuntimeError(f"our derived credential does not pass: {report.to_json()}")
    return [
        ("issue (base proof)", rate(issue, seconds), None),
        (
            "derive (holder)",
            rate(lambda: ecdsa_sd.add_derived_proof(base, SELECTIVE), seconds),
            None,
        ),
        (
            "verify derived: proof",
            rate(lambda: ecdsa_sd.verify_derived_proof(derived, issuer.public), seconds),
            None,
        ),
        ("verify derived: report", rate(lambda: verify(derived, options), seconds), None),
    ]


def measure_sd_jwt(
    issuer: KeyPair, holder: KeyPair, claims: dict[str, Any], seconds: float
) -> list[Row]:
    kid = key_id(issuer.public)

    def issue() -> str:
        return sd_jwt.issue(
            claims, issuer, kid=kid, disclosable=DISCLOSABLE, holder_jwk=holder.public.to_jwk()
        )

    def present() -> str:
        return sd_jwt.present(token, SHOWN, holder, nonce=NONCE, aud=AUD, iat=KB_IAT)

    def bare() -> sd_jwt.SdJwtVerification:
        return sd_jwt.verify(
            shown,
            lambda _h, _p: issuer.public,
            now=NOW,
            expected_nonce=NONCE,
            expected_aud=AUD,
            require_key_binding=True,
            expected_typ="dc+sd-jwt",
        )

    options = VerifyOptions(now=NOW, challenge=NONCE, domain=AUD, always_disclosed=attested)
    token = issue()
    shown = present()
    bare()
    report = verify(shown, options)
    if report.verdict != "pass":
        raise RuntimeError(f"our SD-JWT presentation does not pass: {report.to_json()}")
    return [
        ("issue", rate(issue, seconds), None),
        ("present + KB-JWT", rate(present, seconds), None),
        ("verify: sd_jwt.verify", rate(bare, seconds), None),
        ("verify: report", rate(lambda: verify(shown, options), seconds), None),
    ]


def js_rates(request: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(
        ["node", str(JS_DIR / "bench-sd.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        cwd=JS_DIR,
    )
    rates: dict[str, Any] = json.loads(result.stdout)
    for part, numbers in rates.items():
        if not numbers.get("verified"):
            raise RuntimeError(f"the JS stack did not verify its own {part}")
    return rates


def with_js(rows: list[Row], theirs: list[float]) -> list[Row]:
    return [(label, ours, js) for (label, ours, _), js in zip(rows, theirs, strict=True)]


def median_rows(rounds: list[list[Row]]) -> list[Row]:
    """Each row's median over the rounds (ours and JS apart): a round measures ours and then
    the JS verifier, so what other programs do to the shared core falls on both sides."""
    out: list[Row] = []
    for index, (label, _, _) in enumerate(rounds[0]):
        ours = statistics.median(rows[index][1] for rows in rounds)
        js = [rows[index][2] for rows in rounds if rows[index][2] is not None]
        out.append((label, ours, statistics.median(js) if js else None))
    return out


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'operation':<26}{'ours/s':>10}{'JS/s':>10}{'ours / JS':>12}")
    for label, ours, js in rows:
        if js is None:
            print(f"{label:<26}{ours:>10.0f}{'-':>10}{'-':>12}")
        else:
            print(f"{label:<26}{ours:>10.0f}{js:>10.0f}{ours / js:>11.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--no-js", action="store_true", help="skip the JavaScript comparison")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="SD-JWT: rounds of ours then JS (medians reported; the margin there is thin)",
    )
    parser.add_argument(
        "--only", choices=["ecdsa-sd", "sd-jwt"], help="measure one of the two families alone"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core; node inherits it
    js = not args.no_js and (JS_DIR / "node_modules" / "@sd-jwt").is_dir()

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
    issuer, holder = KeyPair.generate("P-256"), KeyPair.generate("P-256")
    issuer_did, holder_did = did_of(issuer), did_of(holder)
    doc = learner_credential(issuer_did, holder_did)
    claims = sd_jwt_claims(doc, issuer_did, holder_did)
    ecdsa = args.only in (None, "ecdsa-sd")
    sdjwt = args.only in (None, "sd-jwt")
    ecdsa_rows = measure_ecdsa_sd(issuer, doc, args.seconds) if ecdsa else []
    if ecdsa and js:
        e = js_rates(
            {
                "seconds": args.seconds,
                "ecdsaSd": {
                    "credential": doc,
                    "key": {
                        "publicKeyMultibase": issuer.public.to_multibase(),
                        "secretKeyMultibase": issuer.to_secret_multibase(),
                    },
                    "created": CREATED,
                    "mandatoryPointers": MANDATORY,
                    "selectivePointers": SELECTIVE,
                },
            }
        )["ecdsa_sd"]
        ecdsa_rows = with_js(
            ecdsa_rows,
            [e["issue_per_s"], e["derive_per_s"], e["verify_per_s"], e["verify_per_s"]],
        )
    rounds: list[tuple[str, list[Row]]] = []
    for _ in range(args.rounds if sdjwt and js else int(sdjwt)):
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        sd_jwt_rows = measure_sd_jwt(issuer, holder, claims, args.seconds)
        if js:
            request = {
                "seconds": args.seconds,
                "sdJwt": {
                    "claims": claims | {"cnf": {"jwk": holder.public.to_jwk()}},
                    "disclosureFrame": DISCLOSURE_FRAME,
                    "presentationFrame": PRESENTATION_FRAME,
                    "issuerJwk": issuer.to_private_jwk(),
                    "holderJwk": holder.to_private_jwk(),
                    "kid": key_id(issuer.public),
                    "nonce": NONCE,
                    "aud": AUD,
                    "iat": int(KB_IAT.timestamp()),
                    "now": int(NOW.timestamp()),
                },
            }
            s = js_rates(request)["sd_jwt"]
            sd_jwt_rows = with_js(
                sd_jwt_rows,
                [s["issue_per_s"], s["present_per_s"], s["verify_per_s"], s["verify_per_s"]],
            )
        rounds.append((load, sd_jwt_rows))
    print("selective disclosure on one core (nursing credential, 2 alignments, learner data)")
    if ecdsa:
        print_table(
            "ecdsa-sd-2023 (P-256; JS: Digital Bazaar, vc.issue / derive / verifyCredential)",
            ecdsa_rows,
        )
    if sdjwt:
        title = "SD-JWT VC, dc+sd-jwt, ES256 (JS: @sd-jwt/sd-jwt-vc)"
        if len(rounds) > 1:
            title += f"; medians of {len(rounds)} rounds, each ours then JS"
        print_table(title, median_rows([rows for _, rows in rounds]))
        for number, (load, rows) in enumerate(rounds, 1):
            label, ours, theirs = rows[-1]
            if theirs is not None and len(rounds) > 1:
                print(
                    f"  round {number} ({label}): {ours:.0f}/s vs {theirs:.0f}/s, "
                    f"{ours / theirs:.2f}x (load average {load})"
                )
    if not js:
        print("\n(JavaScript comparison skipped: run `make install-test` first)")


if __name__ == "__main__":
    main()
