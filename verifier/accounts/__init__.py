"""Who may use the verifier: organisations (employers), their staff, and API tokens.

* :mod:`verifier.accounts.staff`   organisations and staff (argon2id passwords, sessions)
* :mod:`verifier.accounts.tokens`  an organisation's API tokens: scoped, hashed, revocable
* :mod:`verifier.accounts.demo`    the demo's two employers, staff member and token

A caller of a non-public route is a :class:`Caller`: the organisation it acts for and the
scopes it holds (staff hold every scope; a token holds the scopes it was made with).
"""

from __future__ import annotations

from dataclasses import dataclass

JOBS_READ = "jobs:read"
JOBS_WRITE = "jobs:write"
RESULTS_READ = "results:read"
WEBHOOKS_WRITE = "webhooks:write"
TOKENS_WRITE = "tokens:write"
SCOPES = (JOBS_READ, JOBS_WRITE, RESULTS_READ, WEBHOOKS_WRITE, TOKENS_WRITE)
"""Every scope a token can hold:

=================  ==========================================================================
jobs:read          list jobs, read a job, its requests, its webhook and delivery log; registry
jobs:write         open jobs and presentation requests
results:read       read the answers (reports, with what applicants disclosed)
webhooks:write     set or remove a job's webhook
tokens:write       list, make and revoke the organisation's tokens
=================  ==========================================================================
"""


@dataclass(frozen=True)
class Caller:
    """Who calls a non-public route: the organisation, its scopes, and how it signed in."""

    organisation_id: str
    scopes: frozenset[str]
    staff_id: str | None = None  # a signed-in staff member; None for a token
    token_id: str | None = None

    def may(self, scope: str) -> bool:
        return scope in self.scopes
