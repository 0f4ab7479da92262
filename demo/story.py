"""The story of docs/PRODUCT.md, step by step, each step with the result it must give.

:class:`Story` drives the three services (:mod:`demo.clients`) and records, for every step,
whether what happened is what the story says happens. ``Story.run()`` returns True only when
every expectation held. A step that cannot give later steps what they need stops the story
(the rest is reported as not run); :class:`~demo.clients.Unreachable` is left to the caller.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from demo import reports, transcript, unaccredited
from demo.clients import IssuerClient, UnexpectedAnswer, VerifierClient, WalletClient
from demo.sharing import Choice, share
from vckit.report import title_of

COLLEGE, FOOD = "community-college", "food-safety"
OFFERS = (
    (COLLEGE, "fundamentals-of-nursing-1", "Fundamentals of Nursing I", "B"),
    (COLLEGE, "fundamentals-of-nursing-2", "Fundamentals of Nursing II", "A"),
    (FOOD, "food-handler", "Food Handler", None),
)
LEARNER_NAME, BIRTH_DATE = "Alex Rivera", "2001-04-17"
SD_CONFIGURATION = "OpenBadgeCredential_ldp_vc_ecdsa_sd"  # the issuer's OpenID4VCI configuration
SKILL = "Patient data privacy"
JOB_TITLE = "Care assistant, Maple Grove Care Home"
REQUIREMENTS = {
    "types": ["OpenBadgeCredential"],
    "skills": [{"name": SKILL}],
    "accreditedOnly": True,
    "issuedWithinYears": 2,
}
HIDDEN = ("Grade", "Date of birth")
STORY_CHECKS = (
    "proof", "issuer-key", "trusted-issuer", "validity-period", "status",
    "holder-binding", "schema", "requirements-met",
)  # fmt: skip
STEPS = 8


class StoryStopped(Exception):
    """A step could not give the later steps what they need."""


@dataclass
class Log:
    """Prints the story and keeps what did not go as the story says."""

    out: Callable[[str], None] = print
    missed: list[str] = field(default_factory=list)
    step: str = ""
    done: int = 0

    def heading(self, number: int, text: str) -> None:
        self.step = str(number)
        self.out("")
        self.out(f"== {number}. {text}")

    def say(self, text: str) -> None:
        self.out(f"   {text}")

    def expect(self, ok: bool, what: str, otherwise: str = "") -> bool:
        if ok:
            self.out(f"   [as expected] {what}")
        else:
            self.out(f"   [NOT AS EXPECTED] {what}{f': {otherwise}' if otherwise else ''}")
            self.missed.append(f"step {self.step}: {what}")
        return ok

    def require(self, ok: bool, what: str, otherwise: str = "") -> None:
        if not self.expect(ok, what, otherwise):
            raise StoryStopped(what)


@dataclass
class Story:
    issuer: IssuerClient
    wallet: WalletClient
    verifier: VerifierClient
    log: Log = field(default_factory=Log)
    selective: bool = True  # issue ecdsa-sd-2023 and hide fields when sharing
    offers: list[dict[str, Any]] = field(default_factory=list)
    held: dict[str, dict[str, Any]] = field(default_factory=dict)  # achievement name -> record
    job: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    answer: dict[str, Any] = field(default_factory=dict)

    def run(self) -> bool:
        steps: Sequence[Callable[[], None]] = (
            self.issue, self.receive, self.ask, self.share, self.report, self.revoke,
            self.unaccredited, self.transcript,
        )  # fmt: skip
        try:
            for step in steps:
                try:
                    step()
                except UnexpectedAnswer as exc:
                    self.log.require(False, "the services answered as the story needs", str(exc))
                self.log.done += 1
        except StoryStopped:
            self.log.out(f"   (the story stops here: steps {self.log.done + 2}-{STEPS} not run)")
        return not self.log.missed and self.log.done == STEPS

    # --- 1. issue ------------------------------------------------------------------------------

    def issue(self) -> None:
        self.log.heading(1, "The college and the food-safety provider offer three credentials")
        for slug, achievement, name, grade in OFFERS:
            data: dict[str, Any] = {}
            if self.selective:  # only the ecdsa-sd-2023 form, with the learner's data in it
                data = {"configuration_ids": [SD_CONFIGURATION], "recipient_name": LEARNER_NAME,
                        "date_of_birth": BIRTH_DATE}  # fmt: skip
                if grade:
                    data["grade"] = grade
            offer = self.issuer.offer(slug, achievement, **data)
            self.offers.append({"name": name, **offer})
            self.log.say(f"{slug} offers {name!r}: {offer['offer_uri']}")
        links = [o["offer_uri"] for o in self.offers]
        ok = all(link.startswith("openid-credential-offer://") for link in links)
        self.log.require(ok, "three OpenID4VCI offers (pre-authorized code), one link each")

    # --- 2. receive ----------------------------------------------------------------------------

    def receive(self) -> None:
        self.log.heading(2, "The learner signs up in the wallet and accepts the three offers")
        email = f"learner-{secrets.token_hex(4)}@demo.example"
        self.wallet.sign_up(email, secrets.token_urlsafe(18))
        self.log.say(f"signed up as {email}")
        for offer in self.offers:
            record = self.wallet.redeem(offer["offer_uri"])
            self.held[offer["name"]] = record
            report = record.get("report") or {}
            self.log.say(
                f"received {offer['name']!r} ({record.get('format')}, "
                f"{report.get('format', '?')}): {record.get('verdict')}"
            )
        verdicts = [r.get("verdict") for r in self.held.values()]
        self.log.require(
            len(verdicts) == 3 and all(v == "verified" for v in verdicts),
            "all three verified on arrival",
            f"verdicts {verdicts}",
        )
        evidence = self.wallet.skill_evidence(SKILL)
        self.log.say(f"skills view: {SKILL!r} evidenced by {evidence or 'nothing'}")
        self.log.expect(
            evidence == "2 verified credentials of 2",
            f"one skills view across them shows {SKILL!r} from both nursing courses",
        )

    # --- 3. ask --------------------------------------------------------------------------------

    def ask(self) -> None:
        self.log.heading(3, "A care home posts a job and its verifier asks for evidence")
        self.job = self.verifier.job(JOB_TITLE, REQUIREMENTS)
        self.log.say(f"job {self.job['title']!r}: {self.job['requirements']}")
        self.request = self.verifier.request(self.job["id"])
        link = self.request["links"]["by_reference"]
        self.log.say(f"OpenID4VP request: {link}")
        self.log.say(f"challenge (nonce): {self.request['nonce']}")
        self.log.require(
            link.startswith("openid4vp://") and bool(self.request["nonce"]),
            "an OpenID4VP request with a fresh, single-use challenge",
        )

    # --- 4. share ------------------------------------------------------------------------------

    def share(self) -> None:
        hiding = f", hiding {' and '.join(h.lower() for h in HIDDEN)}" if self.selective else ""
        self.log.heading(
            4, f"The learner shares the two nursing credentials, not the food one{hiding}"
        )
        chosen = [
            Choice(record["id"], HIDDEN if self.selective else ())
            for name, record in self.held.items()
            if name.startswith("Fundamentals of Nursing")
        ]
        sent = share(self.wallet, self.request["links"]["by_reference"], chosen)
        self.log.say(
            f"the wallet sent {sent.count} presentation(s); the verifier answered {sent.status}"
        )
        self.log.require(sent.accepted, "the verifier accepted the answer", sent.detail)
        results = self.verifier.results(self.job["id"])
        mine = [r for r in results if r.get("request") == self.request["id"]]
        self.log.require(bool(mine), "the verifier kept a result for the request")
        self.answer = mine[0]["report"]
        verdict = str(self.answer.get("verdict"))
        self.log.say(f"verdict: {verdict.upper()}")
        self.log.expect(verdict == "pass", "verdict pass", f"failed: {reports.failed(self.answer)}")
        met = reports.status_of(self.answer, "requirements-met")
        self.log.say(f"requirement: {reports.detail_of(self.answer, 'requirements-met')}")
        self.log.expect(met == "pass", "requirement met", f"requirements-met is {met}")
        names = sorted(reports.name_of(c) for c in reports.credentials(self.answer))
        self.log.expect(
            names == ["Fundamentals of Nursing I", "Fundamentals of Nursing II"],
            "the verifier saw the two nursing credentials and not the food one",
            f"it saw {names}",
        )
        if self.selective:
            self._expect_hidden()

    def _expect_hidden(self) -> None:
        for inner in reports.credentials(self.answer):
            disclosure = inner.get("disclosure")
            name = reports.name_of(inner)
            if not isinstance(disclosure, Mapping):
                self.log.expect(False, f"{name}: the report lists disclosed and withheld fields")
                continue
            shown = reports.disclosed_fields(disclosure, inner.get("document"))
            self.log.say(f"{name}: disclosed {', '.join(shown) or '-'}")
            self.log.say(f"{name}: absent {', '.join(disclosure.get('absent') or ()) or '-'}")
            withheld = set(disclosure.get("absent") or ())
            self.log.expect(
                set(HIDDEN) <= withheld,
                f"{name}: grade and date of birth withheld",
                f"withheld {sorted(withheld)}",
            )
            received = json.dumps(inner.get("document"))
            subject = (inner.get("document") or {}).get("credentialSubject") or {}
            self.log.expect(
                BIRTH_DATE not in received and "result" not in subject
                and LEARNER_NAME in received,
                f"{name}: the verifier received the name, not the grade or the date of birth",
            )  # fmt: skip

    # --- 5. the report -------------------------------------------------------------------------

    def report(self) -> None:
        self.log.heading(5, "The verifier's report, check by check")
        for line in reports.lines(self.answer):
            self.log.say(line)
        for check_id in STORY_CHECKS:
            found = [c for c in reports.all_checks(self.answer) if c.get("id") == check_id]
            statuses = sorted({str(c.get("status")) for c in found})
            self.log.expect(
                statuses == ["pass"], f"{title_of(check_id)}: pass", f"{statuses or 'absent'}"
            )

    # --- 6. revoke -----------------------------------------------------------------------------

    def revoke(self) -> None:
        self.log.heading(6, "The college revokes a credential issued in error; verify again")
        revoked = self.held["Fundamentals of Nursing I"]["credential"]
        changed = self.issuer.revoke(revoked["id"])
        self.log.say(f"revoked {revoked['id']}: {changed.get('status')}")
        nonce, client_id = self.request["nonce"], self.request["client_id"]
        sent = [
            p for p in self.wallet.presentations()
            if isinstance(p.get("proof"), Mapping) and p["proof"].get("challenge") == nonce
        ]  # fmt: skip
        self.log.require(bool(sent), "the wallet kept the presentations it sent")
        for presentation in sent:
            ids = [c.get("id") for c in presentation.get("verifiableCredential") or ()]
            again = self.verifier.verify(
                "verifiablePresentation", presentation, challenge=nonce, domain=client_id
            )
            for line in reports.lines(again, sent=presentation.get("verifiableCredential") or ()):
                self.log.say(line)
            failed = reports.failed(again)
            if revoked["id"] in ids:
                self.log.say(
                    f"verdict: {str(again.get('verdict')).upper()}, fails at: {', '.join(failed)}"
                )
                self.log.expect(
                    failed == ["status"],
                    "the same presentation now fails at status, and only there",
                    f"failed: {failed}",
                )
            else:
                self.log.expect(failed == [], "the other nursing credential still verifies")

    # --- negative control ----------------------------------------------------------------------

    def unaccredited(self) -> None:
        self.log.heading(7, "Control: a credential from an issuer the registry does not know")
        subject = self.held["Fundamentals of Nursing I"]["credential"]["credentialSubject"]["id"]
        credential, issuer_did = unaccredited.credential(subject)
        self.log.say(f"{unaccredited.NAME} ({issuer_did[:40]}…) issues {credential['name']!r}")
        report = self.verifier.verify("verifiableCredential", credential)
        for line in reports.lines(report):
            self.log.say(line)
        failed = reports.failed(report)
        self.log.say(
            f"verdict: {str(report.get('verdict')).upper()}, fails at: {', '.join(failed)}"
        )
        self.log.expect(
            failed == ["trusted-issuer"], "it fails at trusted-issuer, and only there",
            f"failed: {failed}",
        )  # fmt: skip

    # --- 8. the registrar's record ---------------------------------------------------------------

    def transcript(self) -> None:
        learner = self.held["Fundamentals of Nursing I"]["credential"]["credentialSubject"]["id"]
        transcript.run(8, self.log, self.issuer, self.wallet, self.verifier, learner)
