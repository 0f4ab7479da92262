"""A verifier report, as the verifier's JSON API gives it, read and shown for people.

The JSON is :meth:`vckit.report.Report.to_json` (``verdict``, ``kind``, ``format``,
``checks``, ``credentials``, ``disclosure``); the verifier's stored results add each
credential's ``document`` and each disclosed field's ``label`` and ``value``. A VC-API
verification carries no documents: :func:`lines` then takes the credentials as sent. Disclosed
fields are shown as people read them ("Recipient name: Alex Rivera",
:func:`vckit.disclosure.fields.label_of`, :func:`vckit.ob.field_words.words`), like the verifier's
report
page, not as JSON pointers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from vckit.disclosure.fields import label_of, pointer_to_path
from vckit.errors import VckitError
from vckit.ob import field_words
from vckit.report import title_of

MARKS = {"pass": "PASS", "fail": "FAIL", "could-not-check": "COULD NOT CHECK"}
Report = Mapping[str, Any]


def credentials(report: Report) -> list[Report]:
    found = report.get("credentials")
    return [c for c in found if isinstance(c, Mapping)] if isinstance(found, list) else []


def all_checks(report: Report) -> Iterator[Mapping[str, str]]:
    """The report's checks, then those of every credential inside it."""
    for check in report.get("checks") or ():
        if isinstance(check, Mapping):
            yield check
    for inner in credentials(report):
        yield from all_checks(inner)


def failed(report: Report) -> list[str]:
    """Ids of the checks that failed, anywhere in the report, in order, each once."""
    ids = [str(c.get("id")) for c in all_checks(report) if c.get("status") == "fail"]
    return list(dict.fromkeys(ids))


def status_of(report: Report, check_id: str) -> str | None:
    """The status of a top-level check, or None when the report has none by that id."""
    for check in report.get("checks") or ():
        if isinstance(check, Mapping) and check.get("id") == check_id:
            return str(check.get("status"))
    return None


def detail_of(report: Report, check_id: str) -> str:
    for check in all_checks(report):
        if check.get("id") == check_id:
            return str(check.get("detail", ""))
    return ""


def name_of(report: Report, sent: Any = None) -> str:
    """The credential's achievement name (or its name), from the report's document or else
    from ``sent``, the credential as it was sent."""
    document = report.get("document")
    if not isinstance(document, Mapping):
        document = sent
    if not isinstance(document, Mapping):
        return ""
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if isinstance(achievement, Mapping) and isinstance(achievement.get("name"), str):
        return str(achievement["name"])
    return str(document.get("name", ""))


def lines(report: Report, indent: str = "", sent: Sequence[Any] = ()) -> list[str]:
    """The report check by check, each credential's under it, and what it disclosed.
    ``sent``: the credentials in the order presented, for a report without documents."""
    verdict = str(report.get("verdict", "?"))
    out = [f"{indent}{report.get('kind', 'report')} ({report.get('format', '?')}): "
           f"{MARKS.get(verdict, verdict.upper())}"]  # fmt: skip
    for check in report.get("checks") or ():
        status = str(check.get("status"))
        out.append(
            f"{indent}  [{MARKS.get(status, status)}] {title_of(str(check.get('id')))}: "
            f"{check.get('detail', '')}"
        )
    disclosure = report.get("disclosure")
    if isinstance(disclosure, Mapping):
        document = report.get("document")
        out.extend(disclosure_lines(disclosure, indent + "  ", document or sent_one(sent)))
    for number, inner in enumerate(credentials(report), 1):
        own = sent[number - 1] if number <= len(sent) else None
        name = name_of(inner, own)
        out.append(f"{indent}  credential {number}{f' — {name}' if name else ''}:")
        out.extend(lines(inner, indent + "    ", () if own is None else (own,)))
    return out


def sent_one(sent: Sequence[Any]) -> Any:
    return sent[0] if len(sent) == 1 else None


def disclosed_fields(disclosure: Mapping[str, Any], document: Any = None) -> list[str]:
    """Each disclosed field as ``Label: value``: the verifier's own words when its result
    has them, else read from ``document`` at the field's pointer; the pointer as a last resort."""
    given = disclosure.get("fields")
    if isinstance(given, list) and given:
        return [f"{f.get('label')}: {f.get('value')}" for f in given if isinstance(f, Mapping)]
    return [_field_words(pointer, document) for pointer in disclosure.get("disclosed") or ()]


def _field_words(pointer: str, document: Any) -> str:
    try:
        path = pointer_to_path(str(pointer))
    except VckitError:
        return str(pointer)
    found, value = field_words.resolve(document, path)
    if not found:
        return f"{label_of(path, None)} ({pointer})"
    credential = document if isinstance(document, Mapping) else None
    return f"{label_of(path, value)}: {field_words.words(value, credential)}"


def disclosure_lines(disclosure: Mapping[str, Any], indent: str, document: Any = None) -> list[str]:
    disclosed = ", ".join(disclosed_fields(disclosure, document)) or "none"
    absent = ", ".join(disclosure.get("absent") or ()) or "none"
    withheld = disclosure.get("withheld")
    out = [
        f"{indent}disclosed fields: {disclosed}",
        f"{indent}absent fields (withheld, or never issued): {absent}",
    ]
    if withheld is not None:
        out.append(f"{indent}undisclosed digests: {withheld}")
    if disclosure.get("note"):
        out.append(f"{indent}({disclosure['note']})")
    return out
