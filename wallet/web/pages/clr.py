"""A CLR's credentials, one at a time: keep one as its own credential, to share it alone
(:mod:`wallet.receiving.from_clr`). The transcript itself is part of the credential page.

==============================================  =======  ==================================
``POST /credentials/{id}/nested/{index}/keep``  learner  (CSRF) keep that course credential;
                                                         to its page (or the copy held)
==============================================  =======  ==================================
"""

from __future__ import annotations

from fastapi.responses import RedirectResponse, Response

from servicekit.pages import page_router
from wallet.receiving import from_clr
from wallet.receiving.keeping import AlreadyHeld
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep

router = page_router()


@router.post("/credentials/{credential_id}/nested/{index}/keep")
def keep_nested(
    credential_id: str,
    index: int,
    inst: InstallationDep,
    account: CurrentAccount,
    form: CheckedForm,
) -> Response:
    try:
        got = from_clr.keep_nested(inst, account, credential_id, index)
    except AlreadyHeld as held:
        if held.held is None:
            raise
        return RedirectResponse(f"/credentials/{held.held}?kept=1", status_code=303)
    return RedirectResponse(f"/credentials/{got.record.id}?kept=1", status_code=303)
