"""The verification report as a hiring manager reads it: the verdict in words, why, one row
per check, then each credential as it was shared, with every field it disclosed.

Pure: takes a :class:`vckit.report.Report`, returns plain data for ``report.html``. Field
names follow Open Badges 3.0 (https://www.imsglobal.org/spec/ob/v3p0/): ``issuer``,
``credentialSubject.achievement`` (``name``, ``description``, ``achievementType``,
``alignment[].targetName`` / ``targetUrl`` for skills), ``validFrom``, ``validUntil``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vckit.report import PASS, Part, Report
from verifier.views.candidate import UNACCREDITED, candidate_name, outcome, unaccredited_issuers
from verifier.views.disclosure_view import DisclosureView, disclosure_view

RESULT_WORDS: dict[str, str] = {
    "pass": "✓ Passed",
    "fail": "✗ Failed",
    "could-not-check": "? Could not check",
}
HEADLINES: dict[str, str] = {
    "pass": "Verified: you can rely on this {kind}",
    "fail": "Not verified: do not rely on this {kind}",
    "could-not-check": "Not fully checked: some checks could not be run",
    UNACCREDITED: "Authentic, but from an issuer you have not accredited",
}
SUBLINES: dict[str, str] = {
    UNACCREDITED: "Signatures, keys, dates and status check out: this is not a forgery. "
    "Your registry does not list the issuer for what it awarded.",
}
MAX_VALUE_CHARS = 160
MAX_FIELDS = 200


@dataclass(frozen=True)
class Row:
    """One check in the table; ``scope`` says what it was checked on."""

    scope: str
    check_id: str
    title: str
    status: str
    result: str
    detail: str


@dataclass(frozen=True)
class Skill:
    name: str
    url: str | None


PART_WORDS: dict[str, str] = {
    "endorsement": "Endorsement",
    "nested": "Credential inside it",
    "refreshed": "Newer copy from the issuer",
    "original": "The copy that was sent",
}


@dataclass(frozen=True)
class PartView:
    """A credential found inside another (an endorsement, a CLR's course): its own verdict."""

    role: str
    where: str
    name: str
    issuer: str
    verdict: str
    result: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class SharedCredential:
    """One credential as shared: who says what about whom, and every field disclosed."""

    label: str
    verdict: str
    result: str
    format: str
    name: str
    issuer: str
    issuer_id: str
    subject: str
    achievement: str
    achievement_type: str
    description: str
    skills: tuple[Skill, ...]
    valid_from: str
    valid_until: str
    fields: tuple[tuple[str, str], ...]
    disclosure: DisclosureView | None = None  # selective disclosure: revealed and withheld
    parts: tuple[PartView, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportView:
    verdict: str
    headline: str
    reasons: tuple[Row, ...]
    rows: tuple[Row, ...]
    credentials: tuple[SharedCredential, ...]
    kind: str
    format: str
    holder: str  # the DID that presented it ("" when none was established)
    holder_note: str  # how it is known, when not from the presentation's own holder
    issuers_vouched: bool  # a trusted-issuer check (the governance registry) was made
    candidate: str = ""  # the name the candidate disclosed ("" when none)
    subline: str = ""  # a second line under the headline (the amber verdict's why)
    untrusted: tuple[tuple[str, str, str, str], ...] = ()  # issuer, DID, achievement, its id


def view(report: Report) -> ReportView:
    """Everything ``report.html`` shows, in the order it shows it."""
    inner = report.credentials if report.kind == "presentation" else (report,)
    labels = (
        [f"Credential {n}" for n in range(1, len(inner) + 1)]
        if report.kind == "presentation"
        else ["The credential"]
    )
    rows: list[Row] = []
    if report.kind == "presentation":
        rows.extend(_rows(report, "Presentation"))
    for label, credential in zip(labels, inner, strict=True):
        rows.extend(_rows(credential, label))
    holder, note = _holder(report)
    verdict = outcome(report)
    return ReportView(
        verdict=verdict,
        headline=HEADLINES[verdict].format(kind=report.kind),
        subline=SUBLINES.get(verdict, ""),
        candidate=candidate_name(report),
        untrusted=tuple(unaccredited_issuers(report)),
        reasons=tuple(r for r in rows if r.status != "pass"),
        rows=tuple(rows),
        credentials=tuple(_shared(label, c) for label, c in zip(labels, inner, strict=True)),
        kind=report.kind,
        format=report.format,
        issuers_vouched=any(r.check_id == "trusted-issuer" for r in rows),
        holder=holder,
        holder_note=note,
    )


def _holder(report: Report) -> tuple[str, str]:
    """Who presented it, and how it is known. A VP's ``holder``. An answer of several
    presentations, or an SD-JWT+KB, has no VP document: when the ``holder-binding`` check
    passed, it is the one subject every credential names (an ``ldp_vp`` passes only when each
    credential's subject is the DID that signed it; an SD-JWT+KB when its Key Binding JWT is
    signed with the key the issuer bound to that subject, ``cnf``). ("", "") when no holder
    was established."""
    if report.kind != "presentation":
        return "", ""
    named = _id_of((report.document or {}).get("holder"))
    if named:
        return named, ""
    binding = report.check("holder-binding")
    subjects = {
        _id_of(_first((c.document or {}).get("credentialSubject"))) for c in report.credentials
    }
    if binding is None or binding.status != PASS or len(subjects) != 1 or "" in subjects:
        return "", ""
    [subject] = subjects
    if all("sd-jwt" in part for part in report.format.split(", ")):
        return subject, "with the key its issuer bound to that DID (cnf)"
    return subject, ""


def _rows(report: Report, scope: str) -> list[Row]:
    return [
        Row(scope, c.id, c.title, c.status, RESULT_WORDS[c.status], c.detail) for c in report.checks
    ]


def _shared(label: str, report: Report) -> SharedCredential:
    doc: Mapping[str, Any] = report.document or {}
    subject = _first(doc.get("credentialSubject"))
    achievement = _mapping(subject.get("achievement"))
    issuer = doc.get("issuer")
    return SharedCredential(
        label=label,
        verdict=report.verdict,
        result=RESULT_WORDS[report.verdict],
        format=report.format,
        name=_text(doc.get("name")) or _text(achievement.get("name")) or "(no name)",
        issuer=_text(_mapping(issuer).get("name")) or _id_of(issuer),
        issuer_id=_id_of(issuer),
        subject=_subject(subject),
        achievement=_text(achievement.get("name")),
        achievement_type=_text(achievement.get("achievementType")),
        description=_text(achievement.get("description")),
        skills=tuple(_skills(achievement)),
        valid_from=_text(doc.get("validFrom")),
        valid_until=_text(doc.get("validUntil")),
        fields=tuple(disclosed_fields(doc)),
        disclosure=disclosure_view(report),
        parts=tuple(_part(part) for part in report.parts),
        notes=report.notes,
    )


def _part(part: Part) -> PartView:
    doc: Mapping[str, Any] = part.report.document or {}
    issuer = doc.get("issuer")
    achievement = _mapping(_first(doc.get("credentialSubject")).get("achievement"))
    return PartView(
        role=PART_WORDS[part.role],
        where=part.where,
        name=_text(doc.get("name")) or _text(achievement.get("name")) or "(no name)",
        issuer=_text(_mapping(issuer).get("name")) or _id_of(issuer),
        verdict=part.report.verdict,
        result=RESULT_WORDS[part.report.verdict],
        rows=tuple(_rows(part.report, PART_WORDS[part.role])),
    )


def _subject(subject: Mapping[str, Any]) -> str:
    """Whom it is about: ``credentialSubject.id``, else a plain (unhashed) identifier."""
    if _id_of(subject):
        return _id_of(subject)
    identifiers = subject.get("identifier")
    for item in identifiers if isinstance(identifiers, list) else [identifiers]:
        identity = _mapping(item)
        if identity.get("hashed") is False:
            return f"{_text(identity.get('identityType'))} {_text(identity.get('identityHash'))}"
    return "(not named)"


def _skills(achievement: Mapping[str, Any]) -> list[Skill]:
    alignments = achievement.get("alignment")
    found = []
    for item in alignments if isinstance(alignments, list) else []:
        aligned = _mapping(item)
        name = _text(aligned.get("targetName"))
        url = _text(aligned.get("targetUrl")) or None
        if name or url:
            found.append(Skill(name or url or "", url))
    return found


def disclosed_fields(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every field the holder disclosed, as (dotted path, value) pairs in document order;
    list items are numbered from 1. ``@context`` and the proof are named, not spelled out.
    (With selective disclosure, only the fields the holder chose will be here.)"""
    out: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if len(out) >= MAX_FIELDS:
            return
        if path in ("@context", "proof"):
            out.append((path, "present"))
        elif isinstance(value, Mapping) and value:
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and value:
            for n, item in enumerate(value, 1):
                walk(item, f"{path}[{n}]")
        else:
            out.append((path, _short(value)))

    walk(document, "")
    return out


def _short(value: Any) -> str:
    text = "" if value is None else value if isinstance(value, str) else repr(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    if value == [] or value == {}:
        text = "(empty)"
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _first(value: Any) -> Mapping[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else {}
    return _mapping(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    if isinstance(value, Mapping):  # a language map / value object: {"@value": ...}
        value = value.get("@value", "")
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return value if isinstance(value, str) else ""


def _id_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    return _text(_mapping(value).get("id"))
