"""The endorsements a held credential carries, shown on its card: who endorses what, what they
say, and whether the endorsement itself verified. Pure: reads the stored report.

OB 3.0 §B "EndorsementCredential": an ``endorsement`` embedded in the credential, its issuer's
profile or its achievement is a credential of its own, signed by the endorser; an
``endorsementJwt`` item is one signed as a VC-JWT (read here from its ``vc`` claim). vckit verifies
each as an ``endorsement`` part of the credential's report (:mod:`vckit.verification.embedded`);
its verdict never changes the verdict of the credential it endorses. The wallet has no registry:
"verified" says the endorsement is authentic, intact and not revoked, not that the endorser is
someone to trust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vckit.errors import VckitError
from vckit.jose.claims import credential_from_jwt
from vckit.jose.vc_jwt import peek
from wallet.views.badge import Badge, badge_of, check_lines

ABOUT = (
    ("/achievement/", "the achievement"),
    ("/issuer/", "the issuer"),
)


@dataclass(frozen=True)
class Endorsement:
    endorser: str
    endorser_id: str | None
    about: str  # "the achievement", "the issuer" or "this credential"
    comment: str | None
    badge: Badge


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _about(where: str) -> str:
    return next((words for marker, words in ABOUT if marker in where + "/"), "this credential")


def _at(document: object, pointer: str) -> object:
    """The member of ``document`` at a JSON pointer (RFC 6901); None if there is none."""
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        if isinstance(document, Mapping):
            document = document.get(key)
        elif isinstance(document, list) and key.isdigit() and int(key) < len(document):
            document = document[int(key)]
        else:
            return None
    return document


def _document(found: object) -> Mapping[str, Any]:
    """An endorsement as JSON: embedded JSON-LD, or the credential of an ``endorsementJwt``
    compact JWS (not verified here: its part of the report says whether it verified)."""
    if isinstance(found, Mapping):
        return found
    if isinstance(found, str):
        try:
            return credential_from_jwt(peek(found)[1])
        except VckitError:
            return {}
    return {}


def endorsements_of(
    credential: Mapping[str, Any] | None, report: Mapping[str, Any] | None
) -> tuple[Endorsement, ...]:
    """The endorsements in ``credential``, each with the verdict of its part of the stored
    report (``vckit.report.Report.to_json``: a part names where in the credential it is)."""
    found = []
    parts = (report or {}).get("parts")
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, Mapping) or part.get("role") != "endorsement":
            continue
        inner = part.get("report") if isinstance(part.get("report"), Mapping) else {}
        document = _document(_at(credential, str(part.get("where", ""))))
        issuer = document.get("issuer")
        issuer = issuer if isinstance(issuer, Mapping) else {"id": issuer}
        subject = document.get("credentialSubject")
        subject = subject if isinstance(subject, Mapping) else {}
        found.append(
            Endorsement(
                endorser=_text(issuer.get("name")) or _text(issuer.get("id")) or "Unnamed endorser",
                endorser_id=_text(issuer.get("id")),
                about=_about(str(part.get("where", ""))),
                comment=_text(subject.get("endorsementComment")),
                badge=badge_of(check_lines(inner), reported=bool(inner)),
            )
        )
    return tuple(found)
