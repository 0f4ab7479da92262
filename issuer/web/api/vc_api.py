"""The W3C VC-API issuer routes: ``POST /credentials/issue``, ``POST /credentials/status`` and
``POST /credentials/derive`` (ecdsa-sd-2023 selective disclosure); all need the API token.

The VC-API answers a malformed request with 400, so these two routes read their body
themselves (strictly, :func:`servicekit.json_route.json_object`) and validate it with
their model (:class:`IssueCredentialRequest`, :class:`UpdateStatusRequest`): a body that
is not such a request is 400; issue options this issuer cannot use are 422, like a
well-formed credential that cannot be issued.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from issuer.issuing import derive, vc_api
from issuer.issuing.issuance import CredentialRecord
from issuer.status import lists as status_lists
from issuer.status import reasons
from issuer.web.deps import InstallationDep, TokenDep
from servicekit.json_route import JsonObject, api_router, declared_json
from servicekit.problems import Problem
from servicekit.text import PRINTABLE_RULE, is_printable
from vckit.jose import vc_jwt

router = api_router(tags=["VC-API"])

EXAMPLE_CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "type": ["VerifiableCredential", "ExampleAlumniCredential"],
    "issuer": "did:web:localhost%3A8001:issuers:community-college",
    "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside CC"},
}


# --- issue -----------------------------------------------------------------------------------


class StatusOption(BaseModel):
    """``options.credentialStatus`` as an object: the status entry type the issuer adds and,
    optionally, the purposes (``revocation`` by default; ``suspension``; ``message``: the
    revocation reason, :mod:`issuer.status.reasons`)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    type: Literal["BitstringStatusListEntry", "StatusList2021Entry"]
    statusPurpose: (
        status_lists.EntryPurpose
        | Annotated[list[status_lists.EntryPurpose], Field(min_length=1, max_length=3)]
        | None
    ) = None

    def purposes(self) -> list[str] | None:
        if self.statusPurpose is None:
            return None
        wanted = self.statusPurpose
        return [wanted] if isinstance(wanted, str) else list(dict.fromkeys(wanted))


class IssueOptions(BaseModel):
    """VC-API IssueCredentialOptions (``mandatoryPointers`` with the ``ecdsa-sd-2023``
    ``cryptosuite``; ``credentialStatus``, which the VC-API's options had: ``{"type": ...}``,
    ``true`` or ``false``, absent for the instance default,
    :func:`issuer.issuing.vc_api.status_flavor`), plus this issuer's ``format``, ``keyType`` and
    ``suspension``. A data-integrity ``cryptosuite`` or, for the enveloping formats, ``format``:
    ``vc-jwt`` (VC-JOSE-COSE ``vc+jwt``), ``ob3-jwt``, ``vc-cose`` (``application/vc+cose``, VC 2.0
    only), each answered as an ``EnvelopedVerifiableCredential``."""

    model_config = ConfigDict(extra="forbid")
    credentialId: str | None = None
    mandatoryPointers: list[str] | None = None
    cryptosuite: (
        Literal[
            "eddsa-rdfc-2022",
            "ecdsa-rdfc-2019",
            "eddsa-jcs-2022",
            "ecdsa-jcs-2019",
            "ecdsa-sd-2023",
        ]
        | None
    ) = None
    format: Literal[
        "eddsa-rdfc-2022",
        "ecdsa-rdfc-2019",
        "eddsa-jcs-2022",
        "ecdsa-jcs-2019",
        "vc-jwt",
        "ob3-jwt",
        "ecdsa-sd-2023",
        "vc-cose",
    ] = "eddsa-rdfc-2022"
    suspension: bool = False
    credentialStatus: StatusOption | Annotated[bool, Field(strict=True)] | None = None
    keyType: Literal["Ed25519", "P-256", "P-384"] | None = None
    """The issuer's key to sign with, when the format takes several: ``P-384`` for
    ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` (SHA-384), did:web and did:key issuers alike."""

    def status_wanted(self) -> vc_api.StatusWanted:
        if isinstance(self.credentialStatus, StatusOption):
            return self.credentialStatus.type
        return self.credentialStatus


class IssueCredentialRequest(BaseModel):
    """VC-API IssueCredentialRequest: the credential to secure (its ``issuer`` one of this
    installation's issuer DIDs) and the options."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"credential": EXAMPLE_CREDENTIAL, "options": {"cryptosuite": "eddsa-rdfc-2022"}}
            ]
        },
    )
    credential: dict[str, Any]
    options: IssueOptions = Field(default_factory=IssueOptions)


def issue_request(body: dict[str, Any]) -> IssueCredentialRequest:
    """The body as the model: 400 without a credential object or with unknown members,
    422 (:func:`invalid`) for options that do not validate."""
    if not isinstance(body.get("credential"), dict):
        raise Problem(400, "Malformed request", "'credential' must be an object", "bad-input")
    unknown = set(body) - set(IssueCredentialRequest.model_fields)
    if unknown:
        raise Problem(400, "Malformed request", f"unknown members {sorted(unknown)}", "bad-input")
    try:
        options = IssueOptions.model_validate(body.get("options") or {})
    except ValidationError as exc:
        raise invalid(exc) from None
    return IssueCredentialRequest(credential=body["credential"], options=options)


def _enveloped(record: CredentialRecord) -> dict[str, Any] | str:
    """A JWT goes back as an EnvelopedVerifiableCredential (VC 2.0 §4.13): ``application/vc+jwt``
    for VC-JOSE-COSE, ``application/jwt`` for the ``vc`` claim encoding (ob3-jwt, VC 1.1 vc-jwt)."""
    if isinstance(record.document, dict):
        return record.document
    header, _payload = vc_jwt.peek(record.document)
    media = "application/vc+jwt" if header.get("typ") == "vc+jwt" else "application/jwt"
    return {
        "@context": vc_api.VC_V2,
        "id": f"data:{media},{record.document}",
        "type": "EnvelopedVerifiableCredential",
    }


@router.post(
    "/credentials/issue",
    status_code=201,
    summary="Issue a credential (W3C VC-API); the issuer is credential.issuer",
    openapi_extra=declared_json(IssueCredentialRequest),
)
def credentials_issue(inst: InstallationDep, _: TokenDep, posted: JsonObject) -> Response:
    body = issue_request(posted)
    options = body.options
    chosen = options.cryptosuite or options.format
    if options.cryptosuite and "format" in options.model_fields_set and options.format != chosen:
        raise Problem(422, "Invalid request", "format and cryptosuite differ", "bad-input")
    if options.mandatoryPointers is not None and chosen != "ecdsa-sd-2023":
        detail = "mandatoryPointers: use the ecdsa-sd-2023 cryptosuite for selective disclosure"
        raise Problem(422, "Invalid request", detail, "bad-input")
    record = vc_api.issue_document(
        inst,
        body.credential,
        format=chosen,
        credential_id=options.credentialId,
        suspension=options.suspension,
        mandatory_pointers=options.mandatoryPointers,
        status_wanted=options.status_wanted(),
        status_purposes=(
            options.credentialStatus.purposes()
            if isinstance(options.credentialStatus, StatusOption)
            else None
        ),
        key_type=options.keyType,
    )
    return JSONResponse({"verifiableCredential": _enveloped(record)}, status_code=201)


# --- derive ----------------------------------------------------------------------------------


class DeriveOptions(BaseModel):
    """VC-API DeriveCredentialOptions: the JSON Pointers to reveal (ecdsa-sd-2023)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    selectivePointers: list[str] = Field(default_factory=list)


class DeriveCredentialRequest(BaseModel):
    """VC-API DeriveCredentialRequest: a credential with an ecdsa-sd-2023 base proof."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "verifiableCredential": {
                        **EXAMPLE_CREDENTIAL,
                        "proof": {
                            "type": "DataIntegrityProof",
                            "cryptosuite": "ecdsa-sd-2023",
                            "proofValue": "u2V0AhVhA...",
                        },
                    },
                    "options": {"selectivePointers": ["/credentialSubject/alumniOf"]},
                }
            ]
        },
    )
    verifiableCredential: dict[str, Any]
    options: DeriveOptions = Field(default_factory=DeriveOptions)


@router.post(
    "/credentials/derive",
    summary="Derive a selectively disclosed ecdsa-sd-2023 credential (W3C VC-API)",
    openapi_extra=declared_json(DeriveCredentialRequest),
)
def credentials_derive(_: TokenDep, body: JsonObject) -> Response:
    if not isinstance(body.get("verifiableCredential"), dict):
        detail = "'verifiableCredential' must be an object"
        raise Problem(400, "Malformed request", detail, "bad-input")
    unknown = set(body) - set(DeriveCredentialRequest.model_fields)
    if unknown:
        raise Problem(400, "Malformed request", f"unknown members {sorted(unknown)}", "bad-input")
    try:
        options = DeriveOptions.model_validate(body.get("options") or {})
    except ValidationError as exc:
        raise invalid(exc) from None
    derived = derive.derive_credential(body["verifiableCredential"], options.selectivePointers)
    return JSONResponse({"verifiableCredential": derived})


# --- status ----------------------------------------------------------------------------------

_STATUS_WORDS: dict[str, tuple[status_lists.Purpose, bool]] = {
    "revoked": ("revocation", True),
    "suspended": ("suspension", True),
    "unsuspended": ("suspension", False),
    "active": ("suspension", False),
}


class StatusChange(BaseModel):
    """An item of the list form: the status the credential is to have."""

    type: Literal["BitstringStatusListEntry"]
    status: Literal["revoked", "suspended", "unsuspended", "active"]


class StatusPurpose(BaseModel):
    """The object form: which status list; ``status`` (beside it) says set or clear."""

    type: Literal["BitstringStatusListEntry", "BitstringStatusList"]
    statusPurpose: status_lists.Purpose


class UpdateStatusRequest(BaseModel):
    """VC-API UpdateCredentialStatus, in both shapes: ``credentialStatus: [{type, status:
    "revoked"|"suspended"|"unsuspended"}]``, or ``credentialStatus: {type, statusPurpose}``
    with ``status: true|false``. With a revocation, this issuer's ``reason`` (the issuer's
    words, shown to the learner) and ``reasonCode`` (published in the credential's ``message``
    status entry, if it has one; :mod:`issuer.status.reasons`)."""

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "credentialId": "urn:uuid:5f1b7bb4-2c52-4a1b-9f3c-1f3b8f7e2d10",
                    "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
                    "reason": "Issued to the wrong learner; a corrected credential follows.",
                    "reasonCode": "issued-in-error",
                },
                {
                    "credentialId": "urn:uuid:5f1b7bb4-2c52-4a1b-9f3c-1f3b8f7e2d10",
                    "credentialStatus": {
                        "type": "BitstringStatusListEntry",
                        "statusPurpose": "suspension",
                    },
                    "status": True,
                },
            ]
        },
    )
    credentialId: str = Field(min_length=1)
    credentialStatus: Annotated[list[StatusChange], Field(min_length=1)] | StatusPurpose
    status: bool | None = None
    reason: Annotated[str, Field(min_length=1, max_length=reasons.MAX_REASON_CHARS)] | None = None
    reasonCode: reasons.ReasonCode | None = None

    @model_validator(mode="after")
    def _status_with_the_object_form(self) -> UpdateStatusRequest:
        if isinstance(self.credentialStatus, StatusPurpose) and self.status is None:
            raise ValueError("the object form of credentialStatus needs status: true or false")
        return self

    def changes(self) -> list[tuple[status_lists.Purpose, bool]]:
        """(purpose, set?) for each change asked for."""
        if isinstance(self.credentialStatus, StatusPurpose):
            return [(self.credentialStatus.statusPurpose, bool(self.status))]
        return [_STATUS_WORDS[change.status] for change in self.credentialStatus]


@router.post(
    "/credentials/status",
    summary="Revoke, suspend or unsuspend a credential (W3C VC-API)",
    openapi_extra=declared_json(UpdateStatusRequest),
)
def credentials_status(inst: InstallationDep, _: TokenDep, posted: JsonObject) -> Response:
    try:
        body = UpdateStatusRequest.model_validate(posted)
    except ValidationError as exc:
        raise Problem(400, "Malformed request", first_error(exc), "bad-input") from None
    credential_id = body.credentialId
    changes = body.changes()
    given = body.reason is not None or body.reasonCode is not None
    if given and ("revocation", True) not in changes:
        raise Problem(400, "Malformed request", "a reason goes with a revocation", "bad-input")
    revoking = ("revocation", True) in changes
    changed = status_lists.set_statuses(  # one transaction: all of them, or none
        inst, credential_id, changes, **(_reason(body) if revoking else {})
    )
    now = status_lists.status_of(inst, credential_id)
    answer: dict[str, Any] = {"credentialId": credential_id, "changed": any(changed), "status": now}
    answer.update(status_lists.revocation_of(inst, credential_id))
    return JSONResponse(answer)


def _reason(body: UpdateStatusRequest) -> dict[str, str | None]:
    """The revocation's reason and code; 422 naming ``reason`` when the words are not
    printable text (:func:`servicekit.text.is_printable`: the learner's wallet shows them)."""
    text = body.reason.strip() if body.reason is not None else None
    if text and not is_printable(text):
        detail = f"reason: {PRINTABLE_RULE}"
        errors = [{"field": "reason", "message": PRINTABLE_RULE}]
        raise Problem(422, "Invalid request", detail, "invalid-request", errors=errors)
    return {"reason": text or None, "code": body.reasonCode}


# --- what a model did not accept, in VC-API terms ------------------------------------------


def _where(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"])


def first_error(exc: ValidationError) -> str:
    """The first thing wrong, as ``field: message``."""
    errors = exc.errors(include_url=False, include_input=False)
    return f"{_where(errors[0])}: {errors[0]['msg']}" if errors else "invalid request"


def invalid(exc: ValidationError) -> Problem:
    """A 422 problem naming every field that did not validate (``errors``)."""
    errors = [
        {"field": _where(e), "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return Problem(422, "Invalid request", first_error(exc), "invalid-request", errors=errors)
