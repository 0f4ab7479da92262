"""Whether an answer is bound to the request it claims to answer: the decision a verifier
makes before it spends a request's single-use nonce.

A verifier hands a holder a nonce (OpenID4VP ``nonce``, a VC-API ``challenge``) and an
audience (``client_id``, ``domain``), and accepts one answer per nonce. If it spent the
nonce on anything that merely *names* the request, a stranger could use the request up
with junk and the real holder would be refused as a replay. So the nonce is spent only by
an answer whose holder proof verifies and was made over that nonce and audience:

- a JSON-LD presentation (VC Data Integrity 1.0 §4.3 steps 6-7): its ``authentication``
  proof verifies (``proof``), with a key of the holder it names (``holder-key``), and
  carries the expected ``challenge`` and ``domain``;
- an SD-JWT with its Key Binding JWT (RFC 9901 §7.3): the KB-JWT verifies with the
  ``cnf`` key (``proof``) and its ``nonce`` and ``aud`` are the expected ones
  (``challenge``, ``domain``).

A bare credential, a presentation without a proof, one whose proof fails, or one signed
over another nonce or audience is not bound. What the credentials inside *say* (revoked,
expired, about someone else, from an unknown issuer) does not matter here: a bound answer
with failing credentials is still the holder's answer, and gets a failing verdict.

:func:`bound_to_request` reads the reports :func:`vckit.verify` made with
``options.challenge`` and ``options.domain`` set to what the request asked for (both must be
given: without them nothing can be bound). It returns one :class:`Binding` for the whole
answer; an answer of several presentations is bound only when each of them is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vckit.report import PASS, CheckId, Report

HOLDER_PROOF: tuple[CheckId, ...] = ("proof", "challenge", "domain")
"""The checks every bound presentation passed (``holder-key`` too, when it has one)."""


@dataclass(frozen=True)
class Binding:
    """Whether an answer is bound to the request, and if not, why (for a person to read)."""

    bound: bool
    reason: str


def presentation_binding(report: Report) -> Binding:
    """Whether one presentation's holder proof verifies over the expected nonce and audience."""
    if report.kind != "presentation":
        return Binding(False, "not a presentation signed by its holder (a bare credential)")
    wanted: tuple[CheckId, ...] = HOLDER_PROOF
    if report.check("holder-key") is not None:
        wanted = ("proof", "holder-key", "challenge", "domain")
    for check_id in wanted:
        found = report.check(check_id)
        if found is None:
            return Binding(False, f"{check_id}: not checked")
        if found.status != PASS:
            return Binding(False, f"{check_id}: {found.detail}")
    return Binding(True, "signed by its holder over the request's nonce and audience")


def bound_to_request(reports: Sequence[Report]) -> Binding:
    """The answer's binding: every presentation's (the first that is not bound says why)."""
    if not reports:
        return Binding(False, "the answer holds no presentation")
    for number, report in enumerate(reports, 1):
        found = presentation_binding(report)
        if not found.bound:
            where = f"presentation #{number}: " if len(reports) > 1 else ""
            return Binding(False, where + found.reason)
    return Binding(True, presentation_binding(reports[0]).reason)
