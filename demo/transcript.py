"""Step 8 of the story: the licensing board endorses the college's programme, and the college's
registrar issues the learner's Comprehensive Learner Record (CLR 2.0) of it.

1. The State Board of Nursing endorses the Practical Nursing Certificate
   (``POST /issuers/nursing-board/endorsements``).
2. The registrar issues the learner's programme credential (Data Integrity, to the learner's
   DID); it carries the board's endorsement, embedded in its achievement.
3. The college re-issues Fundamentals of Nursing I, corrected (step 6 revoked the one issued in
   error), in the same selective-disclosure form as step 1.
4. The registrar issues the CLR (``POST /issuers/community-college/clrs``): it holds the
   programme credential and both courses. An ``ecdsa-sd-2023`` base credential cannot be nested
   (only the holder's derived copy completes its proof), so the registrar nests its own
   ``eddsa-rdfc-2022`` copy of each course credential (:mod:`issuer.issuing.clr_copies`: own
   proof, own status entry, revoked with the course credential it copies). It lists the
   programme and its two courses and links them (``isChildOf``, ``precedes``).
5. The learner pastes it into the wallet, which verifies it and shows it as a transcript with
   both courses held and the board's endorsement on the programme credential.
6. The employer's verifier checks the CLR: its own proof, each nested credential (trusted issuer
   included) and the board's endorsement, whose endorser the registry accredits.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any, Protocol

from demo import reports
from demo.clients import IssuerClient, VerifierClient, WalletClient

COLLEGE, BOARD = "community-college", "nursing-board"
PROGRAMME, PROGRAMME_NAME = "practical-nursing-programme", "Practical Nursing Certificate"
COURSE_I, COURSE_I_NAME = "fundamentals-of-nursing-1", "Fundamentals of Nursing I"
COURSE_II_NAME = "Fundamentals of Nursing II"
LEARNER_NAME = "Alex Rivera"
ENDORSEMENT = "Approved practical nursing programme: graduates may sit the licensing examination."


class StoryLog(Protocol):
    def heading(self, number: int, text: str) -> None: ...
    def say(self, text: str) -> None: ...
    def expect(self, ok: bool, what: str, otherwise: str = "") -> bool: ...
    def require(self, ok: bool, what: str, otherwise: str = "") -> None: ...


def _parts(report: Mapping[str, Any], role: str) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for part in report.get("parts") or ():
        if part.get("role") == role:
            found.append(part)
        found.extend(_parts(part.get("report") or {}, role))
    return found


def run(
    number: int,
    log: StoryLog,
    issuer: IssuerClient,
    wallet: WalletClient,
    verifier: VerifierClient,
    learner: str,
) -> None:
    log.heading(number, "The nursing board endorses the programme; the registrar issues the CLR")
    endorsement = {"issuer": COLLEGE, "achievement": PROGRAMME, "comment": ENDORSEMENT}
    endorsed = issuer.json("POST", f"/issuers/{BOARD}/endorsements", json=endorsement)
    log.say(f"{endorsed['credential']['name']}: {endorsed['id']}")
    award: dict[str, Any] = {"achievement": PROGRAMME, "recipient": {"did": learner}}
    programme = issuer.json("POST", f"/issuers/{COLLEGE}/credentials", json=award)["credential"]
    carried = programme["credentialSubject"]["achievement"].get("endorsement") or []
    log.expect(
        [e["id"] for e in carried] == [endorsed["id"]],
        "the programme credential carries the board's endorsement",
    )
    corrected: dict[str, Any] = {
        "achievement": COURSE_I, "recipient": {"did": learner}, "format": "ecdsa-sd-2023",
        "recipient_name": LEARNER_NAME, "grade": "B",
    }  # fmt: skip
    reissued = issuer.json("POST", f"/issuers/{COLLEGE}/credentials", json=corrected)
    log.say(f"re-issued {COURSE_I_NAME} (corrected, {reissued['format']}): {reissued['id']}")
    record: dict[str, Any] = {"programme": PROGRAMME, "recipient": {"did": learner}}
    clr = issuer.json("POST", f"/issuers/{COLLEGE}/clrs", json=record)["credential"]
    subject = clr["credentialSubject"]
    nested_vcs = subject["verifiableCredential"]
    held = [c.get("name") for c in nested_vcs]
    log.say(f"CLR {clr['id']}: holds {', '.join(map(str, held))}")
    links = [f"{a['associationType']}" for a in subject["association"]]
    log.say(f"achievements {len(subject['achievement'])}, associations {', '.join(links)}")
    log.require(PROGRAMME_NAME in held, "the CLR holds the learner's programme credential")
    suites = {c.get("name"): (c.get("proof") or {}).get("cryptosuite") for c in nested_vcs}
    log.expect(
        all(suites.get(name) == "eddsa-rdfc-2022" for name in (COURSE_I_NAME, COURSE_II_NAME)),
        "the CLR holds both courses, as the registrar's eddsa-rdfc-2022 copies",
        f"held {suites}",
    )

    answer = wallet.form(
        "/receive/paste", {"credential": json.dumps(clr)}, page="/receive", expect=303
    )
    held_id = answer.headers["location"].rsplit("/", 1)[1]
    page = html.unescape(wallet.page(f"/credentials/{held_id}"))
    log.expect(
        f"Transcript: {PROGRAMME_NAME}" in page and COURSE_II_NAME in page,
        "the wallet shows the CLR as a transcript of the programme and its courses",
    )
    log.expect(
        "Not held in this record" not in page and COURSE_I_NAME in page,
        "the transcript shows both courses held, each with its own badge",
    )
    log.expect(
        "State Board of Nursing</strong> endorses the achievement" in page,
        "the wallet shows the board's endorsement on the programme credential",
    )

    report = verifier.verify("verifiableCredential", clr)
    for line in reports.lines(report):
        log.say(line)
    log.expect(reports.status_of(report, "proof") == "pass", "the CLR's own proof verifies")
    nested = _parts(report, "nested")
    log.expect(
        bool(nested) and all((p.get("report") or {}).get("verdict") == "pass" for p in nested),
        "each credential inside verifies on its own, its issuer accredited",
        f"{[(p.get('where'), (p.get('report') or {}).get('verdict')) for p in nested]}",
    )
    endorsements = _parts(report, "endorsement")
    trusted = [
        c.get("status")
        for p in endorsements
        for c in (p.get("report") or {}).get("checks") or ()
        if c.get("id") == "trusted-issuer"
    ]
    log.expect(
        trusted == ["pass"],
        "the verifier reports the board's endorsement, its endorser accredited",
        f"trusted-issuer of the endorsements: {trusted}",
    )
