"""A verification report as the verifier stores it (a response's ``report_json``) and reads it
back for the result page: :func:`report_json` and its inverse :func:`report_from_json`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.report import Check, Disclosure, Report
from verifier.views.disclosure_view import disclosure_json


def report_json(report: Report) -> dict[str, Any]:
    """A report with its documents (``Report.to_json`` leaves them out), for storage; a
    disclosure also gets each disclosed field's label and value (``disclosure_json``)."""
    out = report.to_json()
    out["document"] = report.document
    disclosed = disclosure_json(report)
    if disclosed is not None:
        out["disclosure"] = disclosed
    if report.credentials:
        out["credentials"] = [report_json(r) for r in report.credentials]
    return out


def report_from_json(data: Mapping[str, Any]) -> Report:
    """The inverse of :func:`report_json`."""
    return Report(
        kind=str(data.get("kind", "presentation")),
        format=str(data.get("format", "")),
        checks=tuple(Check(c["id"], c["status"], c["detail"]) for c in data.get("checks", [])),
        document=data.get("document"),
        credentials=tuple(report_from_json(c) for c in data.get("credentials", [])),
        disclosure=_disclosure_from_json(data.get("disclosure")),
    )


def _disclosure_from_json(data: Any) -> Disclosure | None:
    if not isinstance(data, Mapping):
        return None
    withheld = data.get("withheld")
    return Disclosure(
        disclosed=tuple(str(p) for p in data.get("disclosed", [])),
        withheld=withheld if isinstance(withheld, int) else None,
        absent=tuple(str(a) for a in data.get("absent", [])),
        note=str(data.get("note", "")),
    )
