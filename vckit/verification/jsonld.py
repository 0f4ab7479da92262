"""Verify a JSON-LD credential secured with Data Integrity proofs (ecdsa-sd-2023 base and
derived proofs included): its proofs and key, then what it says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.credential import issuer_id
from vckit.di import ecdsa_sd
from vckit.disclosure import fields as sd_fields
from vckit.report import Report
from vckit.verification.content import content_checks
from vckit.verification.embedded import complete
from vckit.verification.options import VerifyOptions
from vckit.verification.proofs import check_proofs


def verify_credential(credential: Mapping[str, Any], options: VerifyOptions) -> Report:
    """A JSON-LD credential secured with Data Integrity proofs."""
    finding = check_proofs(
        credential,
        purpose="assertionMethod",
        controller=issuer_id(credential),
        resolver=options.resolver,
        now=options.clock(),
        loader=options.loader,
        accept_base_proofs=options.accept_base_proofs,
    )
    derived = any(ecdsa_sd.proof_kind(proof) == "derived" for proof in finding.proofs)
    content = content_checks(credential, options, hideable="ecdsa-sd-2023" if derived else None)
    view = {key: value for key, value in credential.items() if key != "proof"}
    report = Report(
        kind="credential",
        format=finding.suites,
        checks=(finding.proof, finding.key, *content),
        document=dict(credential),
        disclosure=sd_fields.ecdsa_sd_disclosure(view) if derived else None,
    )
    return complete(report, credential, options)
