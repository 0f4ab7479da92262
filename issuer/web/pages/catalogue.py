"""The catalogue page: an issuer's achievements (public) and the form that adds one (staff).

The form builds an OB 3.0 Achievement (name, description, criteria, type, image, and up to
:data:`ALIGNMENT_ROWS` alignments to skill frameworks such as O*NET, ESCO or CTDL); the
catalogue validates it against the OB 3.0 schema before storing it. The form also says which
learner-data fields a holder may withhold (:mod:`issuer.issuing.learner_data`); the page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from issuer.errors import ConflictError, IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import learner_data
from issuer.organisations import catalogue
from issuer.web.deps import InstallationDep, Visitor, VisitorDep
from issuer.web.pages.base import check_form, issuer_page
from servicekit.forms import PostedForm
from servicekit.pages import page_router

router = page_router()

ACHIEVEMENT_TYPES = (
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
    "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion",
    "Certification", "CommunityService", "Competency", "Course", "CoCurricular", "Degree",
    "Diploma", "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
    "JourneymanCertificate", "LearningProgram", "License", "Membership",
    "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
    "MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
)  # fmt: skip  # OB 3.0 AchievementType enumeration (Appendix B)
TARGET_TYPES = (
    "ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
    "CFRubricCriterionLevel", "CTDL",
)  # fmt: skip  # OB 3.0 AlignmentTargetType enumeration
ALIGNMENT_ROWS = 3
ALIGNMENT_FIELDS = ("targetName", "targetUrl", "targetFramework", "targetCode", "targetType")
REQUIRED = {"slug": "short name", "name": "name", "description": "description",
            "criteria": "criteria"}  # fmt: skip


def _page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return issuer_page(
        request,
        inst,
        visitor,
        slug,
        "catalogue.html",
        status_code,
        achievement_types=ACHIEVEMENT_TYPES,
        target_types=TARGET_TYPES,
        alignment_rows=ALIGNMENT_ROWS,
        learner_fields=learner_data.FIELDS,
        **context,
    )


@router.get("/issuers/{slug}/catalogue")
def catalogue_page(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    return _page(request, inst, visitor, slug, added=request.query_params.get("added"))


def achievement_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """An OB 3.0 Achievement (without id) from the form; empty optional fields left out."""
    data: dict[str, Any] = {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "criteria": {"narrative": form.get("criteria", "")},
    }
    if form.get("achievementType"):
        data["achievementType"] = form["achievementType"]
    if form.get("image"):
        data["image"] = {"id": form["image"], "type": "Image"}
    alignments = []
    for n in range(1, ALIGNMENT_ROWS + 1):
        row = {name: form.get(f"alignment{n}-{name}", "") for name in ALIGNMENT_FIELDS}
        if any(row.values()):
            alignments.append({"type": ["Alignment"], **{k: v for k, v in row.items() if v}})
    if alignments:
        data["alignment"] = alignments
    if form.get("sd-policy") == "1":
        data["disclosable"] = [f for f in learner_data.FIELDS if form.get(f"sd-{f}") == "on"]
    return data


def form_problems(form: Mapping[str, str]) -> list[str]:
    """What the form lacks, in words: required fields, half-filled alignments."""
    problems = []
    empty = [label for name, label in REQUIRED.items() if not form.get(name)]
    if empty:
        problems.append(f"Please fill in: {', '.join(empty)}.")
    for n in range(1, ALIGNMENT_ROWS + 1):
        given = [form.get(f"alignment{n}-{name}") for name in ALIGNMENT_FIELDS]
        if any(given) and not all(given[:2]):
            problems.append(f"Alignment {n} needs a target name and a target URL.")
    return problems


@router.post("/issuers/{slug}/catalogue")
def create_achievement(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep, posted: PostedForm
) -> Response:
    form = posted.fields
    check_form(request, visitor, form)
    problems = form_problems(form)
    if problems:
        return _page(request, inst, visitor, slug, 422, error=" ".join(problems), values=form)
    try:
        record = catalogue.create_achievement(inst, slug, form["slug"], achievement_from_form(form))
    except NotFoundError:
        raise  # no such issuer: the error page
    except IssuerError as exc:
        status_code = 409 if isinstance(exc, ConflictError) else 422
        return _page(request, inst, visitor, slug, status_code, error=str(exc), values=form)
    target = f"/issuers/{slug}/catalogue?{urlencode({'added': record.slug})}#{record.slug}"
    return RedirectResponse(target, status_code=303)
