"""The wallet's aggregate counts for ``GET /stats`` (funders and supporting systems).

Totals only: how many learners, credentials held, credentials whose last check passed
(``verified``), presentations made, shares (share links opened, answers to verifiers,
downloads) and share links. There is **no** breakdown by achievement or skill: anything
can be held here, a self-signed credential too, so the names inside held credentials are
text anyone can choose and must not reach a public page. Names per achievement and skill
come from the issuer (what it issued) and the verifier (what it received from accredited
issuers). ``by_achievement`` and ``by_skill`` are present and empty, to keep the shape of
:mod:`servicekit.stats`. No account, email, DID or document is read.
"""

from __future__ import annotations

from typing import Any

from servicekit.db import Database
from servicekit.stats import Tally
from wallet.receiving.check import VERIFIED

TOTALS = """
    SELECT (SELECT COUNT(*) FROM accounts) AS learners,
           (SELECT COUNT(*) FROM credentials) AS held,
           (SELECT COUNT(*) FROM credentials WHERE verdict = ?) AS verified,
           (SELECT COUNT(*) FROM presentations) AS presentations,
           (SELECT COUNT(*) FROM share_log) AS shares,
           (SELECT COUNT(*) FROM share_links) AS share_links
"""
TOTALS_ORDER = ("learners", "held", "verified", "presentations", "shares", "share_links")


def wallet_stats(db: Database) -> dict[str, Any]:
    """The counts as :class:`servicekit.stats.Tally` JSON: totals, empty breakdowns."""
    tally = Tally("wallet")
    with db.transaction() as tx:
        totals = tx.one(TOTALS, (VERIFIED,)) or {}
    tally.totals = {name: int(totals.get(name) or 0) for name in TOTALS_ORDER}
    return tally.to_json()
