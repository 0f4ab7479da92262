"""OB 3.0 verification step 3, "Refresh the OpenBadgeCredential": a ``refreshService`` of type
``1EdTechCredentialRefresh`` (1EdTech Credential Refresh Service 1.0) offers a newer copy.

"Refresh must be completed after checking the proof so that the verifier is not spoofed into
receiving a refreshed OpenBadgeCredential from a bad actor"; then steps 1 and 2 are repeated
on the refreshed copy, once ("do not complete Refresh a second time"); "if the refresh is not
successful, continue the verification process using the original". So here:

- without a fetch for refreshes (:attr:`VerifyOptions.fetch_refresh`, off by default) the
  service is only named in the report's notes, and the original is what was verified;
- after a proof that verified, the copy is fetched once and verified in full (with refresh
  off); a copy by the same issuer becomes the report, the original one of its parts; any
  other outcome keeps the original, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from vckit.credential import issuer_id, types_of
from vckit.report import PASS, Part, Report
from vckit.verification.options import VerifyOptions

SERVICE_TYPE = "1EdTechCredentialRefresh"


def _service_url(credential: Mapping[str, Any]) -> str | None:
    value = credential.get("refreshService")
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, Mapping) and SERVICE_TYPE in types_of(entry):
            url = entry.get("id")
            return url if isinstance(url, str) else ""
    return None


def _noted(report: Report, note: str) -> Report:
    return replace(report, notes=(*report.notes, note))


def refreshed(report: Report, credential: Mapping[str, Any], options: VerifyOptions) -> Report:
    """The report of the refreshed copy, or ``report`` with a note on the refresh service."""
    url = _service_url(credential)
    if url is None:
        return report
    if not url:
        return _noted(report, "its 1EdTechCredentialRefresh service names no URL")
    proof = report.check("proof")
    if proof is None or proof.status != PASS:
        return _noted(
            report, f"not refreshed from {url}: a refresh comes after a proof that verifies"
        )
    if options.fetch_refresh is None or options.verify_inner is None:
        return _noted(
            report,
            f"the issuer offers a newer copy at {url} (1EdTechCredentialRefresh); refreshing is "
            "off, so this copy is the one verified",
        )
    once = replace(options, fetch_refresh=None)
    try:
        copy = options.verify_inner(options.fetch_refresh(url), once)
    except Exception as exc:  # a fetch callback may raise anything; the original stands
        return _noted(
            report, f"refreshing from {url} failed ({exc}); this copy is the one verified"
        )
    same_issuer = copy.document is not None and issuer_id(copy.document) == issuer_id(credential)
    if copy.kind != "credential" or not same_issuer:
        note = f"the copy from {url} is not a credential of the same issuer; this copy stands"
        return replace(_noted(report, note), parts=(*report.parts, Part("refreshed", url, copy)))
    note = f"refreshed from {url} (OB 3.0 verification step 3); the original is one of its parts"
    return replace(
        copy, parts=(*copy.parts, Part("original", "", report)), notes=(*copy.notes, note)
    )
