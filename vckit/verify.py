"""Verify anything: a credential or presentation, JSON-LD with Data Integrity (ecdsa-sd-2023
base and derived proofs included), a VC-JWT, or an SD-JWT VC (``vckit.sd_verify``; compact or
RFC 9901 §8 JWS JSON serialized, via ``vckit.sd_jwt_json``).

``verify(data, options)`` returns a ``Report`` of named checks (see ``vckit.report``):

============== ===========================================================================
proof          the signature over the document verifies with the key it names, unexpired
issuer-key     that key belongs to the issuer: listed in its DID document for
               assertionMethod (holder-key: the holder's, for authentication)
format         the VC data model's required parts: VC context, type, issuer, subject
validity-period validFrom / validUntil (and JWT nbf / exp) hold at ``now``
status         no status entry says revoked or suspended (the list fetched, verified and
               issued by the credential's own issuer)
schema         an OB 3.0 credential matches 1EdTech's JSON Schema
holder-binding a presentation is signed by its holder, the subject of its credentials
               (SD-JWT: a Key Binding JWT signed with the ``cnf`` key)
challenge      a presentation's proof carries the verifier's challenge (SD-JWT: ``nonce``)
domain         a presentation's proof carries the verifier's domain (SD-JWT: ``aud``)
disclosures    SD-JWT: every disclosure matches a digest the issuer signed (RFC 9901 §7.1)
============== ===========================================================================

A selectively disclosed credential's report also says what was shown (``Report.disclosure``):
the fields revealed, how many SD-JWT digests stayed hidden, the known fields absent.

Network access is never taken: did:web resolution goes through the ``DidResolver``'s
fetch, status lists through ``options.fetch_status_list``; when they are missing the
check says *could not check*, never *pass*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from vckit import (
    checks,
    ecdsa_sd,
    hidden_members,
    jose,
    jwt_claims,
    presentation_checks,
    sd_fields,
    sd_jwt_json,
)
from vckit.credential import issuer_id, types_of
from vckit.did import DidResolver
from vckit.document import check_object_depth, read_input
from vckit.errors import (
    DidFetchNotAllowedError,
    DidResolutionError,
    InputError,
    InvalidSignatureError,
    JoseError,
    JwtClaimsError,
    StatusListUnverifiedError,
    UnsupportedDidMethodError,
    UnsupportedFormatError,
    VckitError,
    VerificationMethodNotFoundError,
)
from vckit.jsonld import SealedLoader
from vckit.proof_checks import check_proofs
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report

MAX_CREDENTIALS = 50
"""A presentation with more credentials than this is refused (each is verified in full)."""

StatusListFetch = Callable[[str], bytes]
"""Given a status list credential URL, return the raw response body (or raise)."""


@dataclass(frozen=True)
class VerifyOptions:
    """What the caller allows and expects. The defaults take nothing from the network."""

    resolver: DidResolver = field(default_factory=DidResolver)
    fetch_status_list: StatusListFetch | None = None
    now: datetime | None = None
    challenge: str | None = None
    domain: str | None = None
    loader: SealedLoader | None = None
    check_status: bool = True
    always_disclosed: Callable[[str], frozenset[str]] | None = None
    """Given an issuer id, the top-level members ("credentialStatus", "validUntil") a trusted
    registry attests it makes mandatory in every selectively disclosable credential: their
    absence from a derived / SD-JWT credential then means "never issued", not "withheld"."""

    def __post_init__(self) -> None:
        if self.now is not None and self.now.tzinfo is None:
            raise InputError("VerifyOptions.now must carry a time zone")

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)


def verify(data: str | bytes | Mapping[str, Any], options: VerifyOptions | None = None) -> Report:
    """Verify a credential or presentation in any supported format.

    Raises ``InputError`` subclasses for input that is not a credential at all (not
    JSON, too large, too deep, no VC type); everything else becomes a check in the report.
    """
    options = options or VerifyOptions()
    if isinstance(data, Mapping):
        check_object_depth(data)
        return _verify_json(data, options)
    parsed = read_input(data)
    if parsed.format == "json" and parsed.json is not None:
        return _verify_json(parsed.json, options)
    if parsed.format == "jwt" and parsed.text is not None:
        return verify_jwt_credential(parsed.text, options)
    if parsed.format == "sd-jwt" and parsed.text is not None:
        from vckit import sd_verify  # it builds on this module's content checks

        return sd_verify.verify_sd_jwt(parsed.text, options)
    raise UnsupportedFormatError("input is not a credential format vckit reads")


def _verify_json(document: Mapping[str, Any], options: VerifyOptions) -> Report:
    if sd_jwt_json.is_json_sd_jwt(document):  # RFC 9901 §8: the same SD-JWT, in JWS JSON
        from vckit import sd_verify

        return sd_verify.verify_sd_jwt(sd_jwt_json.to_compact(document), options)
    types = types_of(document)
    if "VerifiablePresentation" in types:
        return verify_presentation(document, options)
    if "VerifiableCredential" in types:
        return verify_credential(document, options)
    raise UnsupportedFormatError(
        "the JSON document's type has neither VerifiableCredential nor VerifiablePresentation"
    )


# --- credentials ----------------------------------------------------------------------------


def verify_credential(credential: Mapping[str, Any], options: VerifyOptions) -> Report:
    """A JSON-LD credential secured with Data Integrity proofs."""
    finding = check_proofs(
        credential,
        purpose="assertionMethod",
        controller=issuer_id(credential),
        resolver=options.resolver,
        now=options.clock(),
        loader=options.loader,
    )
    derived = any(ecdsa_sd.proof_kind(proof) == "derived" for proof in finding.proofs)
    content = content_checks(credential, options, hideable="ecdsa-sd-2023" if derived else None)
    view = {key: value for key, value in credential.items() if key != "proof"}
    return Report(
        kind="credential",
        format=finding.suites,
        checks=(finding.proof, finding.key, *content),
        document=dict(credential),
        disclosure=sd_fields.ecdsa_sd_disclosure(view) if derived else None,
    )


def content_checks(
    credential: Mapping[str, Any],
    options: VerifyOptions,
    jwt_bounds: tuple[datetime | None, datetime | None] = (None, None),
    *,
    hideable: str | None = None,
) -> list[Check]:
    """What the credential says, whatever secures it: format, validity period, status and
    (for OB 3.0) schema. ``hideable`` names the selective-disclosure format when the holder
    could have withheld ``credentialStatus`` / ``validUntil`` (``vckit.hidden_members``)."""
    found = [
        checks.data_model(credential),
        checks.validity_period(credential, options.clock(), jwt_bounds),
    ]
    if options.check_status:
        fetch = _status_fetcher(options) if options.fetch_status_list else None
        found.append(checks.status(credential, fetch))
    schema_check = checks.schema(credential)
    if schema_check is not None:
        found.append(schema_check)
    return hidden_members.absence_checks(
        found,
        credential,
        options.always_disclosed,
        hideable=hideable,
        end_claim=jwt_bounds[1] is not None,
    )


def _status_fetcher(options: VerifyOptions) -> checks.StatusFetch:
    """Fetch a status list credential and accept it only if it verifies itself."""
    fetch = options.fetch_status_list
    inner = replace(options, check_status=False)

    def fetch_verified(url: str) -> Mapping[str, Any]:
        if fetch is None:  # guarded by the caller; kept for the type checker
            raise DidFetchNotAllowedError("status list fetch not allowed")
        report = verify(fetch(url), inner)
        required = ("format", "proof", "issuer-key", "validity-period")
        bad = [c for c in report.checks if c.id in required and c.status != PASS]
        missing = set(required) - {c.id for c in report.checks}
        if report.kind != "credential" or bad or missing or report.document is None:
            raise StatusListUnverifiedError(
                "the status list credential does not verify: "
                + "; ".join(f"{c.id} {c.status}: {c.detail}" for c in bad)
            )
        return report.document

    return fetch_verified


def verify_jwt_credential(token: str, options: VerifyOptions) -> Report:
    """An OB 3.0 VC-JWT or a VC-JOSE-COSE ``vc+jwt``."""
    try:
        header, payload = jose.peek(token)
        credential = jose.credential_from_jwt(payload)
    except JoseError as exc:
        raise UnsupportedFormatError(f"not a usable VC-JWT: {exc}") from None

    def run() -> tuple[str, str, str]:
        found = jose.verify_jwt_vc(token, options.resolver, now=options.clock(), check_time=False)
        return str(found.header.get("alg")), found.kid, found.issuer

    proof, key = jwt_signature_checks(run)
    return Report(
        kind="credential",
        format=f"vc-jwt ({header.get('alg')})",
        checks=(proof, key, *jwt_content_checks(credential, payload, options)),
        document=dict(credential),
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
        bounds = (jwt_claims.claim_date(payload, "nbf"), jwt_claims.claim_date(payload, "exp"))
    except JwtClaimsError as exc:
        return [Check("validity-period", FAIL, str(exc))]
    return content_checks(credential, options, bounds, hideable=hideable)


def jwt_signature_checks(run: Callable[[], tuple[str, str, str]]) -> tuple[Check, Check]:
    """The ``proof`` and ``issuer-key`` checks of a JWT whose verification is ``run``: it
    returns the alg, the key's DID URL and the issuer, or raises what went wrong."""
    try:
        alg, kid, issuer = run()
    except (DidFetchNotAllowedError, DidResolutionError, UnsupportedDidMethodError) as exc:
        why = f"issuer key could not be resolved: {exc}"
        return Check("proof", UNCHECKED, why), Check("issuer-key", UNCHECKED, why)
    except InvalidSignatureError as exc:
        return Check("proof", FAIL, str(exc)), Check("issuer-key", UNCHECKED, "signature failed")
    except VckitError as exc:
        key_problem = exc.code in ("jwt-key-rejected", "jwt-issuer-mismatch")
        key_problem = key_problem or isinstance(exc, VerificationMethodNotFoundError)
        if key_problem:
            return (
                Check("proof", UNCHECKED, "not checked: the key is not the issuer's"),
                Check("issuer-key", FAIL, f"{exc.code}: {exc}"),
            )
        return Check("proof", FAIL, f"{exc.code}: {exc}"), Check(
            "issuer-key", UNCHECKED, "not checked: the token was rejected"
        )
    return (
        Check("proof", PASS, f"{alg} signature verifies"),
        Check(
            "issuer-key",
            PASS,
            f"key #{kid.partition('#')[2]} is listed by {issuer} for assertionMethod",
        ),
    )


# --- presentations --------------------------------------------------------------------------


def verify_presentation(presentation: Mapping[str, Any], options: VerifyOptions) -> Report:
    """A JSON-LD presentation with an ``authentication`` proof by its holder."""
    holder = presentation.get("holder")
    holder_id = holder if isinstance(holder, str) else None
    if isinstance(holder, Mapping) and isinstance(holder.get("id"), str):
        holder_id = str(holder["id"])
    finding = check_proofs(
        presentation,
        purpose="authentication",
        controller=holder_id,
        resolver=options.resolver,
        now=options.clock(),
        loader=options.loader,
    )
    inner = tuple(_inner_reports(presentation, options))
    own = [
        finding.proof,
        Check("holder-key", finding.key.status, finding.key.detail),
        presentation_checks.holder_binding(holder_id, finding, inner),
        *presentation_checks.binding_checks(finding, options.challenge, options.domain),
    ]
    return Report(
        kind="presentation",
        format=finding.suites,
        checks=tuple(own),
        document=dict(presentation),
        credentials=inner,
    )


def _inner_reports(presentation: Mapping[str, Any], options: VerifyOptions) -> list[Report]:
    value = presentation.get("verifiableCredential", [])
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_CREDENTIALS:
        refused = Check(
            "format", FAIL, f"more than {MAX_CREDENTIALS} credentials in one presentation"
        )
        return [Report(kind="credential", format="unknown", checks=(refused,))]
    reports = []
    for item in items:
        try:
            if isinstance(item, str):
                reports.append(_credential_only(verify(item, options)))
            elif isinstance(item, Mapping) and "EnvelopedVerifiableCredential" in (types_of(item)):
                reports.append(_verify_enveloped(item, options))
            elif isinstance(item, Mapping):
                reports.append(verify_credential(item, options))
            else:
                raise UnsupportedFormatError("a verifiableCredential entry is not an object")
        except InputError as exc:
            unreadable = Check("format", FAIL, f"unreadable credential: {exc}")
            reports.append(Report(kind="credential", format="unknown", checks=(unreadable,)))
    return reports


def _credential_only(report: Report) -> Report:
    if report.kind != "credential":
        raise UnsupportedFormatError("a presentation inside a presentation is not a credential")
    return report


ENVELOPED_MEDIA_TYPES = frozenset({"application/vc+jwt", "application/jwt"})


def _verify_enveloped(item: Mapping[str, Any], options: VerifyOptions) -> Report:
    """VC 2.0 §4.13.1: a ``data:`` URL holding a JWT-secured credential."""
    data_url = str(item.get("id", ""))
    header, _, token = data_url.partition(",")
    media = header.removeprefix("data:").split(";", 1)[0]
    if not header.startswith("data:") or media not in ENVELOPED_MEDIA_TYPES:
        raise UnsupportedFormatError(f"enveloped credential of type {header!r} is not supported")
    return verify_jwt_credential(token, options)
