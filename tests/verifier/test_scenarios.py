"""The named verification scenarios, over HTTP: each is caught by exactly one check.

Every credential comes from the REAL issuer app (tests/verifier/conftest.py): issued over its
API (``POST /issuers/<slug>/credentials``, or W3C VC-API ``POST /credentials/issue`` where a
scenario needs dates or an achievement the catalogue route would not give), revoked or
suspended over ``POST /credentials/status``. The verifier resolves the issuers' did:web and
fetches their status lists from that app through its injected fetch, and judges them with
the demo governance registry. Only the unknown issuer (a did:key nobody accredited) and the
holder's presentations are signed by vckit directly, as a holder's wallet would.

Each case names the one check that must catch it and its status; every other check of the
report (and of the credentials inside a presentation) must pass, except ``trusted-issuer``,
which is *could not check* when the signature or issuer key did not check out (who issued the
credential is then not established). The same submission is pasted into the report page,
which must show the same verdict and the same reason.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.issuer.conftest import FROZEN, LATER
from tests.verifier.conftest import achievement_of, did_of, issue
from vckit.di import algorithms as data_integrity
from vckit.presentation import build_presentation, sign_presentation
from vckit.report import CHECK_TITLES, VALIDATION_CHECKS

HOLDER = s.did_of(s.HOLDER)
STRANGER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
NONCE = "nonce-2f9c41d7"  # the challenge the verifier gave for this presentation
DOMAIN = "https://carehome.example"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _stamp(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


# --- what the issuer app issues -------------------------------------------------------------


def food_handler(issuer: TestClient, recipient: str = HOLDER, **extra: Any) -> dict[str, Any]:
    credential: dict[str, Any] = issue(
        issuer, "food-safety", "food-handler", recipient={"did": recipient}, **extra
    )
    return credential


def set_status(issuer: TestClient, credential: dict[str, Any], word: str) -> None:
    """W3C VC-API ``POST /credentials/status`` (``revoked`` / ``suspended``)."""
    response = issuer.post(
        "/credentials/status",
        json={
            "credentialId": credential["id"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": word}],
        },
    )
    assert response.status_code == 200, response.text


def vc_api_issue(
    issuer: TestClient, issuer_slug: str, achievement: dict[str, Any], **dates: str
) -> dict[str, Any]:
    """An OB 3.0 credential written by the caller, secured by the issuer over the W3C
    VC-API (``POST /credentials/issue``): the issuer adds status and proof."""
    credential = {
        "@context": [VC_V2, OB3_CONTEXT],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did_of(issuer_slug), "type": ["Profile"], "name": issuer_slug},
        "name": achievement["name"],
        "credentialSubject": {
            "id": HOLDER,
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
        **dates,
    }
    response = issuer.post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()["verifiableCredential"]
    return issued


def catalogue(issuer: TestClient, issuer_slug: str, slug: str) -> dict[str, Any]:
    response = issuer.get(f"/issuers/{issuer_slug}/achievements/{slug}")
    assert response.status_code == 200, response.text
    achievement: dict[str, Any] = response.json()
    assert achievement["id"] == achievement_of(issuer_slug, slug)
    return achievement


# --- the scenarios ----------------------------------------------------------------------------


def revoked(issuer: TestClient) -> dict[str, Any]:
    credential = food_handler(issuer)
    set_status(issuer, credential, "revoked")
    return credential


def suspended(issuer: TestClient) -> dict[str, Any]:
    credential = food_handler(issuer, suspension=True)
    set_status(issuer, credential, "suspended")
    return credential


def expired(issuer: TestClient) -> dict[str, Any]:
    """Valid for a month that ended the day before the verifier's clock."""
    return vc_api_issue(
        issuer,
        "food-safety",
        catalogue(issuer, "food-safety", "food-handler"),
        validFrom=_stamp(LATER - timedelta(days=31)),
        validUntil=_stamp(LATER - timedelta(days=1)),
    )


def not_yet_valid(issuer: TestClient) -> dict[str, Any]:
    """Valid from a week after the verifier's clock."""
    return vc_api_issue(
        issuer,
        "food-safety",
        catalogue(issuer, "food-safety", "food-handler"),
        validFrom=_stamp(FROZEN + timedelta(days=7)),
    )


def tampered(issuer: TestClient) -> dict[str, Any]:
    credential = copy.deepcopy(food_handler(issuer))
    credential["credentialSubject"]["achievement"]["name"] = "Master Chef"
    return credential


def wrong_key(issuer: TestClient) -> dict[str, Any]:
    """The issuer's credential, its proof replaced by one made with a key that is not the
    issuer's (named honestly, as the signer's own did:key method): the signature is
    sound, but the issuer's DID document does not list that key."""
    credential = food_handler(issuer)
    credential.pop("proof")
    return data_integrity.sign(
        credential, s.OTHER, verification_method=s.vm_of(s.OTHER), created=FROZEN
    )


def unknown_issuer(issuer: TestClient) -> dict[str, Any]:
    """A sound credential from a did:key issuer that is not in the registry."""
    return s.good_credential()


def issuer_not_allowed(issuer: TestClient) -> dict[str, Any]:
    """The food-safety provider issues the college's nursing achievement."""
    nursing = catalogue(issuer, "community-college", "fundamentals-of-nursing-1")
    return vc_api_issue(issuer, "food-safety", nursing)


def _presentation(
    issuer: TestClient, *, challenge: str, domain: str, recipient: str = HOLDER
) -> dict[str, Any]:
    """What a wallet sends: the holder's credential in a presentation it signs."""
    vp = build_presentation([food_handler(issuer, recipient)], holder=HOLDER)
    return sign_presentation(
        vp, s.HOLDER, verification_method=s.vm_of(s.HOLDER), challenge=challenge, domain=domain
    )


def replayed_nonce(issuer: TestClient) -> dict[str, Any]:
    """A presentation made for an earlier request, sent again for this one."""
    return _presentation(issuer, challenge="nonce-of-an-earlier-request", domain=DOMAIN)


def wrong_domain(issuer: TestClient) -> dict[str, Any]:
    """A presentation made for another verifier."""
    return _presentation(issuer, challenge=NONCE, domain="https://other-employer.example")


def missing_holder_binding(issuer: TestClient) -> dict[str, Any]:
    """The holder presents (and signs for) a credential issued to someone else."""
    return _presentation(issuer, challenge=NONCE, domain=DOMAIN, recipient=STRANGER)


@dataclass(frozen=True)
class Scenario:
    make: Callable[[TestClient], dict[str, Any]]
    check: str  # the check that must catch it
    status: str  # and its status
    detail: str  # words its detail must hold
    presentation: bool = False


SCENARIOS = {
    "revoked": Scenario(revoked, "status", "fail", "revocation"),
    "suspended": Scenario(suspended, "status", "fail", "suspension"),
    "expired": Scenario(expired, "validity-period", "fail", "expired"),
    "not-yet-valid": Scenario(not_yet_valid, "validity-period", "fail", "not valid until"),
    "tampered": Scenario(tampered, "proof", "fail", ""),
    "wrong-key": Scenario(wrong_key, "issuer-key", "fail", "but the document names"),
    "unknown-issuer": Scenario(unknown_issuer, "trusted-issuer", "fail", "not a forgery"),
    "issuer-not-allowed": Scenario(
        issuer_not_allowed,
        "trusted-issuer",
        "fail",
        "is not allowed to issue achievement "
        + achievement_of("community-college", "fundamentals-of-nursing-1"),
    ),
    "replayed-nonce": Scenario(replayed_nonce, "challenge", "fail", NONCE, presentation=True),
    "wrong-domain": Scenario(wrong_domain, "domain", "fail", DOMAIN, presentation=True),
    "missing-holder-binding": Scenario(
        missing_holder_binding, "holder-binding", "fail", STRANGER, presentation=True
    ),
}

# Not established when the signature or the issuer's key failed; never a finding of its own.
_UNESTABLISHED = {("trusted-issuer", "could-not-check")}


def not_passed(report: dict[str, Any], where: str = "") -> dict[tuple[str, str], str]:
    """``{(where, check id): status}`` of every check that did not pass, in the report and in
    each credential report inside it (``where``: "" or "credential <n>")."""
    found = {(where, c["id"]): c["status"] for c in report["checks"] if c["status"] != "pass"}
    for number, inner in enumerate(report.get("credentials", []), 1):
        found.update(not_passed(inner, f"credential {number}"))
    return found


def the_check(report: dict[str, Any], scenario: Scenario) -> dict[str, str]:
    """The check that must catch ``scenario``: on the presentation for presentation
    scenarios (the holder binding included), else on the credential."""
    (check,) = [c for c in report["checks"] if c["id"] == scenario.check]
    found: dict[str, str] = check
    return found


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_over_the_vc_api(name: str, issuer: TestClient, verifier: TestClient) -> None:
    """Each scenario fails its one check over the VC-API. A registry's verdict is *validation*
    (VC 2.0 §7.1): the credential is verified (200) and ``validation`` names the failure;
    every other failure is a 422. Holder binding is asked for (``requireHolderBinding``)."""
    scenario = SCENARIOS[name]
    submitted = scenario.make(issuer)
    if scenario.presentation:
        response = verifier.post(
            "/presentations/verify",
            json={
                "verifiablePresentation": submitted,
                "options": {"challenge": NONCE, "domain": DOMAIN, "requireHolderBinding": True},
            },
        )
    else:
        response = verifier.post("/credentials/verify", json={"verifiableCredential": submitted})
    body = response.json()
    if scenario.check in VALIDATION_CHECKS:
        assert response.status_code == 200, response.text
        assert body["verified"] is True and body["errors"] == []
        [found] = [c for c in body["validation"] if c["id"] == scenario.check]
        assert found["status"] == scenario.status and scenario.detail in found["detail"]
        return
    assert response.status_code == 422, response.text
    assert body["verified"] is False
    report = body["report"]

    check = the_check(report, scenario)
    assert check["status"] == scenario.status, check
    assert scenario.detail in check["detail"], check
    blamed = {key: status for key, status in not_passed(report).items() if status == "fail"}
    assert blamed == {("", scenario.check): scenario.status}, report
    others = {
        (check_id, status)
        for (_, check_id), status in not_passed(report).items()
        if check_id != scenario.check
    }
    assert others <= _UNESTABLISHED, report
    if scenario.check in ("proof", "issuer-key"):
        assert ("trusted-issuer", "could-not-check") in others  # who issued it is not known
    assert [e["id"] for e in body["errors"]] == [scenario.check]


def _reasons(page: str) -> list[tuple[str, str]]:
    """The report page's "Why" list: (status, check title) of each reason given."""
    items = re.findall(r'<li class="([a-z-]+)"><strong>[^<]*?, ([^<:]+):</strong>', page)
    return [(status, html.unescape(title)) for status, title in items]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_on_the_report_page(name: str, issuer: TestClient, verifier: TestClient) -> None:
    """Pasted into the page for people, the same submission gets the same verdict, and the
    reason the page gives is the scenario's check."""
    scenario = SCENARIOS[name]
    form = {"document": json.dumps(scenario.make(issuer))}
    if scenario.presentation:
        form |= {"challenge": NONCE, "domain": DOMAIN}
    response = verifier.post("/", data=form)
    assert response.status_code == 200, response.text
    page = response.text
    # a genuine credential from an issuer the registry does not accredit is amber, not red
    shown = "unaccredited" if scenario.check == "trusted-issuer" else "fail"
    assert re.search(f'class="verdict {shown}"', page), page
    failed = [title for status, title in _reasons(page) if status == "fail"]
    assert failed == [CHECK_TITLES.get(scenario.check, scenario.check).lower()], page


def test_the_good_cases_pass(issuer: TestClient, verifier: TestClient) -> None:
    """The control: the same roads with nothing wrong verify, every check passing."""
    credential = food_handler(issuer)
    response = verifier.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 200, response.text
    report = response.json()["report"]
    assert not_passed(report) == {}
    assert the_check(report, SCENARIOS["issuer-not-allowed"])["status"] == "pass"

    presentation = _presentation(issuer, challenge=NONCE, domain=DOMAIN)
    response = verifier.post(
        "/presentations/verify",
        json={
            "verifiablePresentation": presentation,
            "options": {"challenge": NONCE, "domain": DOMAIN},
        },
    )
    assert response.status_code == 200, response.text
    assert not_passed(response.json()["report"]) == {}
