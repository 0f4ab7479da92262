"""Verifiable presentations: build one around credentials and sign it as the holder.

W3C VC Data Model 2.0 §4.13 (Verifiable Presentations); the proof is a Data Integrity
proof with ``proofPurpose: authentication`` bound to the verifier's ``challenge`` and
``domain`` (VC Data Integrity 1.0 §2.1 proof options), so it cannot be replayed to
another verifier or reused for another request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from vckit.di import algorithms as data_integrity
from vckit.jsonld.contexts import VC_V2_CONTEXT
from vckit.jsonld.expansion import SealedLoader
from vckit.keys.keypair import KeyPair


def enveloped(token: str, media_type: str = "application/vc+jwt") -> dict[str, Any]:
    """Wrap a JWT-secured credential for a JSON-LD presentation (VC 2.0 §4.13.1)."""
    return {
        "@context": VC_V2_CONTEXT,
        "id": f"data:{media_type},{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def build_presentation(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    holder: str,
    presentation_id: str | None = None,
    contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """An unsigned VC 2.0 presentation; JWT credentials (strings) are enveloped."""
    vp: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, *contexts],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [
            enveloped(c) if isinstance(c, str) else dict(c) for c in credentials
        ],
    }
    if presentation_id is not None:
        vp["id"] = presentation_id
    return vp


def sign_presentation(
    presentation: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    challenge: str | None,
    domain: str | None = None,
    created: datetime | None = None,
    cryptosuite: str | None = None,
    loader: SealedLoader | None = None,
) -> dict[str, Any]:
    """Sign ``presentation`` as its holder (``authentication``), bound to challenge and domain."""
    return data_integrity.sign(
        presentation,
        key,
        verification_method=verification_method,
        cryptosuite=cryptosuite,
        proof_purpose="authentication",
        created=created,
        challenge=challenge,
        domain=domain,
        loader=loader,
    )
