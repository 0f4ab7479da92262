"""An OpenID4VCI offer in words, for the learner's pages: what is offered and by whom.

OpenID4VCI 1.0 names no per-offer description: an offer names its Credential Issuer (a URL)
and configuration ids (``OpenBadgeCredential_ldp_vc_ecdsa_sd``), neither for people. This
demonstrator's issuer adds ``ler_offered`` (``{"achievement": ..., "issuer": ...}``, see
:mod:`issuer.offers.oid4vci`); other issuers' offers are named by their host. Once the
credential has arrived its own name is used (:func:`offer_title`'s ``received``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

OFFERED = "ler_offered"
MAX_NAME = 200


@dataclass(frozen=True)
class OfferWords:
    what: str  # "Fundamentals of Nursing II", or "a credential"
    issuer: str  # "Riverside Community College", or the issuer's host


def _name(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:MAX_NAME]


def offer_words(offer: Mapping[str, Any], received: str | None = None) -> OfferWords:
    """What the offer brings and from whom; ``received``: the name of the credential that
    arrived from it, when it has."""
    offered = offer.get(OFFERED)
    named = offered if isinstance(offered, Mapping) else {}
    issuer_url = offer.get("credential_issuer")
    host = urlsplit(issuer_url).netloc if isinstance(issuer_url, str) else ""
    return OfferWords(
        what=received or _name(named.get("achievement")) or "a credential",
        issuer=_name(named.get("issuer")) or host or "an issuer",
    )
