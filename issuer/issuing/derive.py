"""Use case: the W3C VC-API ``POST /credentials/derive``: selective disclosure of an
ecdsa-sd-2023 credential.

The caller sends a credential secured with an ecdsa-sd-2023 *base* proof and the JSON
Pointers it wants revealed (``options.selectivePointers``); the answer is the derived
credential: the mandatory members plus the selected ones, with a derived proof (W3C
vc-di-ecdsa §3.6.5 "Add Derived Proof"). The work is vckit's
:func:`vckit.di.ecdsa_sd.add_derived_proof`, the function the wallet's disclosure uses too;
nothing is stored and no key is needed (the holder derives, the issuer's signatures carry over).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from issuer.errors import InvalidRequestError, MalformedCredentialError
from vckit.di import ecdsa_sd
from vckit.errors import VckitError


def derive_credential(
    credential: dict[str, Any], selective_pointers: Sequence[str]
) -> dict[str, Any]:
    """The derived credential revealing ``selective_pointers`` (and the mandatory members).

    A credential without one ecdsa-sd-2023 base proof is malformed; pointers that select
    nothing, or a base proof that cannot be read, are refused (:class:`InvalidRequestError`).
    """
    proof = credential.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != ecdsa_sd.CRYPTOSUITE:
        raise MalformedCredentialError(
            "verifiableCredential must carry one ecdsa-sd-2023 proof (a base proof)"
        )
    if ecdsa_sd.proof_kind(proof) != "base":
        raise MalformedCredentialError("the ecdsa-sd-2023 proof is not a base proof")
    try:
        return ecdsa_sd.add_derived_proof(credential, list(selective_pointers))
    except VckitError as exc:
        raise InvalidRequestError(f"cannot derive the credential: {exc}") from exc
