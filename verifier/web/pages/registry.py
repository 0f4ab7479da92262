"""The governance registry page for people.

===========================  ======  ============================================================
``/registry``                GET     the installation's registry (public); for signed-in staff
                                     also their organisation's own trust, a form to add some
                                     (prefilled from ``?issuer=&name=&achievement=&title=``,
                                     as the amber report's "Trust … for …" link gives them) and
                                     the latest changes
``/registry/trust``          POST    staff: trust an issuer (DID) for an achievement (id)
``/registry/trust/remove``   POST    staff: stop trusting it
===========================  ======  ============================================================

The forms carry the session's CSRF token; a change is the organisation's only
(:mod:`verifier.checking.trust`) and is logged. Removing trust the organisation does not
hold changes and logs nothing: the page says there was nothing to remove. The page's notice
is one of :data:`DONE` (``?done=`` with any other value shows none).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from servicekit.pages import page_router, render
from verifier.checking import trust
from verifier.errors import InvalidRequestError
from verifier.web.deps import CheckedForm, InstallationDep, StaffMember, VerifierDep, Visitor

router = page_router()
PREFILL = ("issuer", "name", "achievement", "title")
DONE = {
    "added": "Trust added. Answers from now on are judged with it.",
    "removed": "Trust removed. Answers from now on are judged without it.",
    "nothing": "There was nothing to remove: your organisation did not trust that issuer for "
    "that achievement. Nothing was changed.",
}


@router.get("/registry")
def registry_page(
    request: Request, verification: VerifierDep, visitor: Visitor, inst: InstallationDep
) -> Response:
    context: dict[str, Any] = {"registry": verification.registry}
    if visitor.staff is not None:
        org = visitor.staff.organisation_id
        context.update(
            own=trust.trusted(inst, org),
            changes=trust.changes(inst, org),
            prefill={k: request.query_params.get(k, "")[:300] for k in PREFILL},
            done=DONE.get(request.query_params.get("done", "")),
        )
    return render(request, visitor, "registry.html", **context)


@router.post("/registry/trust")
def add_trust(
    request: Request, inst: InstallationDep, member: StaffMember, form: CheckedForm,
    visitor: Visitor, verification: VerifierDep,
) -> Response:  # fmt: skip
    try:
        trust.add(
            inst, member.organisation_id, member.email,
            issuer_did=form.get("issuer"), issuer_name=form.get("name"),
            achievement_id=form.get("achievement"), achievement_name=form.get("title"),
        )  # fmt: skip
    except InvalidRequestError as exc:
        org = member.organisation_id
        return render(
            request, visitor, "registry.html", 400, registry=verification.registry,
            own=trust.trusted(inst, org), changes=trust.changes(inst, org),
            prefill={k: form.get(k)[:300] for k in PREFILL}, error=exc.description,
        )  # fmt: skip
    return RedirectResponse("/registry?" + urlencode({"done": "added"}), status_code=303)


@router.post("/registry/trust/remove")
def remove_trust(inst: InstallationDep, member: StaffMember, form: CheckedForm) -> Response:
    removed = trust.remove(
        inst, member.organisation_id, member.email, form.get("issuer"), form.get("achievement")
    )
    done = "removed" if removed else "nothing"
    return RedirectResponse("/registry?" + urlencode({"done": done}), status_code=303)
