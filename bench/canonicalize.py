"""Canonicalizations (and Data Integrity verifications) per second for OB 3.0 credentials.

Run: ``PYTHONPATH=. .venv/bin/python bench/canonicalize.py [seconds-per-line]``.

Measures the 1EdTech OB 3.0 spec sample (``tests/vectors/jsonld/ob3-spec-example-unsigned.json``,
a copy of ``shared/reference/samples/ob3-spec-example-unsigned.json``) with a warm default loader
(the steady state of a server), step by step, then ``data_integrity.verify_proof`` of an
eddsa-rdfc-2022 signed copy holding two alignments (Digital Bazaar's JavaScript stack verifies
such a credential at about 320/s on the machine this was first measured on).
"""

from __future__ import annotations

import copy
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vckit.jsonld import expansion as jsonld
from vckit.jsonld import rdfc10
from vckit.jsonld.strict import strict_expand

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "vectors" / "jsonld" / "ob3-spec-example-unsigned.json"


def rate(label: str, func: Callable[[], object], seconds: float) -> None:
    func()  # warm the caches once, as a running server has them
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        func()
        count += 1
    print(f"{label:<44} {count / elapsed:8.0f} /s  ({1000 * elapsed / count:.3f} ms)")


def with_two_alignments(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    document["credentialSubject"]["achievement"]["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": f"Teamwork competency {n}",
            "targetUrl": f"https://example.com/frameworks/teamwork/{n}",
            "targetDescription": "Works with others toward a shared goal.",
            "targetFramework": "Example Framework",
            "targetCode": f"TW-{n}",
            "targetType": "ceasn:Competency",
        }
        for n in (1, 2)
    ]
    return document


def verify_rate(document: dict[str, Any], seconds: float) -> None:
    from vckit.di import algorithms as data_integrity
    from vckit.keys.keypair import KeyPair

    key = KeyPair.generate("Ed25519")
    signed = data_integrity.sign(
        document,
        key,
        verification_method="did:example:issuer#key-1",
        created=datetime(2026, 1, 1, tzinfo=UTC),
    )
    proof = signed["proof"]
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    rate(
        "verify_proof, OB 3.0 with 2 alignments",
        lambda: data_integrity.verify_proof(unsigned, proof, key.public),
        seconds,
    )


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    quads = jsonld.to_quads(document)
    loader = jsonld.default_loader()
    rate(
        "expand (strict path alone)",
        lambda: strict_expand(loader.processor(), document, jsonld._options(loader)),
        seconds,
    )
    rate("expand (vckit.jsonld.fast)", lambda: jsonld.expand(document), seconds)
    rate("to_quads (expand + toRdf)", lambda: jsonld.to_quads(document), seconds)
    rate("RDFC-1.0 on ready quads", lambda: rdfc10.canonical_lines(quads), seconds)
    rate("canonicalize, OB 3.0 spec sample", lambda: jsonld.canonicalize(document), seconds)
    aligned = with_two_alignments(document)
    rate("canonicalize, OB 3.0 with 2 alignments", lambda: jsonld.canonicalize(aligned), seconds)
    verify_rate(aligned, seconds)


if __name__ == "__main__":
    main()
