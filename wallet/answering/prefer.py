"""Which of the credentials matching a DCQL credential query the wallet puts forward (ticks
when the request page opens): those showing a value the verifier asked for.

Matching itself is DCQL's, exact (OpenID4VP 1.0 §6.3: ``values`` compare type and value;
:mod:`vckit.protocols.dcql`): a credential the query does not match is never offered. Among
those it does match, the wallet prefers the ones showing an asked value, and compares an
Open Badges 3.0 skill *name* (an Alignment's ``targetName``) as the verifier's requirement
check does (:class:`verifier.checking.policy.Skill`): ignoring case and surrounding spaces.
Why here and not in the query: the verifier asks with the job's words ("patient data
privacy") and cannot know how each issuer spells a skill ("Patient data privacy"); DCQL has
no case-insensitive match, so an exact ``values`` check alone would leave unticked a
credential the verifier will accept. Every other value (a skill's ``targetUrl``, a type, a
name) is compared exactly, as DCQL and the verifier both do. This only ranks: what goes is
still what the learner ticks, and whether it meets the job is the verifier's own check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vckit.protocols.dcql import ClaimsQuery, ClaimValue, CredentialQuery, select_claims

#: The last path segment of claims compared as names (ignoring case and surrounding spaces).
NAME_CLAIMS = frozenset({"targetName"})


def _is_name(path: Sequence[object]) -> bool:
    last = next((p for p in reversed(path) if isinstance(p, str)), None)
    return last in NAME_CLAIMS


def same_value(found: object, wanted: ClaimValue, *, name: bool) -> bool:
    """Exact (type and value, as §6.3), or for a name: the same text in any case."""
    if name and isinstance(found, str) and isinstance(wanted, str):
        return found.strip().casefold() == wanted.strip().casefold()
    return type(found) is type(wanted) and found == wanted


def _shows(claim: ClaimsQuery, credential: Mapping[str, Any]) -> bool:
    found = select_claims(credential, claim.path)
    if found is None:
        return False
    if claim.values is None:
        return True
    name = _is_name(claim.path)
    return any(same_value(f, w, name=name) for f in found for w in claim.values)


def shows_asked_value(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """§6.4.1 read with :func:`same_value`: the claims this credential would deliver (all of
    ``claims``, or the first ``claim_sets`` option it shows in full) include one asked for
    with ``values``."""
    if not query.claims:
        return False
    if query.claim_sets is None:
        chosen: Sequence[ClaimsQuery] | None = query.claims
        if not all(_shows(c, credential) for c in query.claims):
            chosen = None
    else:
        by_id = {c.id: c for c in query.claims}
        chosen = next(
            (
                [by_id[i] for i in option]
                for option in query.claim_sets
                if all(_shows(by_id[i], credential) for i in option)
            ),
            None,
        )
    return chosen is not None and any(c.values is not None for c in chosen)
