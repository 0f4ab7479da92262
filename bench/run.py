"""Speed of the credential core, on one core, for one realistic OB 3.0 credential.

    make bench            # or: .venv/bin/python bench/run.py [--seconds 2] [--no-js]

Prints ops/s for sign and verify in each proof format, the ratio to raw Ed25519, how
verify time grows from 1 to 50 skill alignments, and, side by side in the same run,
Digital Bazaar's JavaScript stack on the same credential (needs tests/interop/js installed:
`make install-test`). The machine's load average and core count come first: on a shared
machine the ratios to the JS (same run, same core) mean more than the absolute figures.
Rates are per CPU-second of each process (Python ``time.process_time``, Node
``process.cpuUsage``, both pinned to one core), so the load of other programs counts against
neither side; on an idle machine that is the wall-clock rate.

What dominates an eddsa-rdfc-2022 verification report (cProfile on CPU time, 2 / 50
alignments), after issue 15's cuts: the canonical form of the document, about 40 % / 67 %,
of which RDFC-1.0 is about 18 % / 39 % (each alignment without an ``id`` is a blank node),
the JSON-LD expansion 13 % / 15 % and the RDF conversion 8 % / 13 %; the content checks
(OB 3.0 JSON Schema, VC Data Model rules and contexts), about 26 % / 18 %; decoding the
proof value and the embedded-credential walk, most of the rest; the Ed25519 signature itself
is 2 %. Signing one credential (the batch's work, ``bench/batch_issue.py``): the canonical
form about 45 % of the issuer's CPU, the checks before signing 12 %, the schema 9 %.

Cut from every call (issue 15): the strict JSON-LD expansion on pyld was about 40 % / 50 %
of a report; :mod:`vckit.jsonld.fast` now expands documents whose contexts are all sealed
URLs with pyld's own context processing and IRI expansion but its own walk, giving exactly
the strict path's expanded form (tested on every vector and on generated credentials; it
refuses anything else to the strict path), about 7x faster at 50 alignments. Before that:
the proof configuration's canonical form (kept by the loader per JSON text: the same for
every check of one credential and for every credential an issuer signs within one second),
did:key and did:jwk documents (kept per DID), IRI expansion and literal value expansion
(memoized per loader and active context instead of per call), pyld's ``copy.deepcopy`` of
each document, and pointer strings built for every value by the walks over the document
(made only for what is reported; the context and size checks now walk plain JSON by exact
types and skip the pointer-keeping walk when only the top object has an ``@context``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vckit import ob as openbadges  # noqa: E402
from vckit.di import algorithms as data_integrity  # noqa: E402
from vckit.did.resolver import DidResolver  # noqa: E402
from vckit.jose import vc_jwt as jose  # noqa: E402
from vckit.keys.keyfile import key_id  # noqa: E402
from vckit.keys.keypair import KeyPair  # noqa: E402
from vckit.verification import VerifyOptions, verify  # noqa: E402

JS_DIR = ROOT / "tests" / "interop" / "js"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per CPU-second of ``fn`` over about ``seconds`` of this process's CPU time (after
    one warm-up call). CPU time, not wall-clock time: on a machine shared with other work the
    core is not ours alone, and the JS side counts the same way (``process.cpuUsage``), so the
    ratios hold; on an idle machine the two are the same."""
    fn()
    count = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        fn()
        count += 1
    return count / elapsed


def credential(issuer: str, alignments: int) -> dict[str, Any]:
    """An OB 3.0 AchievementCredential like the story's nursing course, with N alignments."""
    aligned = [
        openbadges.alignment(
            f"Skill {n}: patient data privacy, level {n}",
            f"https://example.org/frameworks/nursing/skills/{n}",
            target_type="ceasn:Competency",
            target_code=f"NUR-{n:03d}",
            target_framework="Example nursing competency framework",
        )
        for n in range(1, alignments + 1)
    ]
    achievement = openbadges.achievement(
        "https://college.example/achievements/nursing-1",
        "Fundamentals of Nursing I",
        "Foundations of patient care: privacy, safety and medical terminology.",
        "Completed all modules and passed the final assessment.",
        achievement_type="Course",
        alignments=aligned,
    )
    return openbadges.achievement_credential(
        "urn:uuid:0b7f2c9e-5d0e-4a47-8f4b-2f3c7f9a1e10",
        openbadges.profile(issuer, "Demo Community College", url="https://college.example"),
        achievement,
        valid_from=datetime(2025, 9, 1, tzinfo=UTC),
        subject_id="did:key:z6MkuNJRH9tF2J1gzyrqzAo2zLUoXFyzSLshsZy86K68U7xY",
        name="Fundamentals of Nursing I",
    )


def did_of(key: KeyPair) -> str:
    return key_id(key.public).split("#", 1)[0]


def measure_formats(seconds: float, raw_sign: float, raw_verify: float) -> None:
    options = VerifyOptions(now=NOW, resolver=DidResolver())
    print("\nper proof format (2 alignments; verify = the full report of named checks)")
    print(f"{'format':<26}{'sign/s':>10}{'verify/s':>10}{'sign / raw':>12}{'verify / raw':>14}")
    for label, kind, form in [
        ("eddsa-rdfc-2022", "Ed25519", "di"),
        ("ecdsa-rdfc-2019 (P-256)", "P-256", "di"),
        ("vc-jwt EdDSA", "Ed25519", "jwt"),
        ("vc-jwt ES256", "P-256", "jwt"),
        ("vc-jwt RS256", "RSA", "jwt"),
    ]:
        key = KeyPair.generate(kind)  # type: ignore[arg-type]
        vm = key_id(key.public)
        unsigned = credential(did_of(key), 2)
        signed: Any
        if form == "di":

            def sign_di(k: KeyPair = key, v: str = vm, u: dict[str, Any] = unsigned) -> Any:
                return data_integrity.sign(u, k, verification_method=v)

            sign_fn: Callable[[], Any] = sign_di
        else:

            def sign_jwt(k: KeyPair = key, v: str = vm, u: dict[str, Any] = unsigned) -> Any:
                return jose.sign_jwt_vc(u, k, kid=v)

            sign_fn = sign_jwt
        signed = sign_fn()
        assert verify(signed, options).verdict == "pass"
        sign_rate = rate(sign_fn, seconds)
        verify_rate = rate(lambda d=signed: verify(d, options), seconds)
        sign_ratio, verify_ratio = sign_rate / raw_sign, verify_rate / raw_verify
        rates = f"{sign_rate:>10.0f}{verify_rate:>10.0f}"
        print(f"{label:<26}{rates}{sign_ratio:>12.3f}{verify_ratio:>14.3f}")


def measure_alignments(seconds: float, js: bool) -> None:
    key = KeyPair.generate("Ed25519")
    vm = key_id(key.public)
    options = VerifyOptions(now=NOW, resolver=DidResolver())
    print(
        "\neddsa-rdfc-2022 verify as alignments grow (ours vs Digital Bazaar JS, same credential)"
    )
    header = f"{'alignments':>10}{'sign/s':>10}{'verify/s':>10}"
    if js:
        header += f"{'JS sign/s':>11}{'JS verify/s':>13}{'verify ratio':>14}"
    print(header)
    for count in (1, 2, 10, 25, 50):
        unsigned = credential(did_of(key), count)
        signed = data_integrity.sign(unsigned, key, verification_method=vm)
        assert verify(signed, options).verdict == "pass"
        sign_rate = rate(
            lambda u=unsigned: data_integrity.sign(u, key, verification_method=vm), seconds
        )
        verify_rate = rate(lambda d=signed: verify(d, options), seconds)
        line = f"{count:>10}{sign_rate:>10.0f}{verify_rate:>10.0f}"
        if js:
            theirs = js_rates(unsigned, key, seconds)
            ratio = verify_rate / theirs["verify_per_s"]
            line += f"{theirs['sign_per_s']:>11.0f}{theirs['verify_per_s']:>13.0f}{ratio:>13.2f}x"
        print(line)


def js_rates(unsigned: dict[str, Any], key: KeyPair, seconds: float) -> dict[str, float]:
    request = {
        "credential": unsigned,
        "key": {
            "publicKeyMultibase": key.public.to_multibase(),
            "secretKeyMultibase": key.to_secret_multibase(),
        },
        "seconds": seconds,
    }
    result = subprocess.run(
        ["node", str(JS_DIR / "bench.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    rates: dict[str, Any] = json.loads(result.stdout)
    if not rates.get("verified"):
        raise RuntimeError("the JS stack did not verify its own credential")
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--no-js", action="store_true", help="skip the JavaScript comparison")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core; node inherits it
    js = not args.no_js and (JS_DIR / "node_modules").is_dir()

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
    raw = KeyPair.generate("Ed25519")
    message = b"x" * 64
    signature = raw.sign(message)
    raw_sign = rate(lambda: raw.sign(message), args.seconds)
    raw_verify = rate(lambda: raw.public.verify(signature, message), args.seconds)
    print(f"raw Ed25519 (cryptography): sign {raw_sign:.0f}/s, verify {raw_verify:.0f}/s")
    measure_formats(args.seconds, raw_sign, raw_verify)
    measure_alignments(args.seconds, js)
    if not js:
        print("\n(JavaScript comparison skipped: run `make install-test` first)")


if __name__ == "__main__":
    main()
