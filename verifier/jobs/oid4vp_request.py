"""Use case: a job's request as OpenID for Verifiable Presentations 1.0 (:data:`OID4VP`).

:func:`authorization_request`: ``response_type=vp_token``, ``response_mode=direct_post``
(§8.2), client identifier ``redirect_uri:<response URI>`` (§5.9.3), ``state`` = the request id,
and a DCQL query (§6, :mod:`verifier.jobs.dcql_request`) asking for ``ldp_vc`` credentials with the
job's required types (Appendix B.1.1: ``type_values`` are the expanded type IRIs) and/or
``dc+sd-jwt`` SD-JWT VCs of the OB 3.0 AchievementCredential ``vct``. The request travels by
reference (``request_uri``, an unsigned Request Object, RFC 9101) or by value, as an
``openid4vp://`` link (:func:`links`, shown as a QR code by the pages: :func:`qr_svg`).
The job's conditions DCQL cannot say (accredited issuers only, issued within N years) travel
as the extension parameter :data:`REQUIREMENTS_PARAMETER`, for the learner's wallet to show.
The wallet's answer is :func:`verifier.jobs.answers.receive_direct_post`.
"""

from __future__ import annotations

from typing import Any

import segno

from vckit.protocols.oid4vp import request_link, unsigned_request_object
from verifier import store
from verifier.checking.policy import Requirements, RequirementsError
from verifier.installation import Installation
from verifier.jobs import dcql_request
from verifier.jobs.requests import OID4VP, get_job, get_request, required_types
from verifier.store import JobRecord, RequestRecord


def dcql_query(job: JobRecord) -> dict[str, Any]:
    """§6: ``ldp_vc`` credentials of the required types and/or OB 3.0 SD-JWT VCs, those
    aligned to the job's skills preferred (:func:`verifier.jobs.dcql_request.dcql_query`)."""
    try:
        skills = Requirements.from_json(job.requirements).skills
    except RequirementsError:
        skills = ()
    names = [s.name for s in skills if s.name]
    urls = [s.target_url for s in skills if s.target_url]
    return dcql_request.dcql_query(required_types(job), names, urls)


REQUIREMENTS_PARAMETER = "ler_requirements"
"""An extension parameter of the request (§5.1: a Wallet ignores parameters it does not
know): the job's conditions DCQL has no words for, ``{"accreditedOnly": true,
"issuedWithinYears": 3}``, so the learner's wallet can say them before anything is sent.
Only what the job asks; none of it changes what the verifier checks."""


def conditions(job: JobRecord) -> dict[str, Any]:
    """The job's ``accreditedOnly`` and ``issuedWithinYears``, those it sets ({} if none)."""
    try:
        requirements = Requirements.from_json(job.requirements)
    except RequirementsError:
        return {}
    out: dict[str, Any] = {}
    if requirements.accredited_only:
        out["accreditedOnly"] = True
    if requirements.issued_within_years is not None:
        out["issuedWithinYears"] = requirements.issued_within_years
    return out


def client_name(inst: Installation, job: JobRecord) -> str:
    """§11.1 ``client_name``, what the learner's wallet shows as the requester: the
    organisation and the job ("Maple Grove Care Home — Care assistant"), the title alone
    when it names the organisation already."""
    with inst.db.transaction() as tx:
        organisation = (
            store.get_organisation(tx, job.organisation_id) if job.organisation_id else None
        )
    if organisation is None or organisation.name.casefold() in job.title.casefold():
        return job.title
    return f"{organisation.name} — {job.title}"


def authorization_request(inst: Installation, record: RequestRecord) -> dict[str, Any]:
    """§5.1 parameters of the request (also the claims of its Request Object)."""
    job = get_job(inst, record.job_id)
    extension = conditions(job)
    return {
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "client_id": record.client_id,
        "response_uri": inst.response_uri,
        "nonce": record.nonce,
        "state": record.id,
        "dcql_query": dcql_query(job),
        "client_metadata": {
            "client_name": client_name(inst, job),
            "vp_formats_supported": dcql_request.vp_formats_supported(),
        },
        **({REQUIREMENTS_PARAMETER: extension} if extension else {}),
    }


def request_object(inst: Installation, request_id: str) -> str:
    """RFC 9101 §4: the unsigned Request Object served at ``request_uri`` (§5.9.3) of the
    OpenID4VP request ``request_id``."""
    record = get_request(inst, request_id, OID4VP)
    claims = {**authorization_request(inst, record), "aud": "https://self-issued.me/v2"}
    return unsigned_request_object(claims)


def request_uri(inst: Installation, record: RequestRecord) -> str:
    return f"{inst.base_url.rstrip('/')}/oid4vp/requests/{record.id}"


def links(inst: Installation, record: RequestRecord) -> dict[str, str]:
    """The request as ``openid4vp://`` links: by reference (short: for the QR code) and by
    value (every parameter on the link)."""
    return {
        "by_reference": request_link(
            {"client_id": record.client_id, "request_uri": request_uri(inst, record)}
        ),
        "by_value": request_link(authorization_request(inst, record)),
    }


def qr_svg(text: str) -> str:
    """The text as an inline SVG QR code (error correction M), for the request page."""
    qr = segno.make_qr(text, error="m")
    return str(qr.svg_inline(scale=4, title="Presentation request", dark="#000", light="#fff"))
