"""A CLR's nested credentials, for the employer's checks: each counts like a standalone one.

A CLR 2.0 ``ClrCredential`` holds signed credentials (vckit verifies each as a ``nested``
:class:`~vckit.report.Part` of the CLR's report: its own proof, status, validity, schema). For a
job (:mod:`verifier.checking.policy`):

- each nested credential (and each endorsement, :data:`JUDGED_ROLES`) gets its own
  ``trusted-issuer`` check, like a standalone credential;
- the credentials that may evidence a requirement are the standalone ones *and* the nested
  ones (:func:`countable`), each judged on its own checks; the same credential held twice
  (alone and inside a CLR) counts once;
- the CLR itself counts (for a required type such as ``ClrCredential``) on its own checks but
  ``nested-credentials``: one revoked course credential inside does not discount the record,
  it discounts that course credential only, so what that credential alone evidenced is no
  longer met.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from vckit.report import Part, Report

JUDGED_ROLES = frozenset({"nested", "endorsement"})
"""Parts whose issuer the registry is asked about (``trusted-issuer``): a CLR's credentials and
endorsements. An endorsement by an issuer the registry does not know says so in its own part
("unknown issuer ... — not a forgery"); it never counts towards a requirement and never changes
the verdict of what it endorses."""
JUDGED_SEPARATELY = frozenset({"nested-credentials"})
"""A CLR's checks that are about its nested credentials, each of which is judged by itself."""


def nested_reports(report: Report) -> tuple[Report, ...]:
    """The reports of the credentials nested in ``report`` (a CLR), in document order."""
    return tuple(part.report for part in report.parts if part.role == "nested")


def map_parts(
    report: Report, change: Callable[[Report], Report], roles: frozenset[str] = JUDGED_ROLES
) -> Report:
    """``report`` with ``change`` applied to the report of each part in ``roles``."""
    if not any(part.role in roles for part in report.parts):
        return report
    parts = tuple(
        Part(part.role, part.where, change(part.report)) if part.role in roles else part
        for part in report.parts
    )
    return replace(report, parts=parts)


def countable(reports: tuple[Report, ...]) -> Iterator[Report]:
    """Every credential report that may evidence a requirement: each of ``reports`` followed
    by the credentials nested in it; a credential id seen before is skipped."""
    seen: set[str] = set()
    for report in reports:
        for item in (report, *nested_reports(report)):
            ident = (item.document or {}).get("id")
            if isinstance(ident, str):
                if ident in seen:
                    continue
                seen.add(ident)
            yield item
