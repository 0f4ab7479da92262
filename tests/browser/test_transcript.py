"""A CLR 2.0 in the wallet, in Chromium at 1100 and 390 px: the transcript view (programme,
courses in association order, each with its own badge) fits the width, and one course is kept
as its own credential to share it alone.

The college issues the learner's two course credentials and the programme CLR over its API
(the staff token of ``ler up``), to the DID the wallet's account page shows; the learner
pastes the CLR into the wallet, which verifies it (did:web documents and status lists fetched
for real from the issuer).
"""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Actor, Services, Shoot, employer_signs_in, problems_of

COLLEGE = "community-college"
WIDTHS = (1100, 390)


def sign_up(page: Page, wallet: str, email: str) -> str:
    """A new learner; the DID the wallet made for them."""
    page.goto(f"{wallet}/sign-up")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("a long and memorable passphrase")
    page.get_by_label("Password again").fill("a long and memorable passphrase")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    page.goto(f"{wallet}/account")
    did = page.locator("details.technical p:has-text('Your DID') code").text_content()  # folded
    assert did is not None and did.startswith("did:")
    return did


def programme_clr(services: Services, learner: str) -> str:
    headers = {"Authorization": f"Bearer {services.staff_token}"}
    with httpx.Client(base_url=services.issuer, headers=headers, timeout=30) as issuer:
        for course in ("fundamentals-of-nursing-2", "fundamentals-of-nursing-1"):
            body = {"achievement": course, "recipient": {"did": learner}}
            issuer.post(f"/issuers/{COLLEGE}/credentials", json=body).raise_for_status()
        body = {"programme": "practical-nursing-programme", "recipient": {"did": learner}}
        answer = issuer.post(f"/issuers/{COLLEGE}/clrs", json=body)
        answer.raise_for_status()
        return json.dumps(answer.json()["credential"])


def fits_in(page: Page, selector: str) -> list[str]:
    """What inside ``selector`` reaches past the window's right edge (tag, class, text)."""
    found: list[str] = page.locator(selector).first.evaluate(
        """(root) => [root, ...root.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => `${e.tagName}.${e.className}: ${(e.textContent || '').slice(0, 50)}`)"""
    )
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_the_transcript_reads_and_one_course_is_kept_to_share(
    services: Services, actor: Actor, shoot: Shoot, width: int
) -> None:
    learner = actor("learner")
    learner.set_viewport_size({"width": width, "height": 900})
    did = sign_up(learner, services.wallet, f"transcript-{width}@example.org")
    clr = programme_clr(services, did)

    learner.goto(f"{services.wallet}/receive")
    learner.locator("textarea[name=credential]").fill(clr)
    learner.locator("textarea[name=credential]").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    learner.wait_for_load_state("networkidle")
    held = learner.url.rsplit("/", 1)[1]
    learner.goto(f"{services.wallet}/credentials/{held}")

    transcript = learner.locator("section.transcript")
    expect(transcript.get_by_role("heading", level=2)).to_have_text(
        "Transcript: Practical Nursing Certificate"
    )
    courses = transcript.locator("li.course h3")
    expect(courses).to_have_count(2)
    expect(courses.nth(0)).to_contain_text("NUR 101")  # precedes NUR 102 (issued later)
    expect(courses.nth(1)).to_contain_text("NUR 102")
    expect(transcript.locator("li.course .badge.verified")).to_have_count(2)
    assert fits_in(learner, "section.transcript") == [], f"wider than {width} px"
    shoot(learner, f"wallet-transcript-{width}", part=transcript)

    learner.get_by_role("button", name="Keep NUR 101 as its own credential").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Fundamentals of Nursing I")
    expect(learner.locator(".badge.verified").first).to_be_visible()
    expect(learner.get_by_text("Practical Nursing Certificate")).to_have_count(0)
    assert fits_in(learner, "h1") == [], f"wider than {width} px"
    assert problems_of(learner).all() == []


SKILL = "Patient data privacy"
RECORD = "Practical Nursing Certificate — learner record"
NURSING_1, NURSING_2 = "Fundamentals of Nursing I", "Fundamentals of Nursing II"


def employer_request_link(page: Page, services: Services, title: str) -> tuple[str, str]:
    """The care home opens a job asking for the skill: (the job's page, a new OpenID4VP
    request link)."""
    employer_signs_in(page, services)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Required skills").fill(SKILL)
    page.get_by_role("button", name="Open the job").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    job = page.url
    page.get_by_role("button", name="New request: link and QR code (OpenID4VP)").click()
    link = page.locator("main a[href^='openid4vp://']").first.inner_text()
    assert "request_uri=" in link
    return job, link


@pytest.mark.parametrize("width", WIDTHS)
def test_one_course_of_the_clr_is_shared_alone_from_a_request(
    services: Services, actor: Actor, shoot: Shoot, width: int
) -> None:
    """The learner holds only the CLR; the request page offers each course of it, and the
    one picked goes alone, as its issuer signed it, and verifies at the employer."""
    learner, employer = actor("learner"), actor("employer")
    learner.set_viewport_size({"width": width, "height": 900})
    did = sign_up(learner, services.wallet, f"nested-share-{width}@example.org")
    clr = programme_clr(services, did)
    learner.goto(f"{services.wallet}/receive")
    learner.locator("textarea[name=credential]").fill(clr)
    learner.locator("textarea[name=credential]").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    learner.wait_for_load_state("networkidle")
    job, link = employer_request_link(employer, services, f"Nurse aide {width}")

    learner.goto(f"{services.wallet}/requests")
    learner.get_by_label("The request").fill(link)
    learner.get_by_role("button", name="Read the request").click()
    expect(learner.get_by_role("heading", name="A verifier asks for credentials")).to_be_visible()
    first = learner.get_by_label(f"{NURSING_1} (in your record {RECORD})", exact=True)
    second = learner.get_by_label(f"{NURSING_2} (in your record {RECORD})", exact=True)
    expect(first).to_be_visible()
    expect(second).to_be_visible()
    expect(learner.get_by_label(RECORD, exact=True)).to_have_count(0)  # the CLR is no badge
    if first.is_checked():
        first.uncheck()
    second.check()
    assert fits_in(learner, "main form") == [], f"wider than {width} px"
    shoot(learner, f"wallet-request-nested-{width}", part=learner.locator("main form"))
    learner.get_by_role("button", name="Preview exactly what will be sent").click()
    expect(learner.get_by_role("heading", name="Check before sending")).to_be_visible()
    sent = learner.locator("pre").first.inner_text()
    assert f'"name": "{NURSING_2}"' in sent
    assert f'"name": "{NURSING_1}"' not in sent and "ClrCredential" not in sent
    learner.get_by_role("button", name="Send to the verifier").click()
    expect(learner.get_by_role("heading", name="Sent")).to_be_visible()
    expect(
        learner.get_by_text("The verifier received your presentation (HTTP 200)")
    ).to_be_visible()

    employer.goto(job)
    expect(employer.locator("table tbody tr")).to_have_count(1)
    expect(employer.locator("table tbody tr td.pass")).to_have_text("Verified")
    assert problems_of(learner).all() == []
