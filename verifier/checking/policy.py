"""The employer's checks, added to a vckit ``Report``: whom it trusts, and what a job asks for.

API (used by ``verifier.checking.verification`` for every verification and by
``verifier.jobs.answers`` for presentations answering a job)::

    evaluate(report: Report, requirements: Requirements | None, registry: Registry | None,
             now: datetime) -> Report

returns a copy of ``report`` where every credential report (the report itself for a
credential, each of ``report.credentials`` for a presentation) has a ``trusted-issuer``
check appended (not when ``registry`` is None: a verifier without a registry), and, only
when ``requirements`` is not None, the top-level report has a ``requirements-met`` check
appended. ``now`` (timezone-aware) is the moment "issued within N years" is measured from.

``Requirements.from_json(data)`` reads a job's requirements (an object, or its JSON text)
and raises ``RequirementsError`` (a ``vckit.errors.InputError``) naming the bad field (also
past the bounds: at most 20 types of 200 characters, 50 skills of 500, ``issuedWithinYears``
1..100, UTF-8 text only);
``Requirements.to_json()`` writes them back. Every field is optional::

    {"types": ["OpenBadgeCredential"],
     "skills": [{"targetUrl": "https://…/safe-food-handling"}, {"name": "Safe food handling"},
                "https://…/url-as-a-string", "a name as a string"],
     "accreditedOnly": true,
     "issuedWithinYears": 3}

trusted-issuer
    pass: the issuer is in the registry and allowed to issue the credential's achievement;
    fail: "issuer X is not allowed to issue achievement Y", or "unknown issuer (not in the
    registry) — not a forgery"; could-not-check: the credential's own signature or issuer
    key did not check out, so who issued it is not established.
requirements-met
    each required credential type and skill (an alignment's ``targetUrl`` or
    ``targetName``) is evidenced by a credential that passed its own checks, was issued
    within the last N years (when asked) and, when ``accredited_only``, passed
    trusted-issuer. pass lists which credential evidences each; fail names what is missing.
    A credential nested in a CLR counts like a standalone one (:mod:`verifier.checking.nested`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from servicekit.text import is_utf8
from vckit.credential import issuer_id, types_of
from vckit.datetimes import parse_xsd_datetime
from vckit.document import parse_json
from vckit.errors import DateTimeError, InputError
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckId, Report
from verifier.checking import nested
from verifier.checking.registry import Registry

POLICY_CHECKS = ("trusted-issuer", "requirements-met")
# The checks that establish who issued a credential (vckit.verification).
_ISSUER_ESTABLISHED_BY: tuple[CheckId, ...] = ("proof", "issuer-key")


MAX_TYPES = 20
MAX_TYPE_LENGTH = 200
MAX_SKILLS = 50
MAX_SKILL_LENGTH = 500
MAX_YEARS = 100
"""Bounds on what a job may ask for (more is a ``RequirementsError`` naming the field)."""


class RequirementsError(InputError):
    """A job's requirements that cannot be read."""

    code = "bad-requirements"


@dataclass(frozen=True)
class Skill:
    """A required skill: an alignment ``targetUrl`` (exact) or ``targetName`` (any case)."""

    target_url: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return f"skill {self.name!r}" if self.name else f"skill <{self.target_url}>"

    def matches(self, alignment: Mapping[str, Any]) -> bool:
        if self.target_url is not None and alignment.get("targetUrl") == self.target_url:
            return True
        name = alignment.get("targetName")
        return (
            self.name is not None
            and isinstance(name, str)
            and name.strip().casefold() == self.name.strip().casefold()
        )


@dataclass(frozen=True)
class Requirements:
    """What a job asks for (``from_json`` reads the JSON form shown in ``to_json``)."""

    types: tuple[str, ...] = ()
    skills: tuple[Skill, ...] = ()
    accredited_only: bool = False
    issued_within_years: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> Requirements:
        if isinstance(data, str):
            try:
                data = parse_json(data)  # depth-limited
            except InputError as exc:
                raise RequirementsError(f"requirements are not JSON: {exc}") from None
        if not isinstance(data, Mapping):
            raise RequirementsError("requirements must be a JSON object")
        unknown = set(data) - {"types", "skills", "accreditedOnly", "issuedWithinYears"}
        if unknown:
            named = ", ".join(_quoted(str(k)) for k in sorted(unknown, key=str)[:5])
            raise RequirementsError(f"unknown requirements fields: {named}")
        types = data.get("types", [])
        if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
            raise RequirementsError("'types' must be a list of credential type names")
        _bounded("types", types, MAX_TYPES, MAX_TYPE_LENGTH)
        skills = data.get("skills", [])
        if not isinstance(skills, list):
            raise RequirementsError("'skills' must be a list")
        if len(skills) > MAX_SKILLS:
            raise RequirementsError(f"'skills' may list at most {MAX_SKILLS} skills")
        accredited = data.get("accreditedOnly", False)
        if not isinstance(accredited, bool):
            raise RequirementsError("'accreditedOnly' must be true or false")
        years = data.get("issuedWithinYears")
        if years is not None and (isinstance(years, bool) or not isinstance(years, int)):
            raise RequirementsError("'issuedWithinYears' must be a whole number of years")
        if years is not None and not 1 <= years <= MAX_YEARS:
            raise RequirementsError(f"'issuedWithinYears' must be between 1 and {MAX_YEARS}")
        return cls(
            types=tuple(types),
            skills=tuple(_skill(s, i) for i, s in enumerate(skills)),
            accredited_only=accredited,
            issued_within_years=years,
        )

    def to_json(self) -> dict[str, Any]:
        skills: list[dict[str, str]] = []
        for skill in self.skills:
            entry = {"targetUrl": skill.target_url, "name": skill.name}
            skills.append({k: v for k, v in entry.items() if v is not None})
        return {
            "types": list(self.types),
            "skills": skills,
            "accreditedOnly": self.accredited_only,
            "issuedWithinYears": self.issued_within_years,
        }


def _quoted(text: str) -> str:
    """A name a person sent, safe to quote back: cut short, a lone surrogate escaped."""
    cut = text if len(text) <= 40 else text[:39] + "…"
    return repr(cut.encode("utf-8", "backslashreplace").decode("utf-8"))


def _bounded(where: str, values: list[str], most: int, longest: int) -> None:
    """At most ``most`` strings, each at most ``longest`` characters of UTF-8 text."""
    if len(values) > most:
        raise RequirementsError(f"'{where}' may list at most {most} entries")
    for index, value in enumerate(values):
        _text(f"{where}[{index}]", value, longest)


def _text(where: str, value: str, longest: int) -> None:
    if len(value) > longest:
        raise RequirementsError(f"{where} is longer than {longest} characters")
    if not is_utf8(value):
        raise RequirementsError(f"{where} must be UTF-8 text (it holds a lone surrogate)")


def _skill(value: object, index: int) -> Skill:
    where = f"skills[{index}]"
    if isinstance(value, str) and value:
        _text(where, value, MAX_SKILL_LENGTH)
        return Skill(target_url=value) if "://" in value else Skill(name=value)
    if not isinstance(value, Mapping):
        raise RequirementsError(f"{where} must be an object or a string")
    unknown = set(value) - {"targetUrl", "name"}
    if unknown:
        named = ", ".join(_quoted(str(k)) for k in sorted(unknown, key=str)[:5])
        raise RequirementsError(f"{where}: unknown fields {named}")
    url, name = value.get("targetUrl"), value.get("name")
    if url is None and name is None:
        raise RequirementsError(f"{where} needs a targetUrl or a name")
    for field, found in (("targetUrl", url), ("name", name)):
        if found is not None and (not isinstance(found, str) or not found.strip()):
            raise RequirementsError(f"{where}.{field} must be a non-empty string")
        if isinstance(found, str):
            _text(f"{where}.{field}", found, MAX_SKILL_LENGTH)
    return Skill(target_url=url, name=name)


# -- the credential's parts the policy reads -------------------------------------------


def _subjects(credential: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    subject = credential.get("credentialSubject")
    for item in subject if isinstance(subject, list) else [subject]:
        if isinstance(item, Mapping):
            yield item


def achievements_of(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The OB 3.0 ``credentialSubject.achievement`` objects of a credential."""
    found = [s.get("achievement") for s in _subjects(credential)]
    return [a for a in found if isinstance(a, Mapping)]


def _alignments(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for achievement in achievements_of(credential):
        listed = achievement.get("alignment")
        if isinstance(listed, list):
            out.extend(a for a in listed if isinstance(a, Mapping))
    return out


def _label(credential: Mapping[str, Any]) -> str:
    names = [a.get("name") for a in achievements_of(credential)]
    name = next((n for n in names if isinstance(n, str)), credential.get("name"))
    ident = credential.get("id")
    return f"{name!r} ({ident})" if isinstance(name, str) and ident else str(name or ident)


def issued_at(credential: Mapping[str, Any]) -> datetime | None:
    """``validFrom`` (VC 2.0 §4.9) or, for VC 1.1, ``issuanceDate``; None if absent/bad."""
    value = credential.get("validFrom", credential.get("issuanceDate"))
    try:
        return parse_xsd_datetime(value, "validFrom") if value is not None else None
    except DateTimeError:
        return None


# -- trusted-issuer --------------------------------------------------------------------


def trusted_issuer(credential_report: Report, registry: Registry) -> Check:
    """Whether the registry accredits the credential's issuer for its achievement."""
    statuses = {c.id: c.status for c in credential_report.checks}
    if any(statuses.get(name) != PASS for name in _ISSUER_ESTABLISHED_BY):
        why = "not checked: the signature or the issuer's key did not check out"
        return Check("trusted-issuer", UNCHECKED, why)
    credential = credential_report.document or {}
    did = issuer_id(credential)
    entry = registry.find(did) if did else None
    if entry is None:
        detail = f"unknown issuer {did} (not in the registry) — not a forgery"
        return Check("trusted-issuer", FAIL, detail)
    ids = [a.get("id") for a in achievements_of(credential)]
    refused = [i for i in ids if not (isinstance(i, str) and entry.allows(i))]
    if refused:
        detail = f"issuer {entry.name} ({did}) is not allowed to issue achievement {refused[0]}"
        return Check("trusted-issuer", FAIL, detail)
    what = f" for {', '.join(str(i) for i in ids)}" if ids else ""
    detail = f"{entry.name} ({did}) is accredited by {entry.accreditor}{what}"
    return Check("trusted-issuer", PASS, detail)


def _with_trusted_issuer(credential_report: Report, registry: Registry) -> Report:
    """The report with its ``trusted-issuer`` check, and each CLR-nested credential's and
    endorsement's (:data:`verifier.checking.nested.JUDGED_ROLES`)."""
    credential_report = nested.map_parts(
        credential_report, lambda inner: _with_trusted_issuer(inner, registry)
    )
    if credential_report.check("trusted-issuer") is not None:
        return credential_report
    check = trusted_issuer(credential_report, registry)
    return replace(credential_report, checks=(*credential_report.checks, check))


# -- requirements-met ------------------------------------------------------------------


def _years_ago(now: datetime, years: int) -> datetime:
    if years >= now.year:  # only a job stored before MAX_YEARS: every date counts
        return datetime.min.replace(tzinfo=now.tzinfo)
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _excluded_because(
    credential_report: Report, requirements: Requirements, now: datetime
) -> str | None:
    own = [
        c
        for c in credential_report.checks
        if c.id not in POLICY_CHECKS and c.id not in nested.JUDGED_SEPARATELY
    ]
    if not own or any(c.status != PASS for c in own):
        return "its own checks did not pass"
    if requirements.accredited_only:
        trusted = credential_report.check("trusted-issuer")
        if trusted is None or trusted.status != PASS:
            return "its issuer is not accredited for it"
    if requirements.issued_within_years is not None:
        issued = issued_at(credential_report.document or {})
        oldest = _years_ago(now, requirements.issued_within_years)
        if issued is None:
            return "it has no issuance date"
        if issued < oldest:
            years = requirements.issued_within_years
            return f"it was issued {issued.date()}, more than {years} years ago"
    return None


def requirements_met(
    credential_reports: tuple[Report, ...], requirements: Requirements, now: datetime
) -> Check:
    """Whether the credentials that count evidence every required type and skill."""
    counted: list[Mapping[str, Any]] = []
    left_out: list[str] = []
    for item in nested.countable(credential_reports):
        reason = _excluded_because(item, requirements, now)
        if reason is None:
            counted.append(item.document or {})
        else:
            left_out.append(f"{_label(item.document or {})}: {reason}")
    evidence: list[str] = []
    missing: list[str] = []
    for kind in requirements.types:
        found = [c for c in counted if kind in types_of(c)]
        _note(f"type {kind!r}", found, evidence, missing)
    for skill in requirements.skills:
        found = [c for c in counted if any(skill.matches(a) for a in _alignments(c))]
        _note(str(skill), found, evidence, missing)
    if missing:
        detail = "missing: " + "; ".join(missing)
        if left_out:
            detail += " (not counted — " + "; ".join(left_out) + ")"
        return Check("requirements-met", FAIL, detail)
    if not evidence:
        return Check("requirements-met", PASS, "the job lists no required types or skills")
    return Check("requirements-met", PASS, "; ".join(evidence))


def _note(
    what: str, found: list[Mapping[str, Any]], evidence: list[str], missing: list[str]
) -> None:
    if found:
        evidence.append(f"{what}: {', '.join(_label(c) for c in found)}")
    else:
        missing.append(what)


# -- the whole report -------------------------------------------------------------------


def evaluate(
    report: Report, requirements: Requirements | None, registry: Registry | None, now: datetime
) -> Report:
    """``report`` with the employer's checks added (see the module docstring)."""
    if registry is None:
        credentials_only = (report,) if report.kind == "credential" else report.credentials
        if requirements is None:
            return report
        met = requirements_met(credentials_only, requirements, now)
        return replace(report, checks=(*report.checks, met))
    if report.kind == "credential":
        report = _with_trusted_issuer(report, registry)
        credentials: tuple[Report, ...] = (report,)
    else:
        credentials = tuple(_with_trusted_issuer(r, registry) for r in report.credentials)
        report = replace(report, credentials=credentials)
    if requirements is None:
        return report
    met = requirements_met(credentials, requirements, now)
    return replace(report, checks=(*report.checks, met))
