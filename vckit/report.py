"""The verification report: a log of named checks.

A check is ``pass``, ``fail`` or ``could-not-check``. Nothing that was not actually
checked is ever reported as ``pass``; an exception while checking means
``could-not-check`` (or ``fail`` when the exception *is* the finding, such as a bad
signature).

The verdict of a report:

- ``fail`` if any check failed;
- ``could-not-check`` if none failed but at least one could not be checked;
- ``pass`` only if every check passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from vckit.errors import InputError

CheckStatus = Literal["pass", "fail", "could-not-check"]

PASS: CheckStatus = "pass"
FAIL: CheckStatus = "fail"
UNCHECKED: CheckStatus = "could-not-check"

CheckId = Literal[
    "format",
    "proof",
    "issuer-key",
    "holder-key",
    "validity-period",
    "status",
    "schema",
    "holder-binding",
    "challenge",
    "domain",
    "trusted-issuer",
    "requirements-met",
    "disclosures",
    "same-holder",
    "nonce",
    "state",
    "vp-token",
    "nested-credentials",
    "associations",
    "related-resources",
]
"""Every check a report can hold: vckit's, and the verifier's own (``trusted-issuer``,
``requirements-met``, ``same-holder``, and an answer's ``nonce``, ``state``, ``vp-token``)."""

# The named checks, in the order a report shows them, with the words a person reads.
CHECK_TITLES: dict[CheckId, str] = {
    "format": "Well-formed credential",
    "proof": "Signature (proof)",
    "issuer-key": "Issuer controls the signing key",
    "holder-key": "Holder controls the signing key",
    "validity-period": "Validity period",
    "status": "Not revoked or suspended",
    "schema": "Conforms to the 1EdTech schema",
    "holder-binding": "Presented by its holder",
    "challenge": "Challenge (nonce) matches",
    "domain": "Domain matches",
    "trusted-issuer": "Issuer accredited for this achievement",
    "requirements-met": "Meets the job's requirements",
    "disclosures": "Disclosures match the issuer's signed digests",
    "same-holder": "All presentations from one holder",
    "nonce": "Request fresh and answered once",
    "state": "Answers a request this verifier made",
    "vp-token": "Answers what was asked",
    "nested-credentials": "The credentials it holds verify",
    "associations": "Its associations name achievements it holds",
    "related-resources": "Related resources match their digests",
}
CHECK_IDS: frozenset[str] = frozenset(get_args(CheckId))
VALIDATION_CHECKS: frozenset[CheckId] = frozenset({"trusted-issuer", "requirements-met"})
"""A verifier's own policy: which issuers it trusts, what a job asks for (validation)."""
AUTHENTICITY_CHECKS: frozenset[CheckId] = frozenset(
    {"proof", "issuer-key", "holder-key", "disclosures", "holder-binding"}
)
"""Who signed and that nothing changed: what "authentic" means in a report."""


def _verdict_of(checks: list[Check]) -> CheckStatus:
    statuses = [c.status for c in checks if not c.advisory]
    if FAIL in statuses:
        return FAIL
    if UNCHECKED in statuses or not statuses:
        return UNCHECKED
    return PASS


def title_of(check_id: str) -> str:
    """The words for a check id read back from storage or JSON (the id itself if unknown)."""
    return CHECK_TITLES.get(as_check_id(check_id), check_id) if check_id in CHECK_IDS else check_id


def as_check_id(value: object) -> CheckId:
    """A check id read from JSON (a stored report): one of :data:`CheckId`, else InputError."""
    if isinstance(value, str) and value in CHECK_IDS:
        return cast(CheckId, value)
    raise InputError(f"{str(value)[:60]!r} is not a check id")


@dataclass(frozen=True)
class Check:
    """One named check: ``id`` is stable (see ``CHECK_TITLES``), ``detail`` is for people.
    An ``advisory`` check is reported and does not count towards any verdict: what the
    verifier was not asked to require (holder binding on a bare presentation)."""

    id: CheckId
    status: CheckStatus
    detail: str
    advisory: bool = False

    @property
    def title(self) -> str:
        return CHECK_TITLES[self.id]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status, "detail": self.detail}
        if self.advisory:
            out["advisory"] = True
        return out


@dataclass(frozen=True)
class Disclosure:
    """What a selectively disclosed credential revealed, as far as its format can tell.

    ``disclosed``: JSON pointers of the selectively-disclosable fields present;
    ``withheld``: SD-JWT digests left undisclosed (decoys included), ``None`` when the format
    does not reveal it (ecdsa-sd-2023); ``absent``: labels of known learner-data fields that
    are not present; ``note``: one honest sentence for people.
    """

    disclosed: tuple[str, ...]
    withheld: int | None
    absent: tuple[str, ...]
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "disclosed": list(self.disclosed),
            "withheld": self.withheld,
            "absent": list(self.absent),
            "note": self.note,
        }


PartRole = Literal["endorsement", "nested", "refreshed", "original"]


@dataclass(frozen=True)
class Part:
    """A credential verified because it sits inside (or beside) the one reported on: an
    embedded endorsement, a CLR's nested credential, the copy a refresh service gave (or the
    original it replaced). ``where`` is a JSON pointer into the document, or a URL. Its report
    has its own verdict; only a CLR's nested credentials count towards the whole (through the
    ``nested-credentials`` check), an endorsement never does."""

    role: PartRole
    where: str
    report: Report

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "where": self.where, "report": self.report.to_json()}


@dataclass(frozen=True)
class Report:
    """What ``vckit.verification.verify`` found.

    ``kind`` is ``credential`` or ``presentation``; ``format`` names the securing
    mechanism (``eddsa-rdfc-2022``, ``vc-jwt`` …); ``credentials`` holds one report per
    credential inside a presentation; ``disclosure`` says what a selectively disclosed
    credential revealed (SD-JWT, ecdsa-sd-2023 derived proofs); ``parts`` holds the reports of
    credentials found inside this one (:class:`Part`), which do not change its verdict.
    """

    kind: str
    format: str
    checks: tuple[Check, ...]
    document: dict[str, Any] | None = None
    credentials: tuple[Report, ...] = field(default=())
    disclosure: Disclosure | None = None
    parts: tuple[Part, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    """Things worth knowing that are not checks (a refresh service that was not called)."""

    @property
    def verdict(self) -> CheckStatus:
        """Every check: a verifier's whole answer, its own policy (validation) included."""
        return _verdict_of(self.all_checks())

    @property
    def verification(self) -> CheckStatus:
        """The verdict of *verification* alone: authentic, intact, timely, not revoked,
        conformant (VC Data Model 2.0 §7.1; OB 3.0 "Verification and Validation"). A
        verifier's *validation* (whom it trusts, what a job needs, :data:`VALIDATION_CHECKS`)
        is left out: an authentic credential from an issuer a registry does not list is
        verified, and not accredited."""
        return _verdict_of([c for c in self.all_checks() if c.id not in VALIDATION_CHECKS])

    @property
    def authentic(self) -> bool:
        """The signatures and keys hold and the document is what was signed: every proof and
        key check passed, and nothing about the document's form or disclosures failed. An
        authentic credential may still be expired, revoked or not conformant."""
        checks = self.all_checks()
        keys = [c for c in checks if c.id in AUTHENTICITY_CHECKS]
        return bool(keys) and all(c.status == PASS for c in keys)

    def all_checks(self) -> list[Check]:
        """This report's checks followed by those of every credential inside it."""
        found = list(self.checks)
        for inner in self.credentials:
            found.extend(inner.all_checks())
        return found

    def check(self, check_id: CheckId) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "verdict": self.verdict,
            "kind": self.kind,
            "format": self.format,
            "checks": [c.to_json() for c in self.checks],
        }
        if self.credentials:
            out["credentials"] = [r.to_json() for r in self.credentials]
        if self.disclosure is not None:
            out["disclosure"] = self.disclosure.to_json()
        if self.parts:
            out["parts"] = [part.to_json() for part in self.parts]
        if self.notes:
            out["notes"] = list(self.notes)
        return out
