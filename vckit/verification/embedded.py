"""Credentials inside a credential: Open Badges endorsements and a CLR's nested credentials.

- **Endorsements** (OB 3.0 §B "EndorsementCredential"; verification §"Verify
  EndorsementCredentials"): an ``endorsement`` (JSON-LD credentials) or ``endorsementJwt``
  (compact JWS) array on the credential, on its issuer's profile, on its achievement or on
  the achievement's creator. Each is verified as a credential of its own and reported as a
  :class:`~vckit.report.Part` under the thing it endorses; a bad endorsement says so in its
  own report and never makes the endorsed credential fail.
- **CLR 2.0** (``ClrCredential``, its ``ClrSubject``): every credential in
  ``credentialSubject.verifiableCredential`` is verified as its own part, and two checks join
  the CLR's: ``nested-credentials`` (a nested credential that fails fails the CLR; one that
  could not be checked makes it could-not-check) and ``associations`` (every ``sourceId`` and
  ``targetId`` names an achievement the CLR holds).

The parts are verified by the dispatcher that is verifying the whole
(:attr:`~vckit.verification.options.VerifyOptions.verify_inner`), without a challenge or domain
(they are not presentations), and at most :data:`MAX_PARTS` of them for one credential, at
every depth together: the parts of a part draw on the same budget (:class:`_Budget`), so an
endorsement carrying endorsements of its own cannot multiply the work (32 × 32 × …). The
parts share one :class:`~vckit.ob.schema.Explaining` too: the schema problems of many rejected
parts are listed for no more JSON values than those of one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from vckit.credential import types_of
from vckit.document import SCALARS
from vckit.errors import VckitError
from vckit.ob.schema import Explaining
from vckit.report import FAIL, PASS, UNCHECKED, Check, Part, Report
from vckit.verification.options import VerifyOptions
from vckit.verification.refresh import refreshed

MAX_PARTS = 64
"""Credentials inside one credential verified at most, at every depth together: a CLR of a
few dozen credentials is verified in full (one of 64 signed credentials: 0.13 s), while a
2 MiB document of nested endorsements cannot turn one request into a thousand verifications
and DID fetches. A CLR's nested credentials past it make its ``nested-credentials`` check
could-not-check, never pass."""
MAX_DEPTH = 6
ENDORSEMENT_MEMBERS = ("endorsement", "endorsementJwt")


def complete(report: Report, credential: Mapping[str, Any], options: VerifyOptions) -> Report:
    """The credential's report with its parts and their checks, then refreshed (if it may be)."""
    parts, checks = embedded_parts(credential, options)
    whole = replace(report, checks=(*report.checks, *checks), parts=(*report.parts, *parts))
    return refreshed(whole, credential, options)


class _Budget:
    """``verify_inner`` for the parts of one credential, with the number of parts it may
    still verify: the parts' own parts find it in their options and draw on it too."""

    def __init__(self, verify: Callable[[Any, VerifyOptions], Report], left: int) -> None:
        self.verify = verify
        self.left = left
        self.explaining = Explaining()  # the parts' schema problems, all of them together

    def __call__(self, item: Any, options: VerifyOptions) -> Report:
        return self.verify(item, options)

    def take(self, items: list[tuple[str, object]]) -> list[tuple[str, object]]:
        taken = items[: max(self.left, 0)]
        self.left -= len(taken)
        return taken


def embedded_parts(
    credential: Mapping[str, Any], options: VerifyOptions
) -> tuple[tuple[Part, ...], list[Check]]:
    """The parts of ``credential`` and the checks they add to it (a CLR's two)."""
    verify = options.verify_inner
    if verify is None:
        return (), []
    budget = verify if isinstance(verify, _Budget) else _Budget(verify, MAX_PARTS)
    inner = replace(
        options, challenge=None, domain=None, verify_inner=budget, explaining=budget.explaining
    )
    found = budget.take(list(_endorsements(credential, "", 0)))
    clr = "ClrCredential" in types_of(credential)
    listed = _nested(credential) if clr else []
    held = budget.take(listed)  # taken before any is verified
    parts = [_part("endorsement", where, item, inner) for where, item in found]
    checks: list[Check] = []
    if clr:
        nested = [_part("nested", where, item, inner) for where, item in held]
        parts.extend(nested)
        checks = [_nested_check(nested, len(listed)), _associations_check(credential, nested)]
    return tuple(parts), checks


def _part(role: Any, where: str, item: object, options: VerifyOptions) -> Part:
    verify = options.verify_inner
    if verify is None:  # pragma: no cover - checked by the caller
        raise VckitError("no verifier for the credentials inside")
    try:
        report = verify(item, options)
    except VckitError as exc:
        unreadable = Check("format", FAIL, f"not a credential vckit can read: {exc}")
        report = Report(kind="credential", format="unknown", checks=(unreadable,))
    return Part(role, where, report)


def _endorsements(value: object, pointer: str, depth: int) -> Iterator[tuple[str, object]]:
    """(JSON pointer, endorsement) for every endorsement in ``value``, not looking inside a
    CLR's nested credentials (their endorsements are theirs) or inside the endorsements."""
    if depth > MAX_DEPTH or not isinstance(value, Mapping):
        return
    for name, member in value.items():
        if name in ENDORSEMENT_MEMBERS:
            where = f"{pointer}/{_escape(str(name))}"
            items = member if isinstance(member, list) else [member]
            for index, item in enumerate(items):
                yield f"{where}/{index}", item
            continue
        if isinstance(member, SCALARS) or name in ("proof", "verifiableCredential"):
            continue  # a pointer is only built for what is walked into
        where = f"{pointer}/{_escape(str(name))}"
        if isinstance(member, Mapping):
            yield from _endorsements(member, where, depth + 1)
        elif isinstance(member, list):
            for index, item in enumerate(member):
                if not isinstance(item, SCALARS):
                    yield from _endorsements(item, f"{where}/{index}", depth + 1)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _nested(credential: Mapping[str, Any]) -> list[tuple[str, object]]:
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return []
    items = subject.get("verifiableCredential", [])
    items = items if isinstance(items, list) else [items]
    return [
        (f"/credentialSubject/verifiableCredential/{index}", item)
        for index, item in enumerate(items)
    ]


def _nested_check(nested: list[Part], listed: int) -> Check:
    """``nested``: the parts verified of the ``listed`` nested credentials (fewer when the
    budget of :data:`MAX_PARTS` ran out: the others are could-not-check, never a pass)."""
    if not listed:
        return Check("nested-credentials", PASS, "the CLR holds no credentials of its own")
    failed = [p for p in nested if p.report.verdict == FAIL]
    unchecked = [p for p in nested if p.report.verdict == UNCHECKED]
    total = len(nested)
    if failed:
        named = "; ".join(f"{p.where}: {_first(p.report, FAIL)}" for p in failed[:3])
        return Check("nested-credentials", FAIL, f"{len(failed)} of {total} fail ({named})")
    if total < listed:
        return Check(
            "nested-credentials",
            UNCHECKED,
            f"{listed - total} of {listed} nested credentials were not verified: at most "
            f"{MAX_PARTS} credentials inside one credential are",
        )
    if unchecked:
        named = "; ".join(f"{p.where}: {_first(p.report, UNCHECKED)}" for p in unchecked[:3])
        return Check(
            "nested-credentials",
            UNCHECKED,
            f"{len(unchecked)} of {total} could not be checked in full ({named})",
        )
    return Check("nested-credentials", PASS, f"all {total} nested credentials verify")


def _first(report: Report, status: str) -> str:
    check = next((c for c in report.all_checks() if c.status == status), None)
    return f"{check.id}: {check.detail[:120]}" if check else report.verdict


def _achievement_ids(credential: Mapping[str, Any], nested: list[Part]) -> set[str]:
    subject = credential.get("credentialSubject")
    held = subject.get("achievement", []) if isinstance(subject, Mapping) else []
    ids = {
        a.get("id") for a in (held if isinstance(held, list) else [held]) if isinstance(a, Mapping)
    }
    for part in nested:
        document = part.report.document or {}
        inner = document.get("credentialSubject")
        achievement = inner.get("achievement") if isinstance(inner, Mapping) else None
        if isinstance(achievement, Mapping):
            ids.add(achievement.get("id"))
    return {i for i in ids if isinstance(i, str)}


def _associations_check(credential: Mapping[str, Any], nested: list[Part]) -> Check:
    subject = credential.get("credentialSubject")
    listed = subject.get("association", []) if isinstance(subject, Mapping) else []
    listed = listed if isinstance(listed, list) else [listed]
    if not listed:
        return Check("associations", PASS, "the CLR states no associations")
    known = _achievement_ids(credential, nested)
    unknown = sorted(
        {
            str(a.get(end))
            for a in listed
            if isinstance(a, Mapping)
            for end in ("sourceId", "targetId")
            if a.get(end) not in known
        }
    )
    if unknown:
        named = ", ".join(u[:80] for u in unknown[:5])
        return Check(
            "associations", FAIL, f"associations name achievements it does not hold: {named}"
        )
    return Check("associations", PASS, f"all {len(listed)} associations name achievements it holds")
