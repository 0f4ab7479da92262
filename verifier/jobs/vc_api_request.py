"""Use case: a job's request as a W3C VC-API Verifiable Presentation Request (:data:`VC_API`),
and the answer to it.

:func:`vc_api_request`: a ``QueryByExample`` for the job's required types, ``challenge`` =
the nonce, ``domain`` = the verifier's client id. :func:`receive_vc_api` verifies the
presentation the learner's wallet made for it, with the rules of :mod:`verifier.jobs.answers`:
only a presentation its holder signed over the challenge and domain uses the request up;
anything else is refused (counted and logged, not a result) and the request stays open.
"""

from __future__ import annotations

from typing import Any

from vckit.report import PASS, Check
from verifier.errors import NotFoundError
from verifier.installation import Installation
from verifier.jobs import dcql_request
from verifier.jobs.answers import accept
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


def receive_vc_api(
    inst: Installation, request_id: str, presentation: Any, address: str = "unknown"
) -> ResponseRecord:
    """A VC-API answer (the presentation the learner's wallet made for the VPR), bound to
    ``challenge`` = nonce and ``domain`` = client_id; the same rules as an OpenID4VP answer."""
    inst.answer_limits.check_address(address)
    record = get_request(inst, request_id)
    if record.kind != VC_API:
        raise NotFoundError("no such request")
    inst.answer_limits.check_request(record.id)
    return accept(inst, record, [presentation], [Check("nonce", PASS, "fresh and used once")])
