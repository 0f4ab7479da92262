"""An issuer's catalogue: its OB 3.0 achievements (public), and adding one (API token)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from issuer.organisations import catalogue
from issuer.web.deps import InstallationDep, TokenDep
from servicekit.json_route import api_router

router = api_router(tags=["Catalogue"])


@router.get(
    "/issuers/{slug}/achievements",
    summary="The issuer's catalogue (a programme also lists its ``courses``, in order)",
)
def achievements(slug: str, inst: InstallationDep) -> Response:
    found = catalogue.list_achievements(inst, slug)
    return JSONResponse(
        [
            {"slug": a.slug, **a.achievement, **({"courses": a.courses} if a.courses else {})}
            for a in found
        ]
    )


@router.get("/issuers/{slug}/achievements/{achievement}", summary="One achievement")
def achievement(slug: str, achievement: str, inst: InstallationDep) -> Response:
    return JSONResponse(catalogue.get_achievement(inst, slug, achievement).achievement)


class NewAchievement(BaseModel):
    """An achievement for the catalogue: its short name (``slug``, in its id) and the OB 3.0
    Achievement without ``id`` (checked against the OB 3.0 schema). ``disclosable`` lists
    the learner-data fields a holder may withhold; ``courses`` (a programme) the slugs of the
    achievements that make it up, in order (a CLR of it links them)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "slug": "cpr-basic",
                    "achievement": {
                        "name": "Basic CPR",
                        "description": "Adult and child cardiopulmonary resuscitation.",
                        "criteria": {"narrative": "Passed the practical assessment."},
                        "achievementType": "Certificate",
                        "disclosable": ["recipientName", "dateOfBirth"],
                    },
                }
            ]
        },
    )
    slug: str
    achievement: dict[str, Any] = Field(description="an OB 3.0 Achievement, without id")


@router.post("/issuers/{slug}/achievements", status_code=201, summary="Add an achievement")
def create_achievement(
    slug: str, body: NewAchievement, inst: InstallationDep, _: TokenDep
) -> Response:
    record = catalogue.create_achievement(inst, slug, body.slug, body.achievement)
    return JSONResponse(record.achievement, status_code=201)
