"""Issuers and their achievement catalogues; the demo loaded from ``examples/``.

``examples/issuers.json`` is a list of issuers::

    [{"slug": "community-college", "name": "...", "url": "...", "description": "...",
      "email": "...", "achievements": ["fundamentals-of-nursing-1", ...]}]

with an optional ``"identity": "did:key"`` (default ``did:web``): how the issuer's keys are
named (:mod:`issuer.organisations.identity`).

and ``examples/achievements/<slug>.json`` holds one OB 3.0 Achievement without ``id`` and
``type`` (the catalogue assigns ``<base>/issuers/<issuer>/achievements/<slug>``). Every
achievement is checked against the OB 3.0 schema when it is created (inside a throwaway
credential), so a bad one is refused at creation, not at issuance.

Selective disclosure policy: an achievement file (or the ``achievement`` object of
``POST /issuers/<slug>/achievements``) may carry one extra key, ``"disclosable"``: the list of
learner-data fields (:data:`issuer.issuing.learner_data.FIELDS`: ``recipientName``, ``dateOfBirth``,
``email``, ``grade``, ``evidence``, ``awardedDate``) a holder may withhold in an ``ecdsa-sd-2023``
or ``sd-jwt-vc`` credential. The catalogue stores it beside the Achievement and strips it from
the Achievement itself (it is the issuer's policy, not part of OB 3.0). Without the key, all
six are disclosable (:func:`disclosable_of`); the others are mandatory, like the issuer,
validity, status and the achievement, which are never disclosable.

Programmes (CLR 2.0): an achievement may carry ``"courses"``, the slugs of the issuer's
achievements that make it up, in the order they are taken (each must exist already). The
catalogue stores the list beside the Achievement; a CLR of the programme
(:mod:`issuer.issuing.clr`) derives its associations from it: each course ``isChildOf`` the
programme, each course ``precedes`` the next.

The text staff type that learners and employers read (an achievement's name, description and
criteria narrative) must be printable
(:func:`servicekit.text.is_printable`; line breaks allowed in descriptions and narratives): a
bidi override or an invisible character is refused, naming the field.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from issuer import store
from issuer.artwork import images
from issuer.errors import ConflictError, InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import learner_data
from issuer.organisations import identity
from servicekit.db import ConflictError as DbConflict
from servicekit.db import Tx
from servicekit.text import PRINTABLE_RULE, is_printable
from vckit import ob as openbadges

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_PROFILE_FIELDS = ("url", "email", "phone", "description", "image", "official")


def _check_slug(slug: object, what: str) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise InvalidRequestError(f"{what} slug must be lower-case letters, digits and '-'")
    return slug


def create_issuer(
    inst: Installation, slug: str, name: str, *, identity_kind: str = "did:web", **profile: Any
) -> store.IssuerRecord:
    """A new issuer with its did:web DID, its OB 3.0 Profile and a first set of keys;
    ``identity_kind`` did:key gives each signing key its own did:key DID
    (:mod:`issuer.organisations.identity`)."""
    _check_slug(slug, "issuer")
    if identity_kind not in identity.IDENTITIES:
        raise InvalidRequestError(f"identity must be one of {', '.join(identity.IDENTITIES)}")
    unknown = set(profile) - set(_PROFILE_FIELDS)
    if unknown:
        raise InvalidRequestError(f"unknown issuer profile fields: {', '.join(sorted(unknown))}")
    did = identity.issuer_did(inst.base_url, slug)
    document = openbadges.profile(did, name, **{k: v for k, v in profile.items() if v})
    with inst.db.transaction() as tx:
        try:
            store.add_issuer(tx, slug, did, document, inst.stamp(), identity_kind)
        except DbConflict as exc:
            raise ConflictError(f"issuer {slug!r} exists already") from exc
        identity.add_keys(tx, inst, slug, did, 1, identity_kind)
        record = store.get_issuer(tx, slug)
    if record is None:  # pragma: no cover - just written
        raise NotFoundError(slug)
    return record


def achievement_id(inst: Installation, issuer: str, slug: str) -> str:
    return f"{inst.base_url}/issuers/{issuer}/achievements/{slug}"


def check_achievement(document: dict[str, Any], issuer_did: str) -> None:
    """Validate an Achievement by validating a credential that carries it."""
    probe = openbadges.achievement_credential(
        "urn:uuid:00000000-0000-4000-8000-000000000000",
        issuer_did,
        document,
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        subject_id="did:example:probe",
    )
    problems = openbadges.validate(probe)
    if problems:
        listed = "; ".join(
            f"{p.path.replace('/credentialSubject/achievement', '') or '/'}: {p.message}"
            for p in problems[:5]
        )
        raise InvalidRequestError(f"the achievement fails the OB 3.0 schema: {listed}")


def create_achievement(
    inst: Installation, issuer: str, slug: str, data: dict[str, Any]
) -> store.AchievementRecord:
    """Add an OB 3.0 Achievement (``data`` without id) to the issuer's catalogue."""
    _check_slug(slug, "achievement")
    if not isinstance(data, dict):
        raise InvalidRequestError("the achievement must be a JSON object")
    if "id" in data:
        raise InvalidRequestError("leave the achievement id out; the catalogue assigns it")
    _check_shown("name", data.get("name"))
    _check_shown("description", data.get("description"), lines=True)
    criteria = data.get("criteria")
    if isinstance(criteria, dict):
        _check_shown("criteria.narrative", criteria.get("narrative"), lines=True)
    policy = None if "disclosable" not in data else learner_data.check_policy(data["disclosable"])
    images.check_carried(data.get("image"))  # a data: image passes the upload checks
    document = {
        "id": achievement_id(inst, issuer, slug),
        "type": ["Achievement"],
        **{k: v for k, v in data.items() if k not in ("type", "disclosable", "courses")},
    }
    with inst.db.transaction() as tx:
        record = store.get_issuer(tx, issuer)
        if record is None:
            raise NotFoundError(f"no issuer {issuer!r}")
        check_achievement(document, record.did)
        courses = _check_courses(tx, issuer, slug, data.get("courses", []))
        try:
            store.add_achievement(
                tx, document["id"], issuer, slug, document, inst.stamp(), policy, courses
            )
        except DbConflict as exc:
            raise ConflictError(f"achievement {slug!r} exists already") from exc
        found = store.get_achievement(tx, issuer, slug)
    if found is None:  # pragma: no cover - just written
        raise NotFoundError(slug)
    return found


def _check_shown(field: str, value: object, *, lines: bool = False) -> None:
    """Text staff typed that learners and employers read must say what it shows
    (:func:`servicekit.text.is_printable`); a value that is not text is the schema's concern."""
    if isinstance(value, str) and not is_printable(value, lines=lines):
        raise InvalidRequestError(f"{field}: {PRINTABLE_RULE}")


def _check_courses(tx: Tx, issuer: str, slug: str, courses: object) -> tuple[str, ...]:
    """A programme's courses: distinct slugs of achievements the issuer has already."""
    if not isinstance(courses, list) or not all(isinstance(c, str) for c in courses):
        raise InvalidRequestError("courses must be a list of achievement slugs")
    if len(set(courses)) != len(courses) or slug in courses or len(courses) > 50:
        raise InvalidRequestError("courses must name at most 50 other achievements, each once")
    for course in courses:
        if store.get_achievement(tx, issuer, course) is None:
            raise InvalidRequestError(f"issuer {issuer!r} has no achievement {course[:100]!r}")
    return tuple(courses)


def disclosable_of(record: store.AchievementRecord) -> tuple[str, ...]:
    """The learner-data fields a holder may withhold in credentials of this achievement."""
    return tuple(learner_data.FIELDS) if record.disclosable is None else record.disclosable


def list_issuers(inst: Installation) -> list[store.IssuerRecord]:
    """Every issuer (this and the three next read without waiting for a writer, a running
    batch: :meth:`servicekit.db.Database.reading`)."""
    with inst.db.reading() as tx:
        return store.list_issuers(tx)


def get_issuer(inst: Installation, slug: str) -> store.IssuerRecord:
    with inst.db.reading() as tx:
        record = store.get_issuer(tx, slug)
    if record is None:
        raise NotFoundError(f"no issuer {slug!r}")
    return record


def list_achievements(inst: Installation, issuer: str) -> list[store.AchievementRecord]:
    with inst.db.reading() as tx:
        if store.get_issuer(tx, issuer) is None:
            raise NotFoundError(f"no issuer {issuer!r}")
        return store.list_achievements(tx, issuer)


def get_achievement(inst: Installation, issuer: str, slug: str) -> store.AchievementRecord:
    with inst.db.reading() as tx:
        record = store.get_achievement(tx, issuer, slug)
    if record is None:
        raise NotFoundError(f"issuer {issuer!r} has no achievement {slug!r}")
    return record


def load_demo(inst: Installation, issuers_file: Path) -> int:
    """Create the demo issuers and achievements unless issuers exist; returns how many
    issuers were created."""
    if list_issuers(inst):
        return 0
    entries = json.loads(issuers_file.read_text(encoding="utf-8"))
    folder = issuers_file.parent / "achievements"
    for entry in entries:
        profile = {k: entry[k] for k in _PROFILE_FIELDS if k in entry}
        kind = entry.get("identity", "did:web")
        create_issuer(inst, entry["slug"], entry["name"], identity_kind=kind, **profile)
        for slug in entry.get("achievements", []):
            data = json.loads((folder / f"{slug}.json").read_text(encoding="utf-8"))
            create_achievement(inst, entry["slug"], slug, data)
            if "image" not in data:  # the demo's badges carry their generated image
                images.generate(inst, entry["slug"], slug)
    return len(entries)
