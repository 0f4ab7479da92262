"""``wallet.views.cards``: what a card shows (the OB 3.0 Displayer list: image, name,
description, issuer name, issue date, expired / revoked; plus criteria, alignments,
results, evidence) and its verdict badge, taken honestly from the stored report.

Sources: 1EdTech's OB 3.0 examples (tests/vectors/ob3-samples), credentials really signed
by the library (tests/scenarios.py) and credentials issued by our issuer app, each verified
for real with ``vckit.verification``.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from tests import scenarios as s
from tests.wallet.conftest import Clock
from tests.wallet.held import (
    issue,
    issuer_client,
    record,
    revoke,
    sample,
    verify_through,
)
from vckit.ob import baking
from vckit.verification import VerifyOptions, verify
from wallet.views.badge import CheckLine, badge_of, check_lines
from wallet.views.cards import MAX_IMAGE_URL, card_of

# --- the OB 3.0 Displayer fields on 1EdTech's samples ---------------------------------------

PNG_URL = "data:image/png;base64," + base64.b64encode(baking.default_badge_png(32)).decode()
OB_SAMPLES = [
    "achievementAlignmentCase.json",
    "achievementAlignmentCe.json",
    "basicOpenBadgeCredential.json",
    "endorsement.json",
    "fullOpenBadge.json",
    "ob3-impl-guide-test-data.json",
    "skillAssertionCase.json",
    "skillAssertionCtdl.json",
]


@pytest.mark.parametrize("name", OB_SAMPLES, ids=lambda n: n.removesuffix(".json"))
def test_sample_card_shows_the_displayer_fields(name: str) -> None:
    document = sample(name)
    card = card_of(record(document))
    assert card.readable
    assert card.name == document["name"]
    issuer = document["issuer"]
    assert card.issuer_name == (issuer["name"] if isinstance(issuer, dict) else issuer)
    assert card.issued == document["validFrom"][:10]
    assert card.valid_until == (document["validUntil"][:10] if "validUntil" in document else None)
    # no report stored: never shown as good
    assert card.badge.kind == "not-checked" and not card.badge.trusted


def test_full_badge_shows_image_criteria_alignments_results_evidence() -> None:
    card = card_of(record(sample("fullOpenBadge.json")))
    assert card.image_url is not None and card.image_url.startswith("data:image/svg+xml;base64,")
    assert "drawn by the wallet" in card.image_alt  # its https image is not fetched
    assert card.description == "1EdTech University Degree Description"
    assert card.achievement_name == "1EdTech University Degree"
    assert card.achievement_type == "Degree"
    assert card.criteria is not None and card.criteria.startswith("# Degree Requirements")
    assert card.criteria_url == "https://1edtech.edu/achievements/degree"
    assert [(a.name, a.type, a.url) for a in card.alignments] == [
        ("1EdTech University Degree", "CFItem", "https://1edtech.edu/catalog/degree"),
        (
            "1EdTech University Degree",
            "CTDL",
            "https://credentialengineregistry.org/resources/ce-98cb027b-95ef-4494-908d-6f7790ec6b6b",
        ),
    ]
    # results are named by their ResultDescription; an achieved level by its rubric level
    assert [(r.name, r.value) for r in card.results] == [
        ("Final Project Grade", "A"),
        ("Final Project Grade", "Mastery"),
        ("Final Project Grade", "Completed"),
    ]
    assert [e.name for e in card.evidence] == ["Final Project Report", "Final Project Code"]
    assert card.evidence[1].href == "https://github.com/somebody/project"


def test_image_falls_back_to_the_achievements() -> None:
    document = sample("skillAssertionCase.json")
    document["credentialSubject"]["achievement"]["image"]["id"] = PNG_URL
    card = card_of(record(document))
    assert card.image_url == PNG_URL
    assert card.image_alt == "A robot filled with ones and zeroes representing its programming"
    assert [a.name for a in card.alignments] == ["Robot Programming"]
    assert card.criteria is not None and card.criteria.startswith("Learners must present")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(PNG_URL, id="png"),
        pytest.param("data:image/svg+xml;base64,PHN2Zy8+", id="svg-base64"),
        pytest.param("data:image/svg+xml,%3Csvg%2F%3E", id="svg-text"),
    ],
)
def test_the_credentials_own_png_or_svg_artwork_is_shown(url: str) -> None:
    document = sample("fullOpenBadge.json")
    document.pop("image")
    document["credentialSubject"]["achievement"]["image"] = {
        "id": url, "type": "Image", "caption": "The college's nursing badge",
    }  # fmt: skip
    card = card_of(record(document))
    assert (card.image_url, card.image_alt) == (url, "The college's nursing badge")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://1edtech.edu/credentials/3732/image", id="web-url-not-fetched"),
        pytest.param("data:image/jpeg;base64,/9j/4AAQ", id="jpeg"),
        pytest.param("data:image/svg+xml-fake;base64,PHN2Zy8+", id="look-alike-type"),
        pytest.param("data:image/png;base64," + "A" * MAX_IMAGE_URL, id="oversized"),
    ],
)
def test_other_images_give_way_to_the_wallets_own_badge(url: str) -> None:
    document = sample("fullOpenBadge.json")
    document["image"] = {"id": url, "type": "Image"}
    document["credentialSubject"]["achievement"]["image"] = {"id": url, "type": "Image"}
    card = card_of(record(document))
    assert card.image_url is not None and card.image_url.startswith("data:image/svg+xml;base64,")
    assert card.image_url != url and "drawn by the wallet" in card.image_alt


def test_awarded_date_is_the_issue_date_shown() -> None:
    """OB 3.0 §B.1.2: awardedDate keeps the original award date when validFrom moves on."""
    document = sample("basicOpenBadgeCredential.json")
    document["awardedDate"] = "2009-06-30T00:00:00Z"
    assert card_of(record(document)).issued == "2009-06-30"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "http://example.org/badge.png", "data:text/html,<b>x</b>"],
    ids=["javascript", "plain-http", "data-html"],
)
def test_unsafe_images_and_links_are_not_shown(url: str) -> None:
    document = sample("fullOpenBadge.json")
    document["image"] = {"id": url, "type": "Image"}
    document["credentialSubject"]["achievement"]["image"] = url
    document["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] = url
    document["evidence"][0]["id"] = url
    card = card_of(record(document))
    assert card.image_url is not None and card.image_url.startswith("data:image/svg+xml;base64,")
    assert url not in card.image_url  # the wallet's own drawing, not the unsafe URL
    if not url.startswith("http://"):
        assert card.alignments[0].href is None
        assert card.evidence[0].href is None


def test_a_jwt_that_does_not_decode_still_gets_a_card() -> None:
    card = card_of(record("not.a-jwt.at-all", format="jwt_vc_json"))
    assert not card.readable
    assert card.name == "Unreadable credential"
    assert card.raw == "not.a-jwt.at-all" and card.decoded is None


# --- the badge: one scenario per verdict ---------------------------------------------------


def _checks(**statuses: tuple[str, str]) -> tuple[CheckLine, ...]:
    """The checks of a stored report (``Report.to_json`` shape), read by ``check_lines``."""
    report = {
        "checks": [
            {"id": key.replace("_", "-"), "status": status, "detail": detail}
            for key, (status, detail) in statuses.items()
        ]
    }
    return check_lines(report)


PASS = ("pass", "ok")
BADGES = {
    "verified": (_checks(proof=PASS, status=PASS, validity_period=PASS), "verified", "Verified"),
    "tampered": (
        _checks(proof=("fail", "signature"), status=PASS, validity_period=PASS),
        "failed",
        "Failed: Signature (proof)",
    ),
    "revoked": (
        _checks(proof=PASS, status=("fail", "revocation: the issuer set index 7")),
        "revoked",
        "Revoked",
    ),
    "suspended": (
        _checks(proof=PASS, status=("fail", "suspension: the issuer set index 7")),
        "suspended",
        "Suspended",
    ),
    "expired": (
        _checks(proof=PASS, validity_period=("fail", "expired at 2026-01-01T00:00:00+00:00")),
        "expired",
        "Expired",
    ),
    "not-yet-valid": (
        _checks(proof=PASS, validity_period=("fail", "not valid until 2030-01-01")),
        "failed",
        "Failed: Validity period",
    ),
    "status-unchecked": (
        _checks(proof=PASS, status=("could-not-check", "fetching is not allowed")),
        "unchecked",
        "Not fully checked",
    ),
    "tampered-and-revoked": (
        _checks(proof=("fail", "signature"), status=("fail", "revocation: set")),
        "failed",
        "Failed: Signature (proof)",
    ),
    "revoked-and-expired": (
        _checks(status=("fail", "revocation: set"), validity_period=("fail", "expired at x")),
        "revoked",
        "Revoked",
    ),
    "empty-report": ((), "unchecked", "Not fully checked"),
}


@pytest.mark.parametrize("scenario", BADGES, ids=list(BADGES))
def test_badge_of_stored_checks(scenario: str) -> None:
    checks, kind, label = BADGES[scenario]
    badge = badge_of(checks, reported=True)
    assert (badge.kind, badge.label) == (kind, label)
    assert badge.trusted == (kind == "verified")


def test_no_report_is_not_checked() -> None:
    badge = badge_of((), reported=False)
    assert (badge.kind, badge.label, badge.trusted) == ("not-checked", "Not checked yet", False)


def test_expired_since_the_last_check() -> None:
    """A report that passed before validUntil does not make an expired credential good."""
    document = s.good_credential(validUntil="2026-02-01T00:00:00Z")
    report = verify(document, VerifyOptions(now=s.ISSUED + timedelta(days=1))).to_json()
    assert report["verdict"] == "pass"
    before = card_of(record(document, report), s.ISSUED + timedelta(days=2))
    after = card_of(record(document, report), s.NOW)
    assert before.badge.kind == "verified"
    assert after.badge.kind == "expired" and "has passed since the last check" in after.badge.detail


# --- real reports from vckit.verification ---------------------------------------------------------


def _tampered() -> dict[str, Any]:
    vc = s.good_credential()
    vc["credentialSubject"]["achievement"]["name"] = "Advanced Surgery"
    return vc


REAL: dict[str, tuple[Callable[[], dict[str, Any] | str], Any, str]] = {
    "good": (s.good_credential, None, "verified"),
    "tampered": (_tampered, None, "failed"),
    "revoked": (lambda: s.with_status("revocation"), s.status_fetch((7,)), "revoked"),
    "suspended": (
        lambda: s.with_status("suspension"),
        s.status_fetch((7,), purpose="suspension"),
        "suspended",
    ),
    "status-not-fetched": (lambda: s.with_status("revocation"), None, "unchecked"),
    "expired": (lambda: s.good_credential(validUntil="2026-01-01T00:00:00Z"), None, "expired"),
    "jwt": (s.jwt_credential, None, "verified"),
}


@pytest.mark.parametrize("scenario", REAL, ids=list(REAL))
def test_badge_of_a_real_report(scenario: str) -> None:
    make, fetch, kind = REAL[scenario]
    document = make()
    report = verify(document, VerifyOptions(now=s.NOW, fetch_status_list=fetch)).to_json()
    card = card_of(record(copy.deepcopy(document), report), s.NOW)
    assert card.badge.kind == kind, report
    assert card.name == "Fundamentals of Nursing I"
    assert card.issuer_name == "Demo Community College"
    assert [a.name for a in card.alignments] == ["Patient data privacy", "Medical terminology"]
    assert [c.id for c in card.checks] == [c["id"] for c in report["checks"]]


def test_a_jwt_card_decodes_its_credential() -> None:
    token = s.jwt_credential()
    card = card_of(record(token, format="jwt_vc_json"))
    assert card.readable and card.raw == token
    assert card.decoded is not None and '"header"' in card.decoded and '"payload"' in card.decoded
    assert card.issued == s.ISSUED.date().isoformat()


# --- credentials issued by our issuer --------------------------------------------------------


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"])
def test_our_issuers_credential_verified_then_revoked(
    issuer_service: FastAPI, clock: Clock, format: str
) -> None:
    client = issuer_client(issuer_service)
    issued = issue(client, format)
    document = issued["credential"]
    report = verify_through(client, document, clock()).to_json()
    card = card_of(record(document, report), clock())
    assert card.badge.kind == "verified", report
    assert card.readable
    assert card.name == "Fundamentals of Nursing I"
    assert card.issuer_name == "Riverside Community College"
    assert card.issued == clock().date().isoformat()
    assert card.criteria and card.description
    assert card.alignments, "the demo achievement aligns to skills"

    revoke(client, issued["id"])
    again = verify_through(client, document, clock()).to_json()
    assert card_of(record(document, again), clock()).badge.kind == "revoked"


def test_a_revocation_is_said_with_the_issuers_reason_when_the_list_gives_one() -> None:
    from wallet.views.badge import Badge, said, status_reason

    listed = "revocation: the issuer's list https://x.test/list revokes it: issued in error"
    assert status_reason(listed) == "issued in error"
    assert said(Badge("revoked", "Revoked", listed), None) == (
        "Revoked by the issuer: issued in error."
    )
    bit = "revocation: the issuer set index 25385 in http://localhost:8001/status/1"
    assert status_reason(bit) is None
    assert said(Badge("revoked", "Revoked", bit), "2026-12-06T01:59:53+00:00") == (
        "Revoked by the issuer, found on 6 Dec 2026 when the wallet checked it."
    )
    message = f"{bit} (the learner asked for it)"
    assert said(Badge("suspended", "Suspended", message), None) == (
        "Suspended by the issuer: the learner asked for it."
    )


def test_a_reason_from_the_issuer_s_list_is_shown_without_hidden_characters() -> None:
    """Any issuer's list may carry a reason: a bidi override, an isolate or a zero-width
    character in it never reaches the learner's card (text spoofing)."""
    from wallet.views.badge import Badge, said, status_reason

    listed = ("revocation: the issuer's list https://x.test/list revokes it: "
              "grade \u202edexif\u2066 \u200bnow\u2069\ufeff")  # fmt: skip
    assert status_reason(listed) == "grade dexif now"
    shown = said(Badge("revoked", "Revoked", listed), None)
    assert shown == "Revoked by the issuer: grade dexif now."
    hidden = "revocation: the issuer's list https://x.test/list revokes it: \u202e\u200b"
    assert status_reason(hidden) is None


def test_a_credential_without_artwork_gets_a_badge_naming_it() -> None:
    """No "No image" box: a generated badge with the achievement's and issuer's names."""
    import base64

    document = sample("fullOpenBadge.json")
    document.pop("image", None)
    document["credentialSubject"]["achievement"].pop("image", None)
    card = card_of(record(document))
    assert card.image_url is not None
    svg = base64.b64decode(card.image_url.split(",", 1)[1]).decode()
    achievement = document["credentialSubject"]["achievement"]["name"]
    assert f"<title>{achievement}</title>" in svg and card.issuer_name.split()[0] in svg
    assert card.image_alt.startswith(f"Badge of {card.name}")
