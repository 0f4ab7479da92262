"""Dependencies named once (``Annotated`` aliases) for the routes.

::

    from verifier.web.deps import InstallationDep, Visitor

    @router.post("/api/jobs")
    def create_job(body: NewJob, inst: InstallationDep) -> JSONResponse: ...

``Visitor`` is :data:`servicekit.pages.ANONYMOUS`: the verifier has no sessions (yet), so
its pages are rendered for an anonymous visitor, with the same headers as every page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from servicekit.pages import ANONYMOUS, Anonymous
from verifier.checking.verification import Verifier
from verifier.delivery.deliverer import Deliverer
from verifier.installation import Installation


def _installation(request: Request) -> Installation:
    inst: Installation = request.app.state.inst
    return inst


def _verification(request: Request) -> Verifier:
    return _installation(request).verification


def _deliverer(request: Request) -> Deliverer:
    deliverer: Deliverer = request.app.state.deliverer
    return deliverer


def _visitor() -> Anonymous:
    return ANONYMOUS


InstallationDep = Annotated[Installation, Depends(_installation)]
VerifierDep = Annotated[Verifier, Depends(_verification)]
DelivererDep = Annotated[Deliverer, Depends(_deliverer)]
Visitor = Annotated[Anonymous, Depends(_visitor)]
