"""The wallet's aggregate counts for ``GET /stats`` (funders and supporting systems).

How many learners, credentials held, presentations made and shares (share links, answers
to verifiers, downloads), and per achievement and per skill how many credentials are held
and how often they were shared. Documents are read only to find what each credential is
*about* (:func:`vckit.ob_facets.credential_facets`); the answer holds counts and the
names issuers gave achievements and skills, never an account, email, DID or recipient.
Shape: :mod:`servicekit.stats`.
"""

from __future__ import annotations

import json
from typing import Any

from servicekit.db import Database
from servicekit.stats import Tally
from vckit.ob_facets import Facets, credential_facets
from wallet.cards import credential_of
from wallet.store import decode_document

TOTALS = """
    SELECT (SELECT COUNT(*) FROM accounts) AS learners,
           (SELECT COUNT(*) FROM credentials) AS held,
           (SELECT COUNT(*) FROM presentations) AS presentations,
           (SELECT COUNT(*) FROM share_links) AS share_links,
           (SELECT COUNT(*) FROM share_log) AS shares
"""
TOTALS_ORDER = ("learners", "held", "presentations", "shares", "share_links")
HELD = "SELECT id, document FROM credentials"
SHARED = "SELECT credential_ids_json FROM share_log"


def _facets(text: str) -> Facets:
    try:
        credential = credential_of(decode_document(text))
    except ValueError:  # a stored document that is not JSON any more: count it unnamed
        credential = None
    return credential_facets(credential) if credential is not None else Facets(None, ())


def wallet_stats(db: Database) -> dict[str, Any]:
    """The counts as :class:`servicekit.stats.Tally` JSON (measures ``held``, ``shared``)."""
    tally = Tally("wallet")
    tally.measure("held", "shared")
    with db.transaction() as tx:
        totals = tx.one(TOTALS) or {}
        held = tx.all(HELD)
        shared = tx.all(SHARED)
    facets = {row["id"]: _facets(row["document"]) for row in held}
    for found in facets.values():
        tally.add("held", found)
    for row in shared:
        ids: Any = json.loads(row["credential_ids_json"] or "[]")
        for credential_id in ids if isinstance(ids, list) else []:
            if credential_id in facets:  # a credential deleted since is no longer counted
                tally.add("shared", facets[credential_id])
    tally.totals = {name: int(totals.get(name) or 0) for name in TOTALS_ORDER}
    return tally.to_json()
