"""Staff page: an achievement's image, uploaded (PNG or SVG) or generated with its name.

``GET /issuers/<issuer>/catalogue/<slug>/image`` shows the image credentials will carry and
two forms posting back to it: upload a file (with a caption for people who cannot see it), or
use the generated badge. A refused file is the same page with the reason, answered 413, 415 or
422 (:mod:`issuer.artwork.checks`); a saved one sends the browser back to the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from issuer.artwork import images
from issuer.artwork.checks import MAX_IMAGE_BYTES, ImageRefusedError
from issuer.errors import NotFoundError
from issuer.installation import Installation
from issuer.organisations import catalogue
from issuer.web.deps import InstallationDep, Visitor, VisitorDep
from issuer.web.pages.base import check_form, issuer_page, sign_in_first
from servicekit.forms import PostedForm
from servicekit.pages import page_router

router = page_router()


def _page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    achievement: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    record = catalogue.get_achievement(inst, slug, achievement)
    try:
        current = images.image_of(inst, slug, achievement)
    except NotFoundError:
        current = None
    return issuer_page(
        request, inst, visitor, slug, "achievement_image.html", status_code,
        achievement=record, image=current, max_kib=MAX_IMAGE_BYTES // 1024, **context,
    )  # fmt: skip


@router.get("/issuers/{slug}/catalogue/{achievement}/image")
def image_page(
    slug: str, achievement: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    saved = request.query_params.get("saved") == "1"
    return _page(request, inst, visitor, slug, achievement, saved=saved)


@router.post("/issuers/{slug}/catalogue/{achievement}/image")
def set_image(
    slug: str, achievement: str, request: Request, inst: InstallationDep, visitor: VisitorDep,
    form: PostedForm,
) -> Response:  # fmt: skip
    check_form(request, visitor, form.fields)
    catalogue.get_achievement(inst, slug, achievement)  # an unknown one: the 404 page
    try:
        if form.get("action") == "generate":
            images.generate(inst, slug, achievement)
        elif not form.file:
            raise ImageRefusedError("choose a PNG or SVG file to upload", 422)
        else:
            images.upload(inst, slug, achievement, form.file, form.get("caption"))
    except ImageRefusedError as exc:
        return _page(
            request, inst, visitor, slug, achievement, exc.status,
            error=f"This image was not saved: {exc}.", values=form.fields,
        )  # fmt: skip
    target = f"/issuers/{slug}/catalogue/{achievement}/image?saved=1"
    return RedirectResponse(target, status_code=303)
