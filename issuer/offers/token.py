"""OpenID4VCI 1.0 §6 Token Endpoint: the Wallet swaps a pre-authorized code (and the
Transaction Code, when the offer has one) for an access token.

The code is single use and short-lived; a wrong Transaction Code is counted, and the offer
dies after :data:`~issuer.offers.oid4vci.MAX_TX_CODE_ATTEMPTS`. Only the access token's
SHA-256 is stored. Errors are :class:`~issuer.offers.oid4vci.OAuthError` (RFC 6749 §5.2).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from issuer import store
from issuer.installation import Installation
from issuer.offers.oid4vci import (
    ACCESS_TOKEN_TTL,
    MAX_TX_CODE_ATTEMPTS,
    OAuthError,
    sha256_b64,
    stamp_time,
    tx_code_matches,
)
from vckit.protocols import oid4vci


def _field(form: Mapping[str, list[str]], name: str) -> str | None:
    values = form.get(name, [])
    if len(values) > 1:
        raise OAuthError("invalid_request", f"parameter {name} is repeated (RFC 6749 §3.2)")
    return values[0] if values else None


def _claim_code(inst: Installation, offer_id: str, token_hash: str, now: datetime) -> bool:
    """Single use: mark the offer redeemed only if nobody did first."""
    with inst.db.transaction() as tx:
        changed = tx.execute(
            "UPDATE offers SET redeemed_at = ?, access_token_hash = ? "
            "WHERE pre_authorized_code = ? AND redeemed_at IS NULL",
            (now.isoformat(), token_hash, offer_id),
        )
    return changed == 1


def redeem(inst: Installation, slug: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
    """§6.1 Token Request with the pre-authorized code grant -> §6.2 Token Response."""
    grant = _field(form, "grant_type")
    code = _field(form, "pre-authorized_code")
    pin = _field(form, "tx_code")
    if grant is None:
        raise OAuthError("invalid_request", "grant_type is missing")
    if grant != oid4vci.PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", f"only {oid4vci.PRE_AUTHORIZED_GRANT}")
    if not code:
        raise OAuthError("invalid_request", "pre-authorized_code is missing")
    now = inst.now()
    offer_id = sha256_b64(code)
    with inst.db.transaction() as tx:
        record = store.get_offer(tx, offer_id)
    if record is None or record.issuer != slug:
        raise OAuthError("invalid_grant", "unknown pre-authorized code")
    if record.redeemed_at is not None:
        raise OAuthError("invalid_grant", "the pre-authorized code was already used")
    if stamp_time(record.expires_at) <= now:
        raise OAuthError("invalid_grant", "the pre-authorized code has expired")
    if record.tx_code_attempts >= MAX_TX_CODE_ATTEMPTS:
        raise OAuthError("invalid_grant", "too many wrong transaction codes; offer withdrawn")
    if record.tx_code_hash is None and pin is not None:
        raise OAuthError("invalid_request", "this offer has no transaction code")
    if record.tx_code_hash is not None:
        if pin is None:
            raise OAuthError("invalid_request", "tx_code is missing")
        if not tx_code_matches(pin, record.tx_code_hash):
            with inst.db.transaction() as tx:
                tx.execute(
                    "UPDATE offers SET tx_code_attempts = tx_code_attempts + 1 "
                    "WHERE pre_authorized_code = ?",
                    (offer_id,),
                )
            raise OAuthError("invalid_grant", "wrong transaction code")
    token = secrets.token_urlsafe(32)
    if not _claim_code(inst, offer_id, sha256_b64(token), now):
        raise OAuthError("invalid_grant", "the pre-authorized code was already used")
    expires_in = int(ACCESS_TOKEN_TTL.total_seconds())
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
