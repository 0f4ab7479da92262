"""JSON routes for presentations and sharing (problem+json on errors).

=======================================  ================================================
``GET /api/presentations``               the learner's presentations (id, audience, made)
``GET /api/presentations/{id}``          one presentation, as signed
``GET /api/share-log``                   what was shared, with whom, when
=======================================  ================================================
"""

from __future__ import annotations

from typing import Any

from servicekit.json_route import api_router
from wallet.sharing import present, share
from wallet.web.deps import CurrentAccount, InstallationDep

router = api_router(prefix="/api", tags=["presentations"])


@router.get("/presentations")
def list_presentations(inst: InstallationDep, account: CurrentAccount) -> list[dict[str, Any]]:
    records = present.all_of(inst, account)
    return [{"id": r.id, "audience": r.audience, "created": r.created} for r in records]


@router.get("/presentations/{presentation_id}")
def get_presentation(presentation_id: str, inst: InstallationDep, account: CurrentAccount) -> Any:
    return present.get(inst, account, presentation_id).document


@router.get("/share-log")
def share_log(inst: InstallationDep, account: CurrentAccount) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "recipient": e.recipient,
            "credentialIds": e.credential_ids,
            "detail": e.detail,
        }
        for e in share.log(inst, account)
    ]
