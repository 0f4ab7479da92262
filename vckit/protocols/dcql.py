"""Digital Credentials Query Language: parse a query and match credentials to it.

OpenID for Verifiable Presentations 1.0 (final), §6 (DCQL), §7 (claims path pointer),
Appendix B.1 (W3C Verifiable Credentials: formats ``ldp_vc`` and ``jwt_vc_json``, the
``type_values`` meta parameter) and Appendix B.3 (IETF SD-JWT VC: format ``dc+sd-jwt``, the
``vct_values`` meta parameter). Pure: the caller hands in each candidate credential as
JSON (for a VC-JWT, the credential inside it; for an SD-JWT VC, its claims with every
disclosure the holder has applied) with its fully expanded ``type`` IRIs
(:func:`expanded_types` computes them with the sealed JSON-LD contexts).

Which claims go is the holder's business after matching: a W3C credential secured with
``eddsa-rdfc-2022`` / ``ecdsa-rdfc-2019`` or a VC-JWT goes whole (§6.4.1, last paragraph);
an ecdsa-sd-2023 credential (derived) or an SD-JWT VC goes with the fields the holder
chose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyld import jsonld as pyld

from vckit.errors import DcqlQueryError
from vckit.jsonld.expansion import SealedLoader, _options, default_loader
from vckit.jsonld.failures import pyld_errors

W3C_FORMATS = ("ldp_vc", "jwt_vc_json")
SD_JWT_VC_FORMAT = "dc+sd-jwt"  # Appendix B.3
_ID = re.compile(r"[A-Za-z0-9_-]+")  # §6.1 / §6.3: alphanumeric, underscore, hyphen
PathComponent = str | int | None
ClaimValue = str | int | bool


@dataclass(frozen=True)
class ClaimsQuery:
    """§6.3: a claim by its path, optionally with the values it must have."""

    path: tuple[PathComponent, ...]
    id: str | None = None
    values: tuple[ClaimValue, ...] | None = None


@dataclass(frozen=True)
class CredentialQuery:
    """§6.1: one requested credential."""

    id: str
    format: str
    meta: Mapping[str, Any]
    multiple: bool = False
    claims: tuple[ClaimsQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    require_cryptographic_holder_binding: bool = True


@dataclass(frozen=True)
class CredentialSetQuery:
    """§6.2: alternatives (``options``) of credential query ids satisfying one use case."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True


@dataclass(frozen=True)
class DcqlQuery:
    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def query(self, query_id: str) -> CredentialQuery:
        return next(q for q in self.credentials if q.id == query_id)


@dataclass(frozen=True)
class Candidate:
    """A credential the holder has: ``credential`` is the VC as JSON (for ``jwt_vc_json``
    the credential inside the JWT); ``types`` its fully expanded ``type`` IRIs."""

    id: str
    format: str
    credential: Mapping[str, Any]
    types: frozenset[str]


@dataclass(frozen=True)
class Evaluation:
    """What the holder's credentials make of a query: the candidates matching each
    credential query, the ids to answer (§6.4.2), and whether the query is satisfied."""

    matches: Mapping[str, tuple[Candidate, ...]]
    selected: tuple[str, ...]
    satisfied: bool


# --- §6: parsing ------------------------------------------------------------------------------


def _fail(where: str, message: str) -> DcqlQueryError:
    return DcqlQueryError(f"DCQL {where}: {message}")


def _identifier(value: object, where: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _fail(where, "must be a non-empty string of letters, digits, '_' or '-'")
    return value


def _non_empty_list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "must be a non-empty array")
    return value


def _boolean(value: object, default: bool, where: str) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(where, "must be a boolean")
    return value


def parse_claims_path(value: object, where: str) -> tuple[PathComponent, ...]:
    """§7: a non-empty array of strings, nulls and non-negative integers."""
    path = _non_empty_list(value, where)
    for component in path:
        ok = component is None or isinstance(component, str)
        ok = ok or (type(component) is int and component >= 0)
        if not ok:
            raise _fail(where, f"{component!r} is not a string, null or non-negative integer")
    return tuple(path)


def parse_claims_query(value: object, where: str, need_id: bool) -> ClaimsQuery:
    """§6.3."""
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    claim_id = value.get("id")
    if claim_id is not None or need_id:
        claim_id = _identifier(claim_id, f"{where}.id (required with claim_sets)")
    values = None
    if "values" in value:
        values = tuple(_non_empty_list(value["values"], f"{where}.values"))
        if not all(isinstance(v, str | int | bool) for v in values):
            raise _fail(f"{where}.values", "holds strings, integers or booleans only")
    return ClaimsQuery(parse_claims_path(value.get("path"), f"{where}.path"), claim_id, values)


def parse_credential_query(value: object, where: str) -> CredentialQuery:
    """§6.1 (and Appendix B.1.1 ``type_values`` for the W3C formats)."""
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    query_id = _identifier(value.get("id"), f"{where}.id")
    fmt = value.get("format")
    if not isinstance(fmt, str) or not fmt:
        raise _fail(f"{where}.format", "is required (a Credential Format Identifier)")
    meta = value.get("meta")
    if not isinstance(meta, dict):
        raise _fail(f"{where}.meta", "is required (an object, possibly empty)")
    if fmt in W3C_FORMATS:
        type_values = _non_empty_list(meta.get("type_values"), f"{where}.meta.type_values")
        for i, alternative in enumerate(type_values):
            types = _non_empty_list(alternative, f"{where}.meta.type_values[{i}]")
            if not all(isinstance(t, str) for t in types):
                raise _fail(f"{where}.meta.type_values[{i}]", "holds strings only")
    if fmt == SD_JWT_VC_FORMAT:  # B.3.5: vct_values, a non-empty array of strings
        vct_values = _non_empty_list(meta.get("vct_values"), f"{where}.meta.vct_values")
        if not all(isinstance(v, str) for v in vct_values):
            raise _fail(f"{where}.meta.vct_values", "holds strings only")
    has_sets = "claim_sets" in value
    claims = None
    if "claims" in value:
        items = _non_empty_list(value["claims"], f"{where}.claims")
        claims = tuple(
            parse_claims_query(c, f"{where}.claims[{i}]", has_sets) for i, c in enumerate(items)
        )
        ids = [c.id for c in claims if c.id is not None]
        if len(ids) != len(set(ids)):
            raise _fail(f"{where}.claims", "the same claim id appears twice")
    claim_sets = None
    if has_sets:
        if claims is None:
            raise _fail(f"{where}.claim_sets", "must not be present without claims")
        known = {c.id for c in claims}
        sets = _non_empty_list(value["claim_sets"], f"{where}.claim_sets")
        claim_sets = tuple(tuple(_non_empty_list(s, f"{where}.claim_sets")) for s in sets)
        for option in claim_sets:
            if not all(isinstance(i, str) and i in known for i in option):
                raise _fail(f"{where}.claim_sets", f"{list(option)} names an unknown claim id")
    return CredentialQuery(
        query_id,
        fmt,
        meta,
        _boolean(value.get("multiple"), False, f"{where}.multiple"),
        claims,
        claim_sets,
        _boolean(
            value.get("require_cryptographic_holder_binding"),
            True,
            f"{where}.require_cryptographic_holder_binding",
        ),
    )


def parse_query(value: object) -> DcqlQuery:
    """§6: a DCQL query object; DcqlQueryError naming the first broken part. Unknown
    properties are ignored (§6, note)."""
    if not isinstance(value, dict):
        raise _fail("query", "must be a JSON object")
    items = _non_empty_list(value.get("credentials"), "credentials")
    credentials = tuple(parse_credential_query(q, f"credentials[{i}]") for i, q in enumerate(items))
    ids = [q.id for q in credentials]
    if len(ids) != len(set(ids)):
        raise _fail("credentials", "the same credential query id appears twice")
    sets = None
    if "credential_sets" in value:
        sets_list = _non_empty_list(value["credential_sets"], "credential_sets")
        parsed = []
        for i, item in enumerate(sets_list):
            where = f"credential_sets[{i}]"
            if not isinstance(item, dict):
                raise _fail(where, "must be an object")
            options = _non_empty_list(item.get("options"), f"{where}.options")
            opts = tuple(tuple(_non_empty_list(o, f"{where}.options")) for o in options)
            for option in opts:
                if not all(isinstance(i, str) and i in ids for i in option):
                    raise _fail(f"{where}.options", f"{list(option)} names an unknown query id")
            parsed.append(
                CredentialSetQuery(opts, _boolean(item.get("required"), True, f"{where}.required"))
            )
        sets = tuple(parsed)
    return DcqlQuery(credentials, sets)


# --- §7: claims path pointer ------------------------------------------------------------------


def select_claims(credential: Any, path: Sequence[PathComponent]) -> list[Any] | None:
    """§7.1.1 processing for JSON-based credentials: the selected elements, or None where
    the spec says "abort processing and return an error" (a step applied to the wrong
    kind of element, or nothing selected at the end)."""
    selected: list[Any] = [credential]
    for component in path:
        if isinstance(component, str):
            if not all(isinstance(e, dict) for e in selected):
                return None
            selected = [e[component] for e in selected if component in e]
        elif component is None:
            if not all(isinstance(e, list) for e in selected):
                return None
            selected = [item for e in selected for item in e]
        elif type(component) is int and component >= 0:
            if not all(isinstance(e, list) for e in selected):
                return None
            selected = [e[component] for e in selected if component < len(e)]
        else:
            return None
    return selected or None


# --- §6.4: selecting claims and credentials ---------------------------------------------------


def _same_value(claim: object, wanted: ClaimValue) -> bool:
    """§6.3 ``values``: type AND value match exactly (True is not 1)."""
    return type(claim) is type(wanted) and claim == wanted


def claim_matches(claim: ClaimsQuery, credential: Mapping[str, Any]) -> bool:
    """§6.3 / §6.4.1: the path selects something; with ``values``, one selected element
    equals one of them (a non-matching claim is treated as absent)."""
    found = select_claims(credential, claim.path)
    if found is None:
        return False
    wanted = claim.values
    return wanted is None or any(_same_value(e, w) for e in found for w in wanted)


def selected_claims(
    query: CredentialQuery, credential: Mapping[str, Any]
) -> tuple[ClaimsQuery, ...] | None:
    """§6.4.1: the claims to deliver, or None when the credential cannot deliver them.
    No ``claims``: the full credential (empty tuple). ``claims`` only: all of them.
    ``claim_sets``: the first option whose claims all match."""
    if query.claims is None:
        return ()
    if query.claim_sets is None:
        ok = all(claim_matches(c, credential) for c in query.claims)
        return query.claims if ok else None
    by_id = {c.id: c for c in query.claims}
    for option in query.claim_sets:
        chosen = tuple(by_id[i] for i in option)
        if all(claim_matches(c, credential) for c in chosen):
            return chosen
    return None


def type_values_match(query: CredentialQuery, types: frozenset[str]) -> bool:
    """Appendix B.1.1 ``type_values``: one alternative whose types all appear among the
    credential's expanded types (any order, extra types allowed)."""
    return any(set(alternative) <= types for alternative in query.meta.get("type_values", ()))


def vct_values_match(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """Appendix B.3.5 ``vct_values``: the SD-JWT VC's ``vct`` is one of them (inherited
    types are not followed: type metadata is not fetched)."""
    return credential.get("vct") in query.meta.get("vct_values", ())


def candidate_matches(query: CredentialQuery, candidate: Candidate) -> bool:
    """One credential against one credential query: same format, meta, claims. The W3C
    formats and ``dc+sd-jwt`` are matched; any other format matches nothing held here."""
    if candidate.format != query.format:
        return False
    if query.format in W3C_FORMATS:
        if not type_values_match(query, candidate.types):
            return False
    elif query.format == SD_JWT_VC_FORMAT:
        if not vct_values_match(query, candidate.credential):
            return False
    else:
        return False
    return selected_claims(query, candidate.credential) is not None


def option_satisfied(option: Sequence[str], matches: Mapping[str, Sequence[Candidate]]) -> bool:
    return all(matches.get(query_id) for query_id in option)


def select_queries(
    query: DcqlQuery, matches: Mapping[str, Sequence[Candidate]]
) -> tuple[tuple[str, ...], bool]:
    """§6.4.2: the credential query ids to answer and whether every non-optional part is
    satisfied. Without ``credential_sets`` every query is required; with them, each set's
    first satisfiable option is taken (required sets must have one, optional ones may)."""
    if query.credential_sets is None:
        ids = tuple(q.id for q in query.credentials)
        return ids, all(matches.get(i) for i in ids)
    chosen: list[str] = []
    satisfied = True
    for credential_set in query.credential_sets:
        option = next((o for o in credential_set.options if option_satisfied(o, matches)), None)
        if option is None:
            satisfied = satisfied and not credential_set.required
            continue
        chosen.extend(i for i in option if i not in chosen)
    return tuple(chosen), satisfied


def evaluate(query: DcqlQuery, candidates: Sequence[Candidate]) -> Evaluation:
    """Match every credential query against the holder's credentials (§6.4)."""
    matches = {
        q.id: tuple(c for c in candidates if candidate_matches(q, c)) for q in query.credentials
    }
    selected, satisfied = select_queries(query, matches)
    return Evaluation(matches, selected if satisfied else (), satisfied)


# --- expanded types (Appendix B.1.1) -----------------------------------------------------------


def expanded_types(
    credential: Mapping[str, Any], loader: SealedLoader | None = None
) -> frozenset[str]:
    """The credential's ``type`` values as IRIs, "after applying the @context" (Appendix
    B.1.1): JSON-LD expansion of ``{"@context": ..., "type": ...}`` with the sealed
    contexts. A type no context defines stays as written. JsonLdError (e.g. an unknown
    context) when the context cannot be applied: the types are then unknown."""
    loader = loader or default_loader()
    shell = {"@context": credential.get("@context"), "type": credential.get("type")}
    with loader.lock, pyld_errors("applying the credential's @context"):
        expanded = pyld.expand(shell, _options(loader))
    found: set[str] = set()
    for node in expanded:
        found.update(t for t in node.get("@type", ()) if isinstance(t, str))
    return frozenset(found)
