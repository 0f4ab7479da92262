"""Use case: a job's request as a W3C VC-API Verifiable Presentation Request (:data:`VC_API`),
and the answer to it.

:func:`vc_api_request`: a ``QueryByExample`` for the job's required types, ``challenge`` =
the nonce, ``domain`` = the verifier's client id. :func:`receive_vc_api` verifies the
presentation the learner's wallet made for it, with the single-use rules of
:mod:`verifier.jobs.answers`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from verifier.errors import NotFoundError
from verifier.installation import Installation
from verifier.jobs import dcql_request
from verifier.jobs.answers import spend_nonce, store_answer, verify_answer
from verifier.jobs.requests import VC_API, get_job, get_request, required_types
from verifier.store import RequestRecord, ResponseRecord

VC_V2 = dcql_request.VC_V2
OB_V3 = dcql_request.OB_V3


def vc_api_request(inst: Installation, record: RequestRecord) -> dict[str, Any]:
    """W3C CCG Verifiable Presentation Request: QueryByExample for the job's types."""
    job = get_job(inst, record.job_id)
    return {
        "verifiablePresentationRequest": {
            "query": [
                {
                    "type": "QueryByExample",
                    "credentialQuery": [
                        {
                            "reason": f"{job.title}: show the credentials the job asks for.",
                            "example": {
                                "@context": [VC_V2, OB_V3],
                                "type": list(required_types(job)),
                            },
                        }
                    ],
                }
            ],
            "challenge": record.nonce,
            "domain": record.client_id,
        }
    }


def receive_vc_api(inst: Installation, request_id: str, presentation: Any) -> ResponseRecord:
    """A VC-API answer (the presentation the learner's wallet made for the VPR), bound to
    ``challenge`` = nonce and ``domain`` = client_id; the same single-use rules."""
    record = get_request(inst, request_id)
    if record.kind != VC_API:
        raise NotFoundError("no such request")
    spend_nonce(inst, record)
    report = verify_answer(inst, record, [presentation])
    own = ("state", "vp-token")
    report = replace(report, checks=tuple(c for c in report.checks if c.id not in own))
    return store_answer(inst, record, report, first=True)
