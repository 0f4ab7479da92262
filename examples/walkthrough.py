"""Follow one credential from issue to verify, with the library alone (no services).

    .venv/bin/python examples/walkthrough.py

1. A community college builds an Open Badges 3.0 credential aligned to two skills.
2. It signs it with eddsa-rdfc-2022 under its did:key.
3. It revokes nothing yet: the credential points at a status list the college signs.
4. The learner wraps it in a presentation bound to the employer's challenge and signs it.
5. The employer verifies: every check passes.
6. The college revokes it: the same presentation now fails at *status*.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from vckit import (
    KeyPair,
    Report,
    VerifyOptions,
    build_presentation,
    key_id,
    ob,
    sign,
    sign_presentation,
    status,
    verify,
)

STATUS_URL = "https://college.example/status/1"


def show(title: str, report: Report) -> None:
    print(f"\n{title}: {report.verdict.upper()}")
    for check in report.all_checks():
        print(f"  {check.status:<16} {check.title}: {check.detail[:90]}")


def main() -> int:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    college, learner = KeyPair.generate("Ed25519"), KeyPair.generate("Ed25519")
    college_vm, learner_vm = key_id(college.public), key_id(learner.public)
    college_did, learner_did = college_vm.split("#")[0], learner_vm.split("#")[0]

    # 1. the credential: an achievement aligned to skills, awarded to the learner's DID
    achievement = ob.achievement(
        "https://college.example/achievements/nursing-1",
        "Fundamentals of Nursing I",
        "Foundations of patient care.",
        "Passed the course.",
        achievement_type="Course",
        alignments=[
            ob.alignment("Patient data privacy", "https://example.org/skills/privacy"),
            ob.alignment("Medical terminology", "https://example.org/skills/terms"),
        ],
    )
    credential = ob.achievement_credential(
        "urn:uuid:3f1c8a52-8d1e-4c55-9a8e-6f1f0f3b2a11",
        ob.profile(college_did, "Demo Community College"),
        achievement,
        valid_from=datetime(2025, 9, 1, tzinfo=UTC),
        subject_id=learner_did,
        credential_status=status.status_list_entry(STATUS_URL, 42),
    )

    # 2. signed by the college
    signed = sign(credential, college, verification_method=college_vm)
    print(json.dumps(signed["proof"], indent=2))

    # 3. the college's status list, signed too; the verifier fetches it (here: a function)
    bits = status.StatusList.new()

    def fetch_status(url: str) -> bytes:
        unsigned = status.status_list_credential(url, college_did, bits, valid_from=now)
        signed_list = sign(unsigned, college, verification_method=college_vm)
        return json.dumps(signed_list).encode()

    # 4. the learner presents it to the care home, bound to its challenge and domain
    challenge, domain = "9d1f0c2e", "https://carehome.example"
    presentation = sign_presentation(
        build_presentation([signed], holder=learner_did),
        learner,
        verification_method=learner_vm,
        challenge=challenge,
        domain=domain,
    )

    # 5. the care home verifies
    options = VerifyOptions(
        now=now, challenge=challenge, domain=domain, fetch_status_list=fetch_status
    )
    before = verify(presentation, options)
    show("before revocation", before)

    # 6. the college revokes; the same presentation fails at status
    bits.set(42, True)
    after = verify(presentation, options)
    show("after revocation", after)
    failed = [c.id for c in after.all_checks() if c.status == "fail"]
    return 0 if before.verdict == "pass" and failed == ["status"] else 1


if __name__ == "__main__":
    sys.exit(main())
