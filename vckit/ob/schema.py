"""JSON Schema validation of Open Badges 3.0 and CLR 2.0 credentials, with field-level messages.

The schemas are 1EdTech's generated JSON Schemas, copied into ``vckit/ob/schemas/`` (see
``SOURCE.md`` there for sources and caveats). Validation never fetches: the schema files are
registered as local ``referencing`` resources and every ``$ref`` in them is local.

What is checked:

1. the 1EdTech schema for the credential's class (OB 3.0 §B "JSON Schema"):
   AchievementCredential; for VC 1.1 shaped OB 3.0 credentials (``@context`` starting with
   ``https://www.w3.org/2018/credentials/v1``) the VC 1.1 branch (``#/anyOf/0``) of
   AnyAchievementCredential; EndorsementCredential (``#/$defs/EndorsementCredential``, or
   ``EndorsementCredentialv1p1``); ClrCredential (CLR 2.0): 1EdTech's VC 2.0 schema (draft
   2019-09), and for a VC 1.1 shaped CLR, HR Open's draft-04 rendering of 1EdTech's earlier
   VC 1.1 schema (``Draft4Validator``) — with ``format`` asserted for ``date-time`` (RFC 3339
   §5.6, offset required) and ``date``;
2. data-model rules the schema copies do not express (the 2019-09 files are the "JSON-LD
   Schema adaptation", see ``SOURCE.md``): required ``type`` values also when ``type`` is a
   single string; absolute URIs for ``id`` and other URI-valued properties (OB 3.0 §"URI"
   derived type); ``id`` or ``identifier`` on ``AchievementSubject`` and ``ClrSubject``.

A CLR's nested credentials (``credentialSubject.verifiableCredential``) are validated here only
as far as the CLR schema describes them (its generic ``VerifiableCredential``); each one gets its
own OB 3.0 check in its own report (``vckit.verification.embedded``).

Each problem is a :class:`SchemaProblem` with a JSON Pointer (RFC 6901) to the offending
field, e.g. ``/credentialSubject/achievement/name: 'name' is a required property``.

Speed: the schema check first asks the Rust validator ``jsonschema_rs`` only whether the
document is valid, with the same semantics as the Python path (the same draft, the same
``date-time`` and ``date`` checkers, ``pattern`` matched by Python's ``re.search`` as
``jsonschema`` does, plain JSON values only, no retrieval). Only a document it rejects goes
through the Python ``jsonschema`` validator, which produces the field-level problems. The result
is the same either way; ``tests/vckit/ob/test_schema_fast_path.py`` checks that the two agree.
The Python walk is slow (about 60 µs a JSON value): given an :class:`Explaining`, it runs
only for as many values as that has left, and a larger rejected document gets one problem.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft4Validator, Draft201909Validator, FormatChecker
from jsonschema.protocols import Validator
from referencing import Registry, Specification
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4, DRAFT201909

from vckit.credential import types_of
from vckit.document import SCALARS
from vckit.errors import InputError, SchemaError
from vckit.jsonld.contexts import VC_V1_CONTEXT
from vckit.ob.schema_errors import SchemaProblem, describe, pointer, short

__all__ = ["Explaining", "SchemaProblem", "enumeration", "ensure_valid", "schema_kind", "validate"]

SchemaKind = Literal[
    "auto",
    "AchievementCredential",
    "AchievementCredentialv1p1",
    "AnyAchievementCredential",
    "Endorsement",
    "Endorsementv1p1",
    "ClrCredential",
    "ClrCredentialv1p1",
]
Draft = Literal["2019-09", "4"]

ACHIEVEMENT_SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ANY_ACHIEVEMENT_SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_anyachievementcredential_schema.json"
)
CLR_SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)
CLR_V1P1_SCHEMA_ID = (
    "https://www.hropenstandards.org/recruiting/json/ler-rs/1EdTech/"
    "clr_v2p0_clrcredential_schema_draft4.json"
)
"""Where the 1EdTech validator's catalog files HR Open's draft-04 rendering. The file's own
``$id`` is 1EdTech's URL (:data:`CLR_SCHEMA_ID`), a member draft-04 does not read (draft-04
names a schema with ``id``), so it is registered under this URL instead."""
_FILES: dict[str, tuple[str, Draft]] = {
    ACHIEVEMENT_SCHEMA_ID: ("ob_v3p0_achievementcredential_schema.json", "2019-09"),
    ANY_ACHIEVEMENT_SCHEMA_ID: ("ob_v3p0_anyachievementcredential_schema.json", "2019-09"),
    CLR_SCHEMA_ID: ("clr_v2p0_clrcredential_schema.json", "2019-09"),
    CLR_V1P1_SCHEMA_ID: ("clr_v2p0_clrcredential_schema_draft4.json", "4"),
}
_ROOTS: dict[str, str] = {
    "AchievementCredential": ACHIEVEMENT_SCHEMA_ID,
    "AnyAchievementCredential": ANY_ACHIEVEMENT_SCHEMA_ID,
    # AnyAchievementCredential is anyOf [VC 1.1 shape, VC 2.0 shape]; branch 0 is VC 1.1
    "AchievementCredentialv1p1": ANY_ACHIEVEMENT_SCHEMA_ID + "#/anyOf/0",
    "Endorsement": ACHIEVEMENT_SCHEMA_ID + "#/$defs/EndorsementCredential",
    "Endorsementv1p1": ANY_ACHIEVEMENT_SCHEMA_ID + "#/$defs/EndorsementCredentialv1p1",
    "ClrCredential": CLR_SCHEMA_ID,
    "ClrCredentialv1p1": CLR_V1P1_SCHEMA_ID,
}
_SPECIFICATIONS: dict[Draft, Specification[Any]] = {"2019-09": DRAFT201909, "4": DRAFT4}
_PYTHON_VALIDATORS: dict[Draft, type[Validator]] = {
    "2019-09": Draft201909Validator,
    "4": Draft4Validator,
}
_RUST_DRAFTS: dict[Draft, int] = {
    "2019-09": jsonschema_rs.Draft201909,
    "4": jsonschema_rs.Draft4,
}

# RFC 3339 §5.6 date-time (offset required); "T"/"Z" may be lower case (§5.6 NOTE).
_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# RFC 3986 §3.1: scheme ":" ...; a URI has no spaces or control characters (§2).
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]*$")
_URI_KEYS = frozenset(
    {"id", "url", "targetUrl", "achievedLevel", "requiredLevel", "statusListCredential"}
)


# --- loading ----------------------------------------------------------------------------


@cache
def _schema(schema_id: str) -> Mapping[str, Any]:
    name = _FILES[schema_id][0]
    text = resources.files("vckit.ob").joinpath("schemas", name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _draft(kind: str) -> Draft:
    """The JSON Schema draft of the file ``kind``'s schema lives in."""
    return _FILES[_ROOTS[kind].partition("#")[0]][1]


@cache
def _registry() -> Registry[Any]:
    return Registry().with_resources(
        (schema_id, _SPECIFICATIONS[draft].create_resource(_schema(schema_id)))
        for schema_id, (_, draft) in _FILES.items()
    )


def _is_date_time(value: object) -> bool:
    """RFC 3339 §5.6 ``date-time``, with a real calendar date and the offset required."""
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.match(value)
    if match is None:
        return False
    day, hour, minute, second = match.group(1, 2, 3, 4)
    return _is_date(day) and int(hour) < 24 and int(minute) < 60 and int(second) < 60


def _is_date(value: object) -> bool:
    """RFC 3339 §5.6 ``full-date`` (JSON Schema ``date``)."""
    if not isinstance(value, str):
        return True
    if _FULL_DATE.match(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    """Assert ``date-time`` and ``date`` ourselves, so the result does not depend on which
    optional format packages happen to be installed; other formats are not asserted."""
    checker = FormatChecker(formats=())
    checker.checkers["date-time"] = (_is_date_time, ())
    checker.checkers["date"] = (_is_date, ())
    return checker


@cache
def _validator(kind: str) -> Validator:
    root = _ROOTS[kind]
    schema: Mapping[str, Any] = {"$ref": root} if "#" in root else _schema(root)
    validator = _PYTHON_VALIDATORS[_draft(kind)]
    return validator(schema, registry=_registry(), format_checker=_format_checker())


# --- the fast path -------------------------------------------------------------------------

_PATTERN_KEYWORD = "x-vckit-python-pattern"
# schema members whose values are maps of names to schemas (not keywords themselves)
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_I64 = range(-(2**63), 2**63)


class _PythonPattern:
    """``pattern`` as ``jsonschema`` evaluates it: ``re.search`` with Python's ``re``.

    The Rust validator's own regex engine differs from ``re`` in corner cases (``$`` before
    a final newline, what ``\\d`` matches), and inside ``oneOf`` any difference can flip
    the result either way, so the fast path uses the very same matching.
    """

    def __init__(self, parent_schema: object, value: str, schema_path: object) -> None:
        self._search = re.compile(value).search
        self._pattern = value

    def validate(self, instance: object) -> None:
        if isinstance(instance, str) and self._search(instance) is None:
            raise ValueError(f"{instance!r} does not match {self._pattern!r}")


def _with_python_patterns(node: Any, *, names: bool = False) -> Any:
    """A copy of a schema with every ``pattern`` keyword renamed to :data:`_PATTERN_KEYWORD`
    (``names``: ``node`` maps property names to schemas, so its keys are not keywords)."""
    if isinstance(node, dict):
        if names:
            return {key: _with_python_patterns(value) for key, value in node.items()}
        return {
            (_PATTERN_KEYWORD if key == "pattern" else key): _with_python_patterns(
                value, names=key in _SCHEMA_MAPS
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_with_python_patterns(item) for item in node]
    return node


def _refuse_retrieval(uri: str) -> Any:
    """Retriever for the Rust registry: the schema files are local; nothing is fetched."""
    raise SchemaError(f"schema retrieval is disabled, refusing {uri!r}")


@cache
def _fast_validator(kind: str) -> jsonschema_rs.Validator:
    """The Rust validator for ``kind``, configured like :func:`_validator`: the same draft,
    the local schema files of that draft only (``offline``; the registry's retriever refuses),
    ``format`` asserted for ``date-time`` and ``date`` by this module's own checkers."""
    draft = _draft(kind)
    copies = {
        schema_id: _with_python_patterns(_schema(schema_id))
        for schema_id, (_, file_draft) in _FILES.items()
        if file_draft == draft
    }
    registry = jsonschema_rs.Registry(
        copies.items(), draft=_RUST_DRAFTS[draft], retriever=_refuse_retrieval
    )
    root = _ROOTS[kind]
    schema: dict[str, Any] = {"$ref": root} if "#" in root else copies[root]
    validator = (
        jsonschema_rs.Draft4Validator if draft == "4" else jsonschema_rs.Draft201909Validator
    )
    return validator(
        schema,
        registry=registry,
        offline=True,
        validate_formats=True,
        ignore_unknown_formats=True,
        formats={"date-time": _is_date_time, "date": _is_date},
        keywords={_PATTERN_KEYWORD: _PythonPattern},
    )


def _plain_json(node: Any) -> bool:
    """Whether ``node`` holds only values both validators see alike: ``dict`` with ``str``
    keys, ``list``, ``str``, ``bool``, ``None``, 64-bit ``int`` and finite ``float`` (exact
    types; ``jsonschema`` treats e.g. a tuple or a non-``dict`` mapping differently).
    Loops, not ``all()`` over generators: this walk visits every value of every report."""
    kind = type(node)
    if kind is dict:
        for key, value in node.items():
            if type(key) is not str:
                return False
            if type(value) is not str and not _plain_json(value):
                return False
        return True
    if kind is list:
        for item in node:  # noqa: SIM110 - a loop: all() over a generator is slower
            if type(item) is not str and not _plain_json(item):
                return False
        return True
    if kind is str or kind is bool or node is None:
        return True
    if kind is int:
        return node in _I64
    if kind is float:
        return math.isfinite(node)
    return False


def _fast_is_valid(credential: object, kind: str) -> bool | None:
    """The Rust validator's verdict on ``credential`` against ``kind``'s schema (the same
    verdict as the Python validator's), or ``None`` when the document holds values outside
    plain JSON and only the Python validator may judge it."""
    if not _plain_json(credential):
        return None
    return _fast_validator(kind).is_valid(credential)


EXPLAINED_VALUES = 2_000
"""How many JSON values (objects, arrays, strings, numbers …) the Python validator may walk
to list the problems of the documents the fast validator rejected, for all the documents
sharing one :class:`Explaining` (``vckit.verify``: one for the credential, one for all the
credentials inside it).
Its walk costs about 60 µs a value (a 1.3 MB credential of 16,000 alignments with one wrong
date: 7 s of one verifier's CPU); a rejected document past what is left gets one problem at
its root saying so. The verdict is the fast validator's either way. 1EdTech's fullest OB 3.0
sample holds 545 values, their CLR sample 491."""


class Explaining:
    """The JSON values the Python validator may still walk to explain rejected documents:
    one for everything a verification checks (a credential, its endorsements, a CLR's
    nested credentials), so that many rejected parts cost no more than one."""

    def __init__(self, values: int = EXPLAINED_VALUES) -> None:
        self.left = values

    def take(self, document: object) -> bool:
        """Whether ``document`` fits in what is left (then it is taken from it)."""
        seen, stack = 1, [document]
        while stack and seen <= self.left:
            item = stack.pop()
            children: Collection[Any] = item.values() if type(item) is dict else item  # type: ignore[assignment]
            seen += len(children)
            stack.extend(c for c in children if type(c) is dict or type(c) is list)
        if seen > self.left:
            return False
        self.left -= seen
        return True


def _schema_problems(
    credential: Mapping[str, Any], kind: str, explaining: Explaining | None
) -> list[SchemaProblem]:
    """The JSON Schema problems in ``credential``: none if the fast validator accepts it,
    else the Python validator's errors, each explained by :func:`describe`, if the document
    fits in ``explaining`` (else one problem at the root)."""
    fast = _fast_is_valid(credential, kind)
    if fast:
        return []
    if fast is False and explaining is not None and not explaining.take(credential):
        message = (
            "does not match the schema; its problems are not listed one by one (more JSON "
            f"values than the {EXPLAINED_VALUES} explained for one verification)"
        )
        return [SchemaProblem("", message)]
    problems: list[SchemaProblem] = []
    try:
        for error in _validator(kind).iter_errors(credential):
            problems.extend(describe(error))
    except Unresolvable as exc:  # pragma: no cover - the copied schemas only use local refs
        raise SchemaError(f"schema reference could not be resolved: {exc}") from exc
    return problems


# --- public API ---------------------------------------------------------------------------


def schema_kind(credential: Mapping[str, Any]) -> str:
    """The schema that fits ``credential``: CLR, endorsement or achievement, VC 2.0 or VC 1.1."""
    types = types_of(credential)
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    legacy = first == VC_V1_CONTEXT
    if "ClrCredential" in types:
        return "ClrCredentialv1p1" if legacy else "ClrCredential"
    if "EndorsementCredential" in types:
        return "Endorsementv1p1" if legacy else "Endorsement"
    return "AchievementCredentialv1p1" if legacy else "AchievementCredential"


def validate(
    credential: Mapping[str, Any],
    *,
    kind: SchemaKind = "auto",
    explaining: Explaining | None = None,
) -> list[SchemaProblem]:
    """Every problem found in ``credential``, sorted by path; an empty list means valid.

    ``kind="auto"`` picks the schema with :func:`schema_kind`. Never raises for a bad
    document (a non-object is one problem at the root). ``explaining``: what is left of the
    values to explain the schema problems with (:class:`Explaining`); None: every problem of
    a document of any size is listed (the issuer's own credentials).
    """
    if not isinstance(credential, Mapping):
        return [SchemaProblem("", f"{short(credential)} is not of type 'object'")]
    chosen = schema_kind(credential) if kind == "auto" else kind
    if chosen not in _ROOTS:
        raise InputError(f"unknown schema kind {kind!r}")
    problems = _schema_problems(credential, chosen, explaining)
    if chosen.startswith("Clr"):
        problems.extend(_clr_rules(credential))
        return sorted(dict.fromkeys(problems), key=lambda problem: problem.path)
    endorsement = chosen.startswith("Endorsement")
    problems.extend(_type_rules(credential, endorsement=endorsement))
    problems.extend(_uri_rules(credential, ""))
    if not endorsement:
        problems.extend(_subject_rules(credential))
    return sorted(dict.fromkeys(problems), key=lambda problem: problem.path)


def ensure_valid(credential: Mapping[str, Any], *, kind: SchemaKind = "auto") -> None:
    """Raise :class:`SchemaError` listing every problem, or return if there is none."""
    problems = validate(credential, kind=kind)
    if problems:
        shown = "; ".join(str(problem) for problem in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SchemaError(
            f"schema validation failed: {shown}{more}",
            [(problem.path, problem.message) for problem in problems],
        )


@cache
def enumeration(definition: str, member: str) -> frozenset[str]:
    """The terms the AchievementCredential schema enumerates for ``definition.member``
    (e.g. ``("Alignment", "targetType")``); EnumExt vocabularies also allow ``ext:`` terms."""
    node: Any = _schema(ACHIEVEMENT_SCHEMA_ID)["$defs"][definition]["properties"][member]
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if isinstance(item.get("enum"), list):
                found.update(value for value in item["enum"] if isinstance(value, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return frozenset(found)


# --- rules the schema copy does not express ----------------------------------------------


def _require_types(
    document: object, path: list[str], required: Sequence[Sequence[str]]
) -> Iterator[SchemaProblem]:
    if not (type(document) is dict or isinstance(document, Mapping)) or "type" not in document:
        return
    present = types_of(document)
    for choices in required:
        for choice in choices:  # a loop: any() over a generator, per class, cost more
            if choice in present:
                break
        else:
            wanted = " or ".join(repr(choice) for choice in choices)
            message = f"{short(document['type'])} must include {wanted}"
            yield SchemaProblem(pointer([*path, "type"]), message)


def _type_rules(credential: Mapping[str, Any], *, endorsement: bool) -> Iterator[SchemaProblem]:
    """OB 3.0 class definitions: the ``type`` values each class MUST include (checked here
    because the adapted schema accepts any single string as ``type``)."""
    subject = credential.get("credentialSubject")
    if endorsement:
        yield from _require_types(
            credential, [], [["VerifiableCredential"], ["EndorsementCredential"]]
        )
        yield from _require_types(subject, ["credentialSubject"], [["EndorsementSubject"]])
        return
    yield from _require_types(
        credential,
        [],
        [["VerifiableCredential"], ["AchievementCredential", "OpenBadgeCredential"]],
    )
    yield from _require_types(subject, ["credentialSubject"], [["AchievementSubject"]])
    if isinstance(subject, Mapping):
        achievement = subject.get("achievement")
        path = ["credentialSubject", "achievement"]
        yield from _require_types(achievement, path, [["Achievement"]])


@lru_cache(maxsize=2048)
def _is_absolute_uri(value: str) -> bool:
    """``value`` matches :data:`_ABSOLUTE_URI`; remembered per string, as a batch repeats the
    same issuer, achievement and image URIs (a ``data:`` image runs to kilobytes) in every
    credential."""
    return _ABSOLUTE_URI.match(value) is not None


def _uri_rules(node: object, path: str) -> Iterator[SchemaProblem]:
    """OB 3.0 "URI" derived type: ``id`` and other URI-valued properties hold absolute URIs
    (RFC 3986 §4.3). ``@context`` values are not looked into; ``issuer`` may be a URI."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    _uri_problems(node, (), found)
    for here, message in found:
        yield SchemaProblem(path + pointer(here), message)


def _uri_problems(
    node: object, path: tuple[str | int, ...], found: list[tuple[tuple[str | int, ...], str]]
) -> None:
    """:func:`_uri_rules` with the path as keys (a pointer is written only for a problem),
    appended to ``found`` in document order; strings are passed over without a call."""
    if type(node) is not list and (type(node) is dict or isinstance(node, Mapping)):
        for key, value in node.items():
            kind = type(value)
            if key in _URI_KEYS or (key == "issuer" and kind is str):
                if kind is str or isinstance(value, str):
                    if not _is_absolute_uri(value):
                        found.append(((*path, key), f"{short(value)} is not an absolute URI"))
                    continue
                if key == "id":
                    found.append(((*path, key), f"{short(value)} is not a URI string"))
                    continue
            if kind is list:
                for element in value:  # a list of strings (types) has no URI member: no call
                    if type(element) is not str:
                        break
                else:
                    continue
            if kind is dict or kind is list:
                if key != "@context":
                    _uri_problems(value, (*path, key), found)
            elif kind is not str and not isinstance(value, SCALARS) and key != "@context":
                _uri_problems(value, (*path, key), found)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            kind = type(item)
            if kind is dict or kind is list or (kind is not str and not isinstance(item, SCALARS)):
                _uri_problems(item, (*path, index), found)


def _subject_rules(credential: Mapping[str, Any]) -> Iterator[SchemaProblem]:
    """OB 3.0 AchievementSubject: "Either ``id`` or at least one ``identifier`` MUST be
    supplied." (CLR 2.0 ClrSubject: "Either ``id`` or at least one ``identifier`` is
    required.")"""
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and "id" not in subject and not subject.get("identifier"):
        yield SchemaProblem(
            "/credentialSubject", "either 'id' or at least one 'identifier' is required"
        )


def _clr_rules(credential: Mapping[str, Any]) -> Iterator[SchemaProblem]:
    """CLR 2.0 ClrCredential: the ``type`` values the ClrCredential, its ClrSubject and each
    Achievement it lists MUST include (neither copy checks a single-string ``type``; the
    draft-04 rendering checks no ``type`` values at all), absolute URIs, and the subject's
    ``id`` or ``identifier``. The nested credentials are left out: each is checked in its own
    report."""
    yield from _require_types(credential, [], [["VerifiableCredential"], ["ClrCredential"]])
    subject = credential.get("credentialSubject")
    yield from _require_types(subject, ["credentialSubject"], [["ClrSubject"]])
    outer: Mapping[str, Any] = credential
    if isinstance(subject, Mapping):
        held = subject.get("achievement")
        if isinstance(held, list):
            for index, achievement in enumerate(held):
                path = ["credentialSubject", "achievement", str(index)]
                yield from _require_types(achievement, path, [["Achievement"]])
        else:
            path = ["credentialSubject", "achievement"]
            yield from _require_types(held, path, [["Achievement"]])
        own = {name: value for name, value in subject.items() if name != "verifiableCredential"}
        outer = {**credential, "credentialSubject": own}
    yield from _uri_rules(outer, "")
    yield from _subject_rules(credential)
