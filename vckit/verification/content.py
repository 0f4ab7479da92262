"""Checks on what a credential says, whatever secures it: format, validity period, status,
schema (:func:`content_checks` runs them all).

Each check function returns one ``Check`` (or ``None`` when the check does not apply) and
never raises for a problem with the credential: a problem is a ``fail``, and anything
that stopped us from looking is ``could-not-check`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from vckit import ob as openbadges
from vckit.credential import issuer_id, types_of
from vckit.data_model import violations
from vckit.datetimes import parse_xsd_datetime
from vckit.errors import (
    DateTimeError,
    DidFetchNotAllowedError,
    JsonLdError,
    JsonLdSyntaxError,
    JwtClaimsError,
    StatusListUnverifiedError,
    UnsafeContextError,
    VckitError,
)
from vckit.jose.claims import claim_date
from vckit.jsonld import policy
from vckit.jsonld.contexts import VC_V2_CONTEXT
from vckit.jsonld.expansion import SealedLoader
from vckit.ob.schema import Explaining, schema_kind
from vckit.related_resources import digest_matches
from vckit.report import FAIL, PASS, UNCHECKED, Check
from vckit.status import revocation_list, status_list
from vckit.verification.hidden import absence_checks
from vckit.verification.options import VerifyOptions

StatusFetch = Callable[[str], Mapping[str, Any]]
"""Given a status list credential URL, return that credential *verified* (or raise)."""

NOT_CONFORMANT = "not conformant to 1EdTech's {spec} schema (a matter of form, not of who signed)"
"""How a schema failure reads: the document's form is wrong, which says nothing about forgery."""
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
CLR_TYPES = frozenset({"ClrCredential"})
REVOKING_PURPOSES = frozenset({"revocation", "suspension"})
"""Purposes whose set bit makes a credential fail; a ``message`` bit only informs."""


def data_model(credential: Mapping[str, Any], loader: SealedLoader | None = None) -> Check:
    """What every credential must have, whatever its securing mechanism: the VC Data Model
    rules of :func:`vckit.data_model.violations` (the same the issuer applies before it
    signs), and contexts that process (:mod:`vckit.jsonld.policy`: no protected term
    redefined). An inline ``@vocab``/``@base`` is allowed by JSON-LD and VC 2.0 (§ 5.2 even
    offers one; the W3C ecdsa-sd-2023 vectors carry one), so it is said, not failed: terms no
    context defines then pass under it. Our issuer never signs one
    (:func:`vckit.jsonld.policy.check_signable`)."""
    problems = []
    context_problem, context_unchecked, found = _context_problem(credential, loader)
    if context_problem:
        problems.append(context_problem)
    problems.extend(str(v) for v in violations(credential))
    if problems:
        return Check("format", FAIL, "; ".join(problems))
    if context_unchecked:
        return Check("format", UNCHECKED, context_unchecked)
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    version = "2.0" if first == VC_V2_CONTEXT else "1.1"
    detail = f"a VC {version} credential with an issuer and a subject"
    try:
        policy.check_inline_contexts(credential, found)
    except UnsafeContextError as exc:
        detail += f"; note: {exc}"
    return Check("format", PASS, detail)


def related_resources(credential: Mapping[str, Any]) -> Check | None:
    """VC DM 2.0 §5.3: each ``relatedResource`` digest against the bytes W3C publishes, for
    the resources whose exact bytes we hold (:mod:`vckit.related_resources`). A mismatch
    fails, naming the resource (the ``format`` check names the member too: it is the same
    rule). A resource we do not hold is could-not-check and advisory: we neither fetch nor
    use it, and §5.3 binds "a conforming verifier implementation that makes use of a
    resource". ``None`` without ``relatedResource`` or with no readable item (``format``
    says why)."""
    value = credential.get("relatedResource")
    matched, mismatched, unheld = [], [], []
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            continue
        url = item["id"]
        answers = [
            digest_matches(url, member, item[member])
            for member in ("digestSRI", "digestMultibase")
            if member in item
        ]
        if False in answers:
            mismatched.append(url)
        elif answers and all(answers):
            matched.append(url)
        else:
            unheld.append(url)
    if mismatched:
        return Check(
            "related-resources",
            FAIL,
            f"the digest given for {', '.join(mismatched)} does not match the resource as "
            "W3C publishes it (VC Data Model 2.0 §5.3)",
        )
    if unheld:
        return Check(
            "related-resources",
            UNCHECKED,
            f"could not check the digest of {', '.join(unheld)}: resources are never fetched "
            "and we do not hold these bytes",
            advisory=True,
        )
    if matched:
        return Check("related-resources", PASS, f"digests match {', '.join(matched)}")
    return None


def _context_problem(
    credential: Mapping[str, Any], loader: SealedLoader | None
) -> tuple[str | None, str | None, policy.Contexts | None]:
    """Why the credential's own contexts are refused (first), or why they could not be
    looked at (second), and the contexts found (read once for both context checks). A
    context we cannot load is not the credential's fault here (the proof check says
    could-not-check)."""
    found = None
    try:
        found = policy.contexts(credential)
        policy.check_contexts(credential, loader, found)
    except JsonLdSyntaxError as exc:
        return str(exc), None, found
    except JsonLdError:
        return None, None, found
    except Exception as exc:  # pyld broke on it: that is never a pass
        return None, f"its @context could not be processed ({type(exc).__name__})", found
    return None, None, found


def validity_period(
    credential: Mapping[str, Any],
    now: datetime,
    extra_bounds: tuple[datetime | None, datetime | None] = (None, None),
) -> Check:
    """VC 2.0 §4.9 validFrom/validUntil (VC 1.1 issuanceDate/expirationDate), plus JWT nbf/exp."""
    v2 = "validFrom" in credential or "validUntil" in credential
    start_field, end_field = (
        ("validFrom", "validUntil") if v2 else ("issuanceDate", "expirationDate")
    )

    def read(name: str) -> datetime | None:
        if name not in credential:
            return None
        return parse_xsd_datetime(credential[name], name, require_timezone=v2)

    try:
        start, end = read(start_field), read(end_field)
    except DateTimeError as exc:
        return Check("validity-period", FAIL, str(exc))
    jwt_start, jwt_end = extra_bounds
    if start is not None and now < start:
        return Check("validity-period", FAIL, f"not valid until {start.isoformat()}")
    if jwt_start is not None and now < jwt_start:
        return Check("validity-period", FAIL, f"JWT not valid before {jwt_start.isoformat()}")
    if end is not None and now >= end:
        return Check("validity-period", FAIL, f"expired at {end.isoformat()}")
    if jwt_end is not None and now >= jwt_end:
        return Check("validity-period", FAIL, f"JWT expired at {jwt_end.isoformat()}")
    if start is None and end is None and jwt_start is None and jwt_end is None:
        return Check("validity-period", PASS, "no validity period stated; valid at any time")
    parts = []
    if start is not None:
        parts.append(f"valid from {start.isoformat()}")
    if end is not None:
        parts.append(f"until {end.isoformat()}")
    if not parts:
        parts.append("JWT time claims hold")
    return Check("validity-period", PASS, " ".join(parts) + f" (checked at {now.isoformat()})")


def _entries(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = credential.get("credentialStatus")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def status(
    credential: Mapping[str, Any],
    fetch: StatusFetch | None,
    fetch_raw: Callable[[str], bytes] | None = None,
) -> Check:
    """Bitstring Status List v1.0 §3.2 validate algorithm (and StatusList2021), every entry;
    1EdTech Revocation List entries (:mod:`vckit.status.revocation_list`) too, read through
    ``fetch_raw`` (that list is plain JSON, not a credential to verify).

    A revoked or suspended entry fails; the detail adds what any ``message`` entry says
    (e.g. why the issuer revoked it, Bitstring Status List §2.1 ``statusMessage``); a
    ``message`` entry alone never fails. An entry we cannot check — no fetch allowed, an
    unknown status type, a list that cannot be fetched or does not verify, a list issued by
    someone other than the credential's issuer — makes the check ``could-not-check``; it is
    never passed over.
    """
    if "credentialStatus" not in credential:
        return Check("status", PASS, "no credentialStatus: the issuer offers no revocation")
    entries = _entries(credential)
    if not entries:
        return Check("status", FAIL, "credentialStatus is not an object or list of objects")
    found: list[str] = []
    unchecked: list[str] = []
    failed: str | None = None
    for entry in entries:
        entry_types = types_of(entry)
        if revocation_list.ENTRY_TYPE in entry_types:
            finding = _revocation_list_entry(credential, entry, fetch_raw)
            if finding.status == FAIL:
                failed = failed or finding.detail
                continue
            (found if finding.status == PASS else unchecked).append(finding.detail)
            continue
        if not status_list.ENTRY_TYPES.intersection(entry_types):
            unchecked.append(f"status type {entry.get('type')!r} is not supported")
            continue
        url = entry.get("statusListCredential")
        if fetch is None:
            unchecked.append(f"fetching the status list {url} is not allowed")
            continue
        try:
            list_credential = fetch(str(url))
            list_issuer = issuer_id(list_credential)
            if list_issuer != issuer_id(credential):
                unchecked.append(
                    f"the status list {url} is issued by {list_issuer}, "
                    f"not by the credential's issuer {issuer_id(credential)}"
                )
                continue
            result = status_list.check_entry(entry, list_credential)
        except VckitError as exc:
            unchecked.append(f"status list {url}: {exc}")
            continue
        except Exception as exc:  # a fetch callback may raise anything
            unchecked.append(f"status list {url} could not be fetched: {exc}")
            continue
        if result.is_set and result.purpose in REVOKING_PURPOSES:
            failed = failed or f"{result.purpose}: the issuer set index {result.index} in {url}"
            continue
        found.append(_status_found(result, str(url)))
    if failed is not None:  # with what the other entries say (a message entry: why)
        messages = [text for text in found if text.startswith("message ")]
        return Check("status", FAIL, "; ".join([failed, *messages]))
    if unchecked:
        return Check("status", UNCHECKED, "; ".join(unchecked))
    return Check("status", PASS, "; ".join(found))


def _status_found(result: status_list.StatusResult, url: str) -> str:
    """What one entry says: a bit set or not, or (``statusSize`` > 1, ``message`` purpose) the
    status value with its ``statusMessage`` and where its meaning is described."""
    message = f" ({result.message})" if result.message else ""
    if result.size == 1 and result.purpose != "message":
        state = "set" if result.is_set else "not set"
        return f"{result.purpose} bit {result.index} {state}{message}"
    told = f": {result.message}" if result.message else ""
    seen = f" (see {', '.join(result.references)})" if result.references else ""
    return (
        f"{result.purpose} status {hex(result.value)} at index {result.index} of {url}{told}{seen}"
    )


def _revocation_list_entry(
    credential: Mapping[str, Any],
    entry: Mapping[str, Any],
    fetch_raw: Callable[[str], bytes] | None,
) -> Check:
    url = entry.get("id")
    if not isinstance(url, str):
        return Check("status", FAIL, "a 1EdTechRevocationList entry has no list URL ('id')")
    if fetch_raw is None:
        return Check("status", UNCHECKED, f"fetching the revocation list {url} is not allowed")
    try:
        listed = revocation_list.read_list(fetch_raw(url))
        found = revocation_list.check(credential.get("id"), issuer_id(credential), listed)
    except VckitError as exc:
        return Check("status", UNCHECKED, f"revocation list {url}: {exc}")
    except Exception as exc:  # a fetch callback may raise anything
        return Check("status", UNCHECKED, f"revocation list {url} could not be fetched: {exc}")
    if found.revoked:
        because = f": {found.reason}" if found.reason else ""
        return Check("status", FAIL, f"revocation: the issuer's list {url} revokes it{because}")
    return Check("status", PASS, f"not in the issuer's revocation list {url} (unsigned JSON)")


def schema(credential: Mapping[str, Any], explaining: Explaining | None = None) -> Check | None:
    """OB 3.0 AchievementCredentials and CLR 2.0 ClrCredentials are validated against
    1EdTech's JSON Schema for their class (``vckit.ob.schema`` picks it from the type and the
    VC version); others are not checked. A CLR's nested credentials get their own check in
    their own reports."""
    types = types_of(credential)
    if CLR_TYPES.intersection(types):
        spec = "CLR 2.0"
        legacy = schema_kind(credential) == "ClrCredentialv1p1"
        name = "the CLR 2.0 ClrCredential schema" + (" (VC 1.1 shape)" if legacy else "")
    elif OB3_TYPES.intersection(types):
        spec, name = "OB 3.0", "the OB 3.0 AchievementCredential schema"
    else:
        return None
    try:
        problems = openbadges.validate(credential, explaining=explaining)
    except VckitError as exc:
        return Check("schema", UNCHECKED, f"schema validation could not run: {exc}")
    if not problems:
        return Check("schema", PASS, f"valid against {name}")
    shown = "; ".join(f"{p.path or '/'}: {p.message}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return Check("schema", FAIL, f"{NOT_CONFORMANT.format(spec=spec)}: {shown}{more}")


# --- all of them ------------------------------------------------------------------------------


def content_checks(
    credential: Mapping[str, Any],
    options: VerifyOptions,
    jwt_bounds: tuple[datetime | None, datetime | None] = (None, None),
    *,
    hideable: str | None = None,
) -> list[Check]:
    """What the credential says, whatever secures it: format, validity period, status and
    (for OB 3.0 and CLR 2.0) schema. ``hideable`` names the selective-disclosure format when
    the holder could have withheld ``credentialStatus`` / ``validUntil``
    (``vckit.verification.hidden``)."""
    found = [
        data_model(credential, options.loader),
        validity_period(credential, options.clock(), jwt_bounds),
    ]
    related = related_resources(credential)
    if related is not None:
        found.append(related)
    if options.check_status:
        fetch = (
            _status_fetcher(options) if options.fetch_status_list and options.verify_inner else None
        )
        found.append(status(credential, fetch, options.fetch_status_list))
    schema_check = schema(credential, options.explaining or Explaining())
    if schema_check is not None:
        found.append(schema_check)
    return absence_checks(
        found,
        credential,
        options.always_disclosed,
        hideable=hideable,
        end_claim=jwt_bounds[1] is not None,
    )


def jwt_content_checks(
    credential: Mapping[str, Any],
    payload: Mapping[str, Any],
    options: VerifyOptions,
    *,
    hideable: str | None = None,
) -> list[Check]:
    """The content checks of a JWT-secured credential: its ``nbf``/``exp`` bound the validity
    period too (VC-JWT, SD-JWT VC)."""
    try:
        bounds = (claim_date(payload, "nbf"), claim_date(payload, "exp"))
    except JwtClaimsError as exc:
        return [Check("validity-period", FAIL, str(exc))]
    return content_checks(credential, options, bounds, hideable=hideable)


def _status_fetcher(options: VerifyOptions) -> StatusFetch:
    """Fetch a status list credential and accept it only if it verifies itself."""
    fetch = options.fetch_status_list
    verify = options.verify_inner
    inner = replace(options, check_status=False)

    remember = options.remember_status_list

    def verified(body: bytes) -> Mapping[str, Any]:
        if verify is None:  # guarded by the caller; kept for the type checker
            raise DidFetchNotAllowedError("status list fetch not allowed")
        report = verify(body, inner)
        required = ("format", "proof", "issuer-key", "validity-period")
        bad = [c for c in report.checks if c.id in required and c.status != PASS]
        missing = set(required) - {c.id for c in report.checks}
        if report.kind != "credential" or bad or missing or report.document is None:
            raise StatusListUnverifiedError(
                "the status list credential does not verify: "
                + "; ".join(f"{c.id} {c.status}: {c.detail}" for c in bad)
            )
        return report.document

    def fetch_verified(url: str) -> Mapping[str, Any]:
        if fetch is None:  # guarded by the caller; kept for the type checker
            raise DidFetchNotAllowedError("status list fetch not allowed")
        body = fetch(url)
        if remember is None:
            return verified(body)
        return remember(url, body, lambda: verified(body))

    return fetch_verified
