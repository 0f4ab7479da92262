"""What the absence of ``credentialStatus`` / ``validUntil`` means in a selectively disclosed
credential.

A derived ecdsa-sd-2023 credential, or an SD-JWT VC with undisclosed digests at the top of
its credential view, may have had these members withheld by the holder, unless the issuer
made them mandatory, and the format does not show which. So their absence is reported as
*could not check*, never as "no revocation" / "no end date", unless a trusted registry
attests that this issuer always discloses them (``VerifyOptions.always_disclosed``): then
absence means the issuer never set them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from vckit.credential import issuer_id
from vckit.report import PASS, UNCHECKED, Check

STATUS_MEMBER = "credentialStatus"
END_MEMBER = "validUntil"
_END_MEMBERS = ("validUntil", "expirationDate")
WITHHELD = "{format} lets a holder withhold it unless the issuer made it mandatory"

AlwaysDisclosed = Callable[[str], frozenset[str]]


def _attested(
    credential: Mapping[str, Any], always_disclosed: AlwaysDisclosed | None, member: str
) -> str | None:
    """The issuer id when the registry attests it always discloses ``member``."""
    issuer = issuer_id(credential)
    if always_disclosed is None or not issuer:
        return None
    return issuer if member in always_disclosed(issuer) else None


def _status(check: Check, fmt: str, attested: str | None) -> Check:
    if attested is not None:
        return Check(  # the check with this detail (not dataclasses.replace: slow)
            check.id,
            check.status,
            f"the registry attests {attested} always discloses {STATUS_MEMBER}; "
            "none here: the issuer offers no revocation",
            check.advisory,
        )
    why = WITHHELD.format(format=fmt)
    return Check("status", UNCHECKED, f"no {STATUS_MEMBER} disclosed; {why}")


def _validity(check: Check, fmt: str, attested: str | None) -> Check:
    if attested is not None:
        return Check(
            check.id,
            check.status,
            f"{check.detail}; the registry attests {attested} always discloses "
            f"{END_MEMBER}; none here: no end date",
            check.advisory,
        )
    why = WITHHELD.format(format=fmt)
    return Check(
        "validity-period", UNCHECKED, f"{check.detail}, but no {END_MEMBER} disclosed; {why}"
    )


def absence_checks(
    found: Sequence[Check],
    credential: Mapping[str, Any],
    always_disclosed: AlwaysDisclosed | None,
    *,
    hideable: str | None,
    end_claim: bool = False,
) -> list[Check]:
    """``found`` with a passing status / validity-period check made honest when the format
    ``hideable`` names (None: nothing could be hidden) could have withheld the member it
    relies on. ``end_claim``: a JWT ``exp`` bounds the validity period (it cannot be hidden)."""
    if hideable is None:
        return list(found)
    out: list[Check] = []
    for check in found:
        if check.status == PASS and check.id == "status" and STATUS_MEMBER not in credential:
            attested = _attested(credential, always_disclosed, STATUS_MEMBER)
            check = _status(check, hideable, attested)
        elif (
            check.status == PASS
            and check.id == "validity-period"
            and not end_claim
            and not any(member in credential for member in _END_MEMBERS)
        ):
            check = _validity(check, hideable, _attested(credential, always_disclosed, END_MEMBER))
        out.append(check)
    return out
