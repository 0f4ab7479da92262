"""A credential's fields as a person reads them, for the pages where the learner chooses what
to share (``/credentials/{id}/disclose`` and ``/requests/{id}``).

::

    from wallet import field_text
    listing = field_text.listing(choice)     # switchable fields first, then the locked ones
    listing.switchable, listing.locked, listing.locked_reason

Each field's value is in words by :func:`vckit.ob.field_words.words` ("Alex Rivera",
"B (Final grade)", "23 November 2026"), as the verifier says it. The JSON preview on the pages
stays exact JSON; this is only for reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from vckit.disclosure import fields as sd_fields
from vckit.ob import field_words
from wallet.sharing import disclose
from wallet.sharing.disclose import Choice

#: The reason a group of locked fields is shown anyway, said once for the group.
GROUP_REASONS = {
    sd_fields.WHY_ECDSA_SD: "the issuer made these mandatory",
    sd_fields.WHY_SD_JWT: "the issuer did not make these selectively disclosable",
    sd_fields.WHY_PLAIN: "this credential's format cannot hide fields",
}


@dataclass(frozen=True)
class Line:
    """One field as a page shows it: its words, and whether it goes."""

    pointer: str
    label: str
    text: str
    mandatory: bool
    why: str
    shown: bool


@dataclass(frozen=True)
class Listing:
    """The fields the learner can switch (learner data first), then the locked ones;
    ``locked_reason``: the one reason they are locked, when they share it ("" otherwise)."""

    switchable: tuple[Line, ...]
    locked: tuple[Line, ...]
    locked_reason: str


def listing(choice: Choice) -> Listing:
    credential = disclose.credential_view(choice.record.document) or {}
    shown = set(choice.shown)
    lines = [
        Line(
            f.pointer,
            f.label,
            field_words.words(f.value, credential),
            f.mandatory,
            f.why,
            f.pointer in shown,
        )
        for f in choice.fields
    ]
    switchable = sorted((line for line in lines if not line.mandatory), key=_learner_first)
    locked = tuple(line for line in lines if line.mandatory)
    reasons = {line.why for line in locked}
    reason = GROUP_REASONS.get(next(iter(reasons)), "") if len(reasons) == 1 else ""
    return Listing(tuple(switchable), locked, reason)


def _learner_first(line: Line) -> int:
    """Learner data in the order people know it (:data:`vckit.disclosure.fields.LEARNER_LABELS`),
    then the rest as the credential lists it (the sort is stable)."""
    known = sd_fields.LEARNER_LABELS
    return known.index(line.label) if line.label in known else len(known)
