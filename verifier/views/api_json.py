"""The JSON the jobs and webhook APIs answer with: a presentation request, an answer
received, the answers refused, a delivery attempt (records in, plain JSON out;
``verifier.web.api`` sends it)."""

from __future__ import annotations

from typing import Any

from verifier.installation import Installation
from verifier.jobs import oid4vp_request, vc_api_request
from verifier.jobs.refused import Refused
from verifier.jobs.requests import OID4VP
from verifier.jobs.stored_report import report_from_json
from verifier.store import DeliveryRecord, RequestRecord, ResponseRecord
from verifier.views.candidate import summary


def request_json(inst: Installation, record: RequestRecord) -> dict[str, Any]:
    """A request with what a wallet needs to answer it: the OpenID4VP links and parameters,
    or the VC-API presentation request and where to post the answer."""
    out: dict[str, Any] = {
        "id": record.id,
        "job": record.job_id,
        "kind": record.kind,
        "nonce": record.nonce,
        "client_id": record.client_id,
        "created": record.created,
        "expires_at": record.expires_at,
        "used_at": record.used_at,
        "applicantReference": record.applicant_ref,
    }
    if record.kind == OID4VP:
        out["request_uri"] = oid4vp_request.request_uri(inst, record)
        out["links"] = oid4vp_request.links(inst, record)
        out["parameters"] = oid4vp_request.authorization_request(inst, record)
    else:
        out["presentation_request"] = vc_api_request.vc_api_request(inst, record)
        out["answer_at"] = f"{inst.base_url.rstrip('/')}/api/vc-api/requests/{record.id}"
    return out


def response_json(response: ResponseRecord) -> dict[str, Any]:
    """An answer received: the applicant reference its request was made with, a flat
    summary (:func:`verifier.views.candidate.summary`) and the full stored report."""
    report = report_from_json(response.report)
    return {
        "id": response.id,
        "request": response.request_id,
        "job": response.job_id,
        "received": response.received,
        "verdict": response.verdict,
        "applicantReference": response.applicant_ref,
        "summary": summary(report, response.applicant_ref),
        "report": response.report,
    }


def attempt_json(d: DeliveryRecord) -> dict[str, Any]:
    """One delivery attempt of a result to a job's webhook."""
    return {
        "response": d.response_id,
        "attempt": d.attempt,
        "at": d.at,
        "status": d.status,
        "detail": d.detail,
        "url": d.url,
    }


def refused_json(refused: Refused) -> dict[str, Any]:
    """How many answers a job's requests refused, and the latest logged, newest first."""
    return {
        "count": refused.count,
        "latest": [
            {
                "request": r.request_id,
                "number": r.number,
                "received": r.received,
                "reason": r.reason,
            }
            for r in refused.latest
        ],
    }
