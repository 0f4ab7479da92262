"""What a selectively disclosed credential revealed, and what it kept back, in words.

Pure: reads ``Report.disclosure`` (:class:`vckit.report.Disclosure`, set by
:mod:`vckit.verification` for an SD-JWT VC and for an ``ecdsa-sd-2023`` derived proof) and the
credential's document.

- **Disclosed fields**: each selectively-disclosable field the holder revealed, with the label a
  person knows (:func:`vckit.disclosure.fields.label_of`: "Recipient name", "Grade" ...) and its
  value in words (:func:`vckit.ob.field_words.words`, as the wallet showed it to the holder).
- **Withheld**: SD-JWT tells how many digests stayed undisclosed, but the issuer may add decoy
  digests (RFC 9901 §4.2.5), so that number is an upper bound on the claims withheld.
  ``ecdsa-sd-2023`` does not reveal how much was left out; what can be said is which known
  learner-data fields are absent.
- A format without selective disclosure has no disclosure: nothing is shown.

Only what the holder sent is ever read here: a withheld value never reached the verifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vckit.disclosure.fields import label_of, pointer_to_path
from vckit.errors import VckitError
from vckit.ob import field_words
from vckit.report import Disclosure, Report

MAX_VALUE_CHARS = 160


@dataclass(frozen=True)
class DisclosedField:
    pointer: str
    label: str
    value: str


@dataclass(frozen=True)
class DisclosureView:
    fields: tuple[DisclosedField, ...]
    withheld: str  # "" when the format does not tell
    absent: tuple[str, ...]
    note: str


def withheld_words(count: int | None) -> str:
    """SD-JWT's undisclosed digests, said honestly ("" when the format does not tell)."""
    if count is None:
        return ""
    if count == 0:
        return "No claims withheld (no undisclosed digests)"
    claims = "claim" if count == 1 else "claims"
    return f"{count} {claims} withheld (decoy digests included, so at most {count})"


def disclosed_field(document: Mapping[str, Any], pointer: str) -> DisclosedField:
    try:
        path = pointer_to_path(pointer)
    except VckitError:
        return DisclosedField(pointer, pointer, "(not a JSON pointer)")
    found, value = field_words.resolve(document, path)
    if not found:
        return DisclosedField(pointer, label_of(path, None), "(not found in the credential)")
    words = field_words.words(value, document, max_chars=MAX_VALUE_CHARS)
    return DisclosedField(pointer, label_of(path, value), words)


def view_of(disclosure: Disclosure, document: Mapping[str, Any]) -> DisclosureView:
    return DisclosureView(
        fields=tuple(disclosed_field(document, p) for p in disclosure.disclosed),
        withheld=withheld_words(disclosure.withheld),
        absent=disclosure.absent,
        note=disclosure.note,
    )


def disclosure_view(report: Report) -> DisclosureView | None:
    """The credential report's disclosure in words; None for a format without one."""
    if report.disclosure is None:
        return None
    return view_of(report.disclosure, report.document or {})


def disclosure_json(report: Report) -> dict[str, Any] | None:
    """The same for machines: ``report.disclosure`` plus each disclosed field's label and
    value, and the withheld count in words."""
    seen = disclosure_view(report)
    if seen is None or report.disclosure is None:
        return None
    return {
        **report.disclosure.to_json(),
        "fields": [{"pointer": f.pointer, "label": f.label, "value": f.value} for f in seen.fields],
        "withheld_text": seen.withheld,
    }
