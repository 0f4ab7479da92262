"""The public pages: the installation and its issuers (``/``), and one issuer
(``/issuers/<slug>``: who, its DID, its place).

The issuer's pages, and who may see them:

==============================================  ==========  =====================================
``/``                                           public      the installation and its issuers
``/issuers/<slug>``                             public      an issuer: who, its DID, its place
``/issuers/<slug>/catalogue``                   public      achievements (+ the add form: staff)
``/issuers/<slug>/issue``                       staff       issue one, or offer it to a wallet
``/issuers/<slug>/upload[/<batch>]``            staff       CSV batch upload, its progress bar
``/issuers/<slug>/issued``                      staff       revoke, suspend, unsuspend
``/sign-in``, ``/sign-out``                     —           staff sign in with the API token
==============================================  ==========  =====================================

Staff sign in once with the installation's API token and then hold a signed session cookie
(:mod:`servicekit.sessions`); every POST form carries the session's CSRF token (a missing or
wrong one is 403). The routes live in this module and in ``sign_in``, ``catalogue``,
``issue``, ``issued`` and ``batches``; what they share is in :mod:`issuer.web.pages.base`.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from issuer.issuing import endorse
from issuer.offers import oid4vci
from issuer.organisations import catalogue, identity
from issuer.web.deps import InstallationDep, SettingsDep, VisitorDep
from servicekit.pages import page_router, render

router = page_router()


@router.get("/")
def front(
    request: Request, inst: InstallationDep, settings: SettingsDep, visitor: VisitorDep
) -> Response:
    did = identity.did_web_for(settings.base_url)
    issuers = catalogue.list_issuers(inst)
    return render(request, visitor, "front.html", settings=settings, did=did, issuers=issuers)


@router.get("/issuers/{slug}")
def issuer_home(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    issuer = catalogue.get_issuer(inst, slug)
    achievements = catalogue.list_achievements(inst, slug)
    return render(
        request,
        visitor,
        "issuer.html",
        issuer=issuer,
        achievements=achievements,
        credential_issuer=oid4vci.issuer_identifier(inst, slug),
        did_keys=identity.did_key_signers(inst, slug),
        endorsements=endorse.received(inst, slug),
    )
