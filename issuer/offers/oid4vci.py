"""OpenID4VCI 1.0 at the issuer: offers, the Pre-Authorized Code Flow, issuing to a holder's key.

Spec: https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html; the messages
themselves are built and checked in :mod:`vckit.protocols.oid4vci`. Each issuer of the
installation is a Credential Issuer (and its own Authorization Server) with identifier
``<base>/issuers/<slug>``.

1. The operator makes an offer for one achievement (:func:`create_offer`): a random
   Pre-Authorized Code, short-lived and single use (§4.1.1), optionally with a numeric
   Transaction Code shown once and stored only as a salted PBKDF2 hash (§13.6.3: wrong codes
   are counted and the offer dies after :data:`MAX_TX_CODE_ATTEMPTS`). The offer row is keyed
   by the SHA-256 of the code, which also names the offer in its ``credential_offer_uri``; the
   code itself stays in the row's request so the open offer can be shown again (§4.1.3).
   The offer object also carries ``ler_offered`` (an extension a wallet may ignore: OpenID4VCI
   names no per-offer description): the achievement's and the issuer's names, so that a
   wallet can say "Fundamentals of Nursing II from Riverside Community College" while the
   offer waits (for its transaction code), before it has the credential.
2. The Wallet swaps the code for an access token at the Token Endpoint (§6):
   :mod:`issuer.offers.token`.
3. Nonce and Credential Endpoints (§7, §8): :mod:`issuer.offers.credential`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import learner_data, sd_issue
from issuer.organisations import catalogue
from vckit.ob.credentials import ob_context
from vckit.protocols import oid4vci

OFFER_TTL = timedelta(minutes=30)
ACCESS_TOKEN_TTL = timedelta(minutes=10)
MAX_TX_CODE_ATTEMPTS = 5
TX_CODE_DIGITS = 6
PBKDF2_ITERATIONS = 100_000
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
LDP_SD = "OpenBadgeCredential_ldp_vc_ecdsa_sd"
SD_JWT = "OpenBadgeCredential_dc_sd_jwt"
#: configuration id -> the issuer.issuing.issuance format it is issued in
CONFIGURATION_FORMATS = {
    "OpenBadgeCredential_ldp_vc": "eddsa-rdfc-2022",
    "OpenBadgeCredential_jwt_vc_json": "ob3-jwt",
    LDP_SD: "ecdsa-sd-2023",
    SD_JWT: "sd-jwt-vc",
}
LEARNER_FIELDS = ("recipient_name", "date_of_birth", "grade")
OFFERED = "ler_offered"  # the offer's names, for wallets (see the module docstring)
_SHARED = (
    "cryptographic_binding_methods_supported",
    "proof_types_supported",
    "credential_metadata",
)


class OAuthError(Exception):
    """An error response in the protocol's own terms: RFC 6749 §5.2 (Token Endpoint),
    RFC 6750 §3.1 (access token), OID4VCI §8.3.1.2 (Credential Request)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description.encode("ascii", "replace").decode()[:300]
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sha256_b64(value: str) -> str:
    return b64url(hashlib.sha256(value.encode()).digest())


def stamp_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


# --- identifiers and metadata (§12.2, §12.3) ---------------------------------------------------


def issuer_identifier(inst: Installation, slug: str) -> str:
    """§12.2.1 Credential Issuer Identifier of one issuer of this installation."""
    return f"{inst.base_url}/issuers/{slug}"


def configurations() -> dict[str, dict[str, Any]]:
    """The OB 3.0 credential in ``ldp_vc`` and ``jwt_vc_json`` (Appendix A.1), then its two
    selective-disclosure forms: ``ldp_vc`` with ecdsa-sd-2023, and an SD-JWT VC (``dc+sd-jwt``,
    Appendix A.3, with the OB 3.0 ``vct``). Wallets pick the first they can hold."""
    context = ["https://www.w3.org/ns/credentials/v2", ob_context()]
    found = oid4vci.ob3_configurations(
        context, CREDENTIAL_TYPES, display_name="Open Badge", jwt_algs=("RS256",)
    )
    ldp = found["OpenBadgeCredential_ldp_vc"]
    found[LDP_SD] = {**ldp, "credential_signing_alg_values_supported": ["ecdsa-sd-2023"]}
    found[SD_JWT] = {
        "format": "dc+sd-jwt",
        "vct": sd_issue.VCT,
        "credential_signing_alg_values_supported": ["ES256"],
        **{k: ldp[k] for k in _SHARED},
    }
    return found


def issuer_metadata(inst: Installation, slug: str) -> dict[str, Any]:
    """§12.2.4 metadata; NotFoundError for an unknown issuer."""
    name = str(catalogue.get_issuer(inst, slug).profile.get("name") or slug)
    ident = issuer_identifier(inst, slug)
    return oid4vci.issuer_metadata(ident, configurations(), display_name=name)


def authorization_server_metadata(inst: Installation, slug: str) -> dict[str, Any]:
    """RFC 8414 metadata of the issuer acting as its own Authorization Server (§12.3)."""
    catalogue.get_issuer(inst, slug)
    return oid4vci.authorization_server_metadata(issuer_identifier(inst, slug))


# --- offers (§4) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """An offer as shown to the operator: ``tx_code`` only right after creation."""

    id: str
    offer: dict[str, Any]
    by_value: str  # openid-credential-offer://?credential_offer=...
    by_reference: str  # openid-credential-offer://?credential_offer_uri=...
    url: str  # where the Wallet GETs the offer object (§4.1.3)
    expires_at: str
    tx_code: str | None = None


def _hash_tx_code(code: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", code.encode(), salt, PBKDF2_ITERATIONS)
    return f"pbkdf2-sha256${PBKDF2_ITERATIONS}${b64url(salt)}${b64url(digest)}"


def tx_code_matches(code: str, stored: str) -> bool:
    """Recompute with the stored salt; compare in constant time."""
    _, _, salt, _ = stored.split("$")
    salt_bytes = base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))
    return hmac.compare_digest(_hash_tx_code(code, salt_bytes), stored)


def _view(inst: Installation, record: store.OfferRecord, tx_code: str | None = None) -> Offer:
    ident = issuer_identifier(inst, record.issuer)
    spec = None if record.tx_code_hash is None else tx_code_spec()
    offer = oid4vci.credential_offer(
        ident, record.request["configuration_ids"], record.request["pre_authorized_code"], spec
    )
    offer[OFFERED] = _offered(inst, record)
    url = f"{ident}/offers/{record.pre_authorized_code}"
    return Offer(
        record.pre_authorized_code,
        offer,
        oid4vci.offer_uri(offer=offer),
        oid4vci.offer_uri(offer_url=url),
        url,
        record.expires_at,
        tx_code,
    )


def _offered(inst: Installation, record: store.OfferRecord) -> dict[str, str]:
    """The ``ler_offered`` extension: the achievement's and the issuer's names."""
    with inst.db.transaction() as tx:
        issuer = store.get_issuer(tx, record.issuer)
        found = store.get_achievement(tx, record.issuer, str(record.request.get("achievement")))
    named: dict[str, str] = {}
    if found is not None and isinstance(found.achievement.get("name"), str):
        named["achievement"] = found.achievement["name"]
    if issuer is not None and isinstance(issuer.profile.get("name"), str):
        named["issuer"] = issuer.profile["name"]
    return named


def tx_code_spec() -> oid4vci.TxCode:
    return oid4vci.TxCode(
        length=TX_CODE_DIGITS, description="The code the issuer sent you separately"
    )


def _learner(
    inst: Installation, found: store.AchievementRecord, learner: Mapping[str, str | None]
) -> dict[str, str]:
    """The learner data to put in the credential, checked now (not at redemption)."""
    given = {k: v for k, v in learner.items() if v is not None}
    unknown = set(given) - set(LEARNER_FIELDS)
    if unknown:
        raise InvalidRequestError(f"unknown learner data {sorted(unknown)}")
    if "recipient_name" in given:
        given["recipient_name"] = learner_data.check_name(given["recipient_name"])
    if "date_of_birth" in given:
        learner_data.check_date_of_birth(given["date_of_birth"], inst.now().date())
    if "grade" in given:
        learner_data.grade_result(found.achievement, given["grade"])
    return given


def create_offer(
    inst: Installation,
    slug: str,
    achievement: str,
    *,
    tx_code: bool = False,
    configuration_ids: Sequence[str] | None = None,
    learner: Mapping[str, str | None] | None = None,
) -> Offer:
    """Offer one achievement in every supported format (the Wallet picks one, §8.2), or in
    the ``configuration_ids`` given; ``learner`` (recipient_name, date_of_birth, grade) goes
    into the credential."""
    ids = list(configurations()) if configuration_ids is None else list(configuration_ids)
    unknown = [i for i in ids if i not in configurations()]
    if not ids or unknown or len(set(ids)) != len(ids):
        raise InvalidRequestError(f"configuration_ids: use some of {', '.join(configurations())}")
    code = secrets.token_urlsafe(32)
    pin = f"{secrets.randbelow(10**TX_CODE_DIGITS):0{TX_CODE_DIGITS}d}" if tx_code else None
    now = inst.now()
    with inst.db.transaction() as tx:
        if store.get_issuer(tx, slug) is None:
            raise NotFoundError(f"no issuer {slug!r}")
        found = store.get_achievement(tx, slug, achievement)
        if found is None:
            raise NotFoundError(f"issuer {slug!r} has no achievement {achievement!r}")
        request = {
            "achievement": found.id,
            "configuration_ids": ids,
            "pre_authorized_code": code,
            "learner": _learner(inst, found, learner or {}),
        }
        record = store.OfferRecord(
            sha256_b64(code),
            slug,
            None if pin is None else _hash_tx_code(pin),
            0,
            request,
            None,
            None,
            now.isoformat(),
            (now + OFFER_TTL).isoformat(),
            None,
            None,
        )
        store.add_offer(tx, record)
    return _view(inst, record, pin)


def get_offer(inst: Installation, slug: str, offer_id: str) -> Offer:
    """An open offer (not redeemed, not expired) by its id; NotFoundError otherwise."""
    with inst.db.transaction() as tx:
        record = store.get_offer(tx, offer_id)
    if (
        record is None
        or record.issuer != slug
        or record.redeemed_at is not None
        or stamp_time(record.expires_at) <= inst.now()
    ):
        raise NotFoundError("no open offer with this id")
    return _view(inst, record)


def qr_svg(text: str) -> str:
    """The text as an SVG QR code (error correction M), for the offer page."""
    qr = segno.make_qr(text, error="m")
    return str(qr.svg_inline(scale=4, title="Credential offer", dark="#000", light="#fff"))
