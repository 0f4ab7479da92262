"""Who the candidate is and what the answer means, in a person's words: the name they
disclosed, one of three verdicts a person can tell apart, and the flat summary an ATS reads.

Three verdicts (``outcome``):

==============  ==========================================================================
``pass``        verified: every check passed
``unaccredited``  authentic, but from an issuer you have not accredited: the only checks that
                did not pass are *Issuer accredited for this achievement* (the registry does
                not list the issuer, or not for that achievement) and, when the job counts
                accredited issuers only, *Requirements met*. Signature, keys, dates and
                status all passed: not a forgery.
``fail``        not verified: some other check failed
``could-not-check``  not fully checked
==============  ==========================================================================

The candidate's name is what their credentials disclose: an Open Badges 3.0
``credentialSubject.identifier`` IdentityObject of ``identityType`` ``name`` that is not
hashed (``identityHash`` is then the plain name), else ``credentialSubject.name``. Nothing
disclosed: "" (pages then say "a candidate", and the DID stays in the technical details).
Pure: reads a :class:`vckit.report.Report`, returns plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.report import FAIL, PASS, Report

UNACCREDITED = "unaccredited"
OUTCOME_WORDS: dict[str, str] = {
    PASS: "Verified",
    UNACCREDITED: "Authentic, issuer not accredited",
    FAIL: "Not verified",
    "could-not-check": "Not fully checked",
}
_ACCREDITATION = ("trusted-issuer", "requirements-met")


def _all_reports(report: Report) -> list[Report]:
    return [report, *report.credentials]


def outcome(report: Report) -> str:
    """``pass``, ``unaccredited``, ``fail`` or ``could-not-check`` (the module docstring)."""
    if report.verdict != FAIL:
        return report.verdict
    failing = [c for r in _all_reports(report) for c in r.checks if c.status != PASS]
    if any(c.id == "trusted-issuer" and c.status == FAIL for c in failing) and all(
        c.id in _ACCREDITATION and c.status == FAIL for c in failing
    ):
        return UNACCREDITED
    return FAIL


def unaccredited_issuers(report: Report) -> list[tuple[str, str, str, str]]:
    """(issuer name, issuer DID, achievement name, achievement id) of each credential whose
    issuer the registry does not accredit for it, each once: what "trust this issuer for …"
    offers."""
    found: list[tuple[str, str, str, str]] = []
    for credential in report.credentials or (report,):
        check = credential.check("trusted-issuer")
        if check is None or check.status != FAIL:
            continue
        doc: Mapping[str, Any] = credential.document or {}
        issuer = doc.get("issuer")
        did = issuer if isinstance(issuer, str) else _text(_mapping(issuer).get("id"))
        name = _text(_mapping(issuer).get("name")) or did
        achievement = _mapping(_subject(doc).get("achievement"))
        achievement_id = _text(achievement.get("id"))
        what = _text(achievement.get("name")) or achievement_id
        entry = (name, did, what, achievement_id)
        if did and entry not in found:
            found.append(entry)
    return found


def candidate_name(report: Report) -> str:
    """The name the candidate disclosed, or "" (the module docstring)."""
    for credential in report.credentials or (report,):
        subject = _subject(credential.document or {})
        identifiers = subject.get("identifier")
        for item in identifiers if isinstance(identifiers, list) else [identifiers]:
            identity = _mapping(item)
            if identity.get("identityType") == "name" and identity.get("hashed") is False:
                name = _text(identity.get("identityHash")).strip()
                if name:
                    return name
        name = _text(subject.get("name")).strip()
        if name:
            return name
    return ""


def skills(report: Report) -> list[str]:
    """Every skill (alignment ``targetName``, else ``targetUrl``) of the credentials that
    passed their own checks, each once, in order."""
    found: list[str] = []
    for credential in report.credentials or (report,):
        if credential.verdict != PASS and outcome(credential) != UNACCREDITED:
            continue
        achievement = _mapping(_subject(credential.document or {}).get("achievement"))
        alignments = achievement.get("alignment")
        for item in alignments if isinstance(alignments, list) else []:
            aligned = _mapping(item)
            skill = _text(aligned.get("targetName")) or _text(aligned.get("targetUrl"))
            if skill and skill not in found:
                found.append(skill)
    return found


def summary(report: Report, applicant_reference: str | None = None) -> dict[str, Any]:
    """The flat summary an ATS reads beside the full report: candidate, verdict (the three
    a person tells apart), requirements met (None when the answer was not for a job's
    requirements), skills, and the applicant reference the request was made with."""
    requirements = report.check("requirements-met")
    return {
        "candidate": candidate_name(report) or None,
        "verdict": outcome(report),
        "verdictText": OUTCOME_WORDS[outcome(report)],
        "requirementsMet": None if requirements is None else requirements.status == PASS,
        "skills": skills(report),
        "applicantReference": applicant_reference,
    }


def _subject(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = doc.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    return _mapping(subject)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("@value", "")
    return value if isinstance(value, str) else ""
