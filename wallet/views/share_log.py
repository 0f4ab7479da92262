"""The learner's share log in words: when (a human date), how, with whom (the verifier's
name as its request gave it, never its ``redirect_uri:`` client identifier), and which
credentials (their names, linked to their cards; a deleted one says so).

Pure: the log records, the learner's credential names and the requests' requesters are
handed in (:func:`wallet.web.pages.present.share_log_page` gathers them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wallet.sharing.nested import split_id as nested_split
from wallet.store import ShareLogRecord

LINK = "made a share link (anyone with the link could open it)"


def _how(kind: str, who: str | None) -> str:
    """What the learner did, in words (the log's ``kind``), with whom when known."""
    if kind == "share-link":
        return LINK
    if kind == "download":
        return f"downloaded a presentation for {who}" if who else "downloaded a presentation"
    return f"answered a request from {who or 'a verifier'}"


@dataclass(frozen=True)
class SharedCredential:
    id: str
    name: str
    held: bool  # still in the wallet (else: deleted since)

    @property
    def page(self) -> str:
        """The id of the wallet page that shows it: its own, or its CLR's for a credential
        shared from inside a CLR (:mod:`wallet.sharing.nested`)."""
        inside = nested_split(self.id)
        return inside[0] if inside else self.id


@dataclass(frozen=True)
class LogLine:
    at: str  # the stored moment (the page's ``when`` filter says it)
    how: str
    who: str
    credentials: tuple[SharedCredential, ...]
    technical: str  # the recipient as recorded (client identifier, domain), for the fold


def line_of(
    record: ShareLogRecord, names: Mapping[str, str], requesters: Mapping[str, str]
) -> LogLine:
    detail = record.detail or {}
    request_id = detail.get("request")
    who = requesters.get(request_id) if isinstance(request_id, str) else None
    shared = tuple(
        SharedCredential(c, names.get(c, "a credential deleted since"), c in names)
        for c in record.credential_ids
    )
    if who is None and record.kind != "share-link" and not record.recipient.startswith("("):
        who = record.recipient  # a VC-API domain as recorded
    return LogLine(
        at=record.at,
        how=_how(record.kind, who),
        who=who or "",
        credentials=shared,
        technical=record.recipient,
    )


def lines_of(
    records: Sequence[ShareLogRecord], names: Mapping[str, str], requesters: Mapping[str, str]
) -> list[LogLine]:
    return [line_of(r, names, requesters) for r in records]
