"""Step 8 of the story: the licensing board endorses the college's programme, and the college's
registrar issues the learner's Comprehensive Learner Record (CLR 2.0) of it.

1. The State Board of Nursing endorses the Practical Nursing Certificate
   (``POST /issuers/nursing-board/endorsements``).
2. The registrar issues the learner's programme credential (Data Integrity, to the learner's
   DID); it carries the board's endorsement, embedded in its achievement.
3. The registrar issues the CLR (``POST /issuers/community-college/clrs``): it holds the
   programme credential and the learner's course credentials that a CLR can hold (Data
   Integrity ones, not revoked: the selective-disclosure courses of step 1 cannot be nested,
   and step 6 revoked one), lists the programme and its two courses, and links them
   (``isChildOf``, ``precedes``).
4. The learner pastes it into the wallet, which verifies it and shows it as a transcript with
   the board's endorsement on the programme credential.
5. The employer's verifier checks the CLR: its own proof, each nested credential (trusted issuer
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
    record: dict[str, Any] = {"programme": PROGRAMME, "recipient": {"did": learner}}
    clr = issuer.json("POST", f"/issuers/{COLLEGE}/clrs", json=record)["credential"]
    subject = clr["credentialSubject"]
    held = [c.get("name") for c in subject["verifiableCredential"]]
    log.say(f"CLR {clr['id']}: holds {', '.join(map(str, held))}")
    links = [f"{a['associationType']}" for a in subject["association"]]
    log.say(f"achievements {len(subject['achievement'])}, associations {', '.join(links)}")
    log.require(PROGRAMME_NAME in held, "the CLR holds the learner's programme credential")

    answer = wallet.form(
        "/receive/paste", {"credential": json.dumps(clr)}, page="/receive", expect=303
    )
    held_id = answer.headers["location"].rsplit("/", 1)[1]
    page = html.unescape(wallet.page(f"/credentials/{held_id}"))
    log.expect(
        f"Transcript: {PROGRAMME_NAME}" in page and "Fundamentals of Nursing II" in page,
        "the wallet shows the CLR as a transcript of the programme and its courses",
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
