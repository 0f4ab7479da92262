"""Status lists are credentials about credentials, not about a person.

A Bitstring Status List v1.0 §2.2 ``BitstringStatusListCredential`` (and the
``StatusList2021Credential`` it replaced, the CCG's ``RevocationList2020Credential``, and a
1EdTech revocation list wrapped as a credential) is a verifiable credential: it has the
``VerifiableCredential`` type, an issuer and a proof, and it verifies. Its subject is the list
itself (``<list URL>#list``), so a holder must not keep one as a credential of the learner's
own. :func:`is_status_list` tells them apart by the credential's types, or its subject's
(``BitstringStatusList``, ``StatusList2021``, ``RevocationList2020``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.credential import types_of

__all__ = ["LIST_CREDENTIAL_TYPES", "LIST_SUBJECT_TYPES", "is_status_list"]

LIST_CREDENTIAL_TYPES = frozenset(
    {
        "BitstringStatusListCredential",  # Bitstring Status List v1.0 §2.2
        "StatusList2021Credential",  # StatusList2021 (W3C FPWD 2023)
        "RevocationList2020Credential",  # W3C CCG Revocation List 2020
        "1EdTechRevocationList",  # a 1EdTech revocation list, wrapped as a credential
    }
)
"""Types of credentials that carry a status list rather than claims about a subject."""

LIST_SUBJECT_TYPES = frozenset({"BitstringStatusList", "StatusList2021", "RevocationList2020"})
"""Types of the list itself, as a status list credential's ``credentialSubject``."""


def is_status_list(credential: Mapping[str, Any]) -> bool:
    """True when the credential (its JSON) is a status list credential: one of
    :data:`LIST_CREDENTIAL_TYPES`, or a subject of one of :data:`LIST_SUBJECT_TYPES`."""
    if LIST_CREDENTIAL_TYPES.intersection(types_of(credential)):
        return True
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    return any(
        isinstance(item, Mapping) and LIST_SUBJECT_TYPES.intersection(types_of(item))
        for item in subjects
    )
