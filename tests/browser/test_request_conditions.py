"""The learner's wallet says a job's conditions in words (issue 16), at 1100 px and 390 px:
"accredited issuers only" and "issued within N years" are not DCQL, so the verifier sends
them with the request (``ler_requirements``) and the request page says them at the top."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Actor, Services, employer_signs_in, problems_of
from tests.browser.test_wallet_words import at_both_widths

CONDITIONS = (
    "Their conditions: only credentials from issuers they have accredited count; "
    "only credentials issued within the last 2 years count."
)


def test_the_request_page_says_accredited_only_and_within_years(
    services: Services, actor: Actor
) -> None:
    employer, learner = actor("employer"), actor("learner")
    employer_signs_in(employer, services)
    employer.goto(f"{services.verifier}/jobs")
    employer.get_by_label("Title").fill("Senior care assistant")
    employer.get_by_label("Issued within (years; empty: any time)").fill("2")
    employer.locator("input[name=accredited_only]").check()
    employer.get_by_role("button", name="Open the job").click()
    employer.get_by_role("button", name="New request: link and QR code (OpenID4VP)").click()
    expect(employer.get_by_role("heading", name="Ask for credentials")).to_be_visible()
    link = employer.locator("main a[href^='openid4vp://']").first.inner_text()

    learner.goto(f"{services.wallet}/sign-up")
    learner.get_by_label("Email").fill("conditions@example.org")
    learner.get_by_label("Password", exact=True).fill("a long and memorable passphrase")
    learner.get_by_label("Password again").fill("a long and memorable passphrase")
    learner.get_by_role("button", name="Create the account").click()
    expect(learner.get_by_text("Signed in as conditions@example.org")).to_be_visible()
    learner.goto(f"{services.wallet}/requests")
    learner.get_by_label("The request").fill(link)
    learner.get_by_role("button", name="Read the request").click()

    def said() -> None:
        asker = learner.locator("section.asker")
        expect(asker).to_contain_text("Senior care assistant")
        expect(asker.locator("p.conditions")).to_have_text(CONDITIONS)

    at_both_widths(learner, said)
    for page in (learner, employer):
        assert problems_of(page).all() == []
