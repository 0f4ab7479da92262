"""A held credential as a card: what a person reads, made from the stored credential and
its stored verification report. Pure: no web, no storage, no network; ``now`` is passed in.

What the card shows follows the Open Badges 3.0 Conformance and Certification Guide,
"Open Badges 3.0 Displayer Service Conformance": a viewer must see the badge's **image**,
**name**, **description**, **issuer name**, **issue date** and its **status (expired
and/or revoked)**. The wallet adds the achievement's **criteria**, **alignments**,
**results** and the credential's **evidence** (OB 3.0 §B.1 Achievement, §B.1.3
Alignment, §B.1.17 Result, §B.1.9 Evidence).

The badge on a card, the verdict of its stored report, is :mod:`wallet.views.badge`.

A credential whose content cannot be read (a JWT that does not decode) still gets a card,
named as such, with the badge of its report. One that cannot even be made into a card
(whatever reading it raises) gets :func:`unreadable_card`: "Unreadable credential", failed,
with a failed ``readable`` check; :mod:`wallet.views.held` makes sure of it, so one stored
credential never breaks a page that lists the learner's credentials.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit.datetimes import parse_xsd_datetime
from vckit.errors import VckitError
from vckit.jose.vc_jwt import peek
from vckit.ob.baking import default_badge_svg
from wallet.sharing.disclose import credential_view, is_sd_jwt, sd_jwt_claims
from wallet.store import CredentialRecord
from wallet.views.badge import Badge, CheckLine, badge_of, check_lines
from wallet.views.badge import said as badge_said
from wallet.views.endorsements import Endorsement, endorsements_of

SAFE_IMAGE_PREFIXES = (
    "data:image/png;",
    "data:image/png,",
    "data:image/svg+xml;",
    "data:image/svg+xml,",
)
"""Images a card shows: the credential's own PNG or SVG artwork, carried in it as a ``data:``
URL (how the issuer embeds an achievement's image). Nothing is fetched: a web URL (``https:``,
which the pages' Content-Security-Policy would block anyway), another type or scheme
(``javascript:``, ``data:text/html``) is not shown; the card draws its own badge instead. An
SVG is shown only through ``<img>``, where a browser runs none of its scripts."""
MAX_IMAGE_URL = 128 * 1024
"""Longest ``data:`` URL a card shows (128 Ki characters, about 96 KiB of image): every
card of a list carries its image inline."""


@dataclass(frozen=True)
class Alignment:
    """OB 3.0 §B.1.3: a skill, competency or standard the achievement aligns to."""

    name: str
    url: str | None
    code: str | None
    framework: str | None
    type: str | None
    description: str | None

    @property
    def href(self) -> str | None:
        return link(self.url)


@dataclass(frozen=True)
class Result:
    """OB 3.0 §B.1.17, named after the ResultDescription it refers to."""

    name: str
    value: str


@dataclass(frozen=True)
class Evidence:
    """OB 3.0 §B.1.9."""

    name: str
    url: str | None
    description: str | None
    narrative: str | None

    @property
    def href(self) -> str | None:
        return link(self.url)


@dataclass(frozen=True)
class Card:
    id: str  # the wallet's record id
    readable: bool
    name: str
    description: str | None
    image_url: str | None
    image_alt: str
    issuer_name: str
    issuer_id: str | None
    issued: str | None  # awardedDate, else validFrom (VC 1.1: issuanceDate), as a date
    valid_until: str | None
    achievement_name: str | None
    achievement_type: str | None
    criteria: str | None
    criteria_url: str | None
    alignments: tuple[Alignment, ...]
    results: tuple[Result, ...]
    evidence: tuple[Evidence, ...]
    badge: Badge
    checks: tuple[CheckLine, ...]
    format: str
    secured_by: str | None  # the report's format: eddsa-rdfc-2022, vc-jwt ...
    source: str
    received_at: str
    checked_at: str | None
    raw: str  # the credential as stored, pretty-printed JSON or the JWT text
    decoded: str | None  # a JWT's decoded header and payload, pretty-printed
    nested: tuple[Card, ...] = ()  # a CLR's credentials (wallet.views.transcript)
    endorsements: tuple[Endorsement, ...] = ()  # wallet.views.endorsements

    @property
    def said(self) -> str:
        """The badge in a sentence (:func:`wallet.views.badge.said`)."""
        return badge_said(self.badge, self.checked_at)


def link(url: str | None) -> str | None:
    """A URL a page may link to: http(s) only (never ``javascript:``, ``data:`` ...)."""
    if url is not None and url.lower().startswith(("https://", "http://")):
        return url
    return None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _objects(value: object) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    found = _objects(credential.get("credentialSubject"))
    return found[0] if found else {}


def _achievement(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    found = _objects(_subject(credential).get("achievement"))
    return found[0] if found else {}


def _date(value: object) -> datetime | None:
    try:
        return parse_xsd_datetime(value, "date", require_timezone=False)
    except VckitError:
        return None


def achievement_of(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential's (first) OB 3.0 Achievement, {} when it has none."""
    return _achievement(credential)


def moment_of(value: object) -> datetime | None:
    """An xsd:dateTime (or date) of a credential as a datetime, None when it is not one."""
    return _date(value)


def _shown_date(value: object) -> str | None:
    parsed = _date(value)
    return parsed.date().isoformat() if parsed is not None else _text(value)


def image_of(credential: Mapping[str, Any]) -> tuple[str | None, str]:
    """The credential's image (OB 3.0: the badge image, ideally baked), else the
    achievement's, when it is a ``data:`` URL of a PNG or SVG (:data:`SAFE_IMAGE_PREFIXES`,
    :data:`MAX_IMAGE_URL`); with its alternative text."""
    achievement = _achievement(credential)
    name = _text(credential.get("name")) or _text(achievement.get("name")) or "credential"
    for value in (credential.get("image"), achievement.get("image")):
        image = value if isinstance(value, Mapping) else {"id": value}
        url = _text(image.get("id"))
        if url and url.lower().startswith(SAFE_IMAGE_PREFIXES) and len(url) <= MAX_IMAGE_URL:
            return url, _text(image.get("caption")) or f"Image of {name}"
    return None, ""


def default_image(name: str, issuer: str) -> str:
    """A generated badge naming the achievement and its issuer (for a credential without
    artwork), as a ``data:`` URL the pages' Content-Security-Policy allows."""
    svg = default_badge_svg(name, issuer if issuer != "Unnamed issuer" else "")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def issuer_of(credential: Mapping[str, Any]) -> tuple[str, str | None]:
    """The issuer's name (VC 2.0 §4.7: ``issuer`` is a URL or an object with ``id``), and id."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer_id = _text(issuer.get("id"))
        return _text(issuer.get("name")) or issuer_id or "Unnamed issuer", issuer_id
    issuer_id = _text(issuer)
    return issuer_id or "Unnamed issuer", issuer_id


def alignments_of(achievement: Mapping[str, Any]) -> tuple[Alignment, ...]:
    """OB 3.0 §B.1.3 ``Achievement.alignment``; an alignment with neither a targetName
    nor a targetUrl names nothing and is left out."""
    found = []
    for item in _objects(achievement.get("alignment")):
        name, url = _text(item.get("targetName")), _text(item.get("targetUrl"))
        if name is None and url is None:
            continue
        found.append(
            Alignment(
                name or url or "",
                url,
                _text(item.get("targetCode")),
                _text(item.get("targetFramework")),
                _text(item.get("targetType")),
                _text(item.get("targetDescription")),
            )
        )
    return tuple(found)


def results_of(credential: Mapping[str, Any]) -> tuple[Result, ...]:
    """OB 3.0 §B.1.17 ``AchievementSubject.result``, each named by its ResultDescription
    (§B.1.18, found by id in the achievement) and an achieved rubric level by its name."""
    described_all = _objects(_achievement(credential).get("resultDescription"))
    descriptions = {_text(item.get("id")): item for item in described_all}
    # levels are looked up in every ResultDescription: 1EdTech's own fullOpenBadge example
    # names a level of another description than the one its result links to
    levels = {
        _text(level.get("id")): level
        for item in described_all
        for level in _objects(item.get("rubricCriterionLevel"))
    }
    found = []
    for result in _objects(_subject(credential).get("result")):
        described = descriptions.get(_text(result.get("resultDescription")), {})
        level = levels.get(_text(result.get("achievedLevel")), {})
        parts = [
            _text(result.get("value")),
            _text(level.get("name")) or _text(result.get("achievedLevel")),
            _text(result.get("status")),
        ]
        value = " · ".join(part for part in parts if part) or "(no value stated)"
        found.append(Result(_text(described.get("name")) or "Result", value))
    return tuple(found)


def evidence_of(credential: Mapping[str, Any]) -> tuple[Evidence, ...]:
    """OB 3.0 §B.1.9 ``evidence`` on the credential."""
    return tuple(
        Evidence(
            _text(item.get("name")) or _text(item.get("id")) or "Evidence",
            _text(item.get("id")),
            _text(item.get("description")),
            _text(item.get("narrative")),
        )
        for item in _objects(credential.get("evidence"))
    )


def _raw(document: Mapping[str, Any] | str) -> tuple[str, str | None]:
    if isinstance(document, Mapping):
        return json.dumps(document, ensure_ascii=False, indent=2), None
    if is_sd_jwt(document):
        claims = sd_jwt_claims(document)
        shown = None if claims is None else json.dumps(claims, ensure_ascii=False, indent=2)
        return document, shown
    try:
        header, payload = peek(document)
    except VckitError:
        return document, None
    decoded = {"header": header, "payload": payload}
    return document, json.dumps(decoded, ensure_ascii=False, indent=2)


UNREADABLE = CheckLine(
    "readable", "Readable", "fail", "the wallet cannot read this credential: it cannot be shown"
)


def unreadable_card(record: CredentialRecord) -> Card:
    """The card of a stored credential the wallet cannot read at all: failed, cannot be read."""
    raw = record.document if isinstance(record.document, str) else ""
    return Card(
        id=record.id, readable=False, name="Unreadable credential", description=None,
        image_url=None, image_alt="", issuer_name="Unknown issuer", issuer_id=None,
        issued=None, valid_until=None, achievement_name=None, achievement_type=None,
        criteria=None, criteria_url=None, alignments=(), results=(), evidence=(),
        badge=Badge("failed", "Failed: cannot be read", UNREADABLE.detail),
        checks=(UNREADABLE,), format=record.format, secured_by=None, source=record.source,
        received_at=record.received_at, checked_at=record.checked_at, raw=raw[:100_000],
        decoded=None,
    )  # fmt: skip


def card_of(record: CredentialRecord, now: datetime | None = None) -> Card:
    """The card of a stored credential and its stored report, as of ``now``."""
    credential = credential_view(record.document)
    content = credential or {}
    achievement = _achievement(content)
    criteria = _objects(achievement.get("criteria"))
    image_url, image_alt = image_of(content)
    issuer_name, issuer_id = issuer_of(content) if credential else ("Unknown issuer", None)
    valid_until = content.get("validUntil", content.get("expirationDate"))
    checks = check_lines(record.report)
    raw, decoded = _raw(record.document)
    name = _text(content.get("name")) or _text(achievement.get("name"))
    if image_url is None and credential is not None:
        image_url = default_image(_text(achievement.get("name")) or name or "Badge", issuer_name)
        image_alt = (
            f"Badge of {name or 'the credential'} (drawn by the wallet: the issuer gave none)"
        )
    return Card(
        id=record.id,
        readable=credential is not None,
        name=name or ("Unnamed credential" if credential else "Unreadable credential"),
        description=_text(content.get("description")) or _text(achievement.get("description")),
        image_url=image_url,
        image_alt=image_alt,
        issuer_name=issuer_name,
        issuer_id=issuer_id,
        issued=_shown_date(
            content.get("awardedDate", content.get("validFrom", content.get("issuanceDate")))
        ),
        valid_until=_shown_date(valid_until),
        achievement_name=_text(achievement.get("name")),
        achievement_type=_text(achievement.get("achievementType")),
        criteria=_text(criteria[0].get("narrative")) if criteria else None,
        criteria_url=link(_text(criteria[0].get("id"))) if criteria else None,
        alignments=alignments_of(achievement),
        results=results_of(content),
        evidence=evidence_of(content),
        badge=badge_of(
            checks, reported=record.report is not None, valid_until=_date(valid_until), now=now
        ),
        checks=checks,
        format=record.format,
        secured_by=_text(record.report.get("format")) if record.report else None,
        source=record.source,
        received_at=record.received_at,
        checked_at=record.checked_at,
        raw=raw,
        decoded=decoded,
        endorsements=endorsements_of(credential, record.report),
    )
