"""The learner's side in words (issue 16), in Chromium at 1100 px and 390 px.

The demo learner signs in and finds the story's three offers waiting, named by achievement
and issuer; takes them; the care home's request names the care home and the skill, ticks the
two nursing credentials and not the food one, with the field switches open and the nonce in a
closed "Technical details" fold; the cards show a badge image and human dates; a share link
opens as a page in words whose button verifies it at the verifier; the share log reads in
words. From the issuer's side, "Open in the demo wallet" fills the offer in, and a wrong
one-time code is said once, in words. At 390 px no page of these scrolls sideways.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from servicekit.demo_seed import JOB_SKILL, LEARNER_EMAIL, LEARNER_FILE, read_password
from tests.browser.conftest import Actor, Services, Shoot, employer_signs_in, problems_of

WIDE, NARROW = 1100, 390
NURSING_1, NURSING_2, FOOD = (
    "Fundamentals of Nursing I",
    "Fundamentals of Nursing II",
    "Food Handler",
)
COLLEGE_NAME, FOOD_NAME = "Riverside Community College", "SafeServe Food Safety Training"
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    found: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return found


def too_wide(page: Page) -> list[str]:
    """The innermost elements reaching past the window's right edge (for the message)."""
    found: list[str] = page.evaluate(
        """() => {
          const out = e => e.getBoundingClientRect().right > innerWidth + 1;
          return [...document.querySelectorAll("body *")]
          .filter(e => out(e) && ![...e.children].some(out))
          .slice(0, 8)
          .map(e => e.tagName + "." + e.className + ": " + (e.textContent || "").slice(0, 60));
        }"""
    )
    return found


def at_both_widths(page: Page, check: Callable[[], None]) -> None:
    """``check`` the page at 1100 px, then at 390 px with no sideways scrolling."""
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 800})
        check()
        if width == NARROW:
            assert overflow(page) <= 0, (page.url, overflow(page), too_wide(page))
    page.set_viewport_size({"width": WIDE, "height": 800})


def visible_text(page: Page) -> str:
    """The page's main text outside closed <details> folds."""
    found: str = page.locator("main").inner_text()
    return found


def demo_learner_signs_in(page: Page, services: Services) -> None:
    assert services.data is not None
    password = read_password(services.data / "wallet" / LEARNER_FILE)
    assert password
    page.goto(f"{services.wallet}/sign-in")
    page.get_by_label("Email").fill(LEARNER_EMAIL)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {LEARNER_EMAIL}")).to_be_visible()


def learner_takes_the_waiting_offers(page: Page, services: Services, shoot: Shoot) -> None:
    page.goto(f"{services.wallet}/receive")
    waiting = page.locator("ul.waiting")
    expect(page.get_by_role("heading", name="Offers waiting for you")).to_be_visible(timeout=60_000)

    def named() -> None:
        for name, issuer in (
            (NURSING_1, COLLEGE_NAME),
            (NURSING_2, COLLEGE_NAME),
            (FOOD, FOOD_NAME),
        ):
            expect(waiting.get_by_role("link", name=f"{name} from {issuer}")).to_be_visible()
        assert "OpenBadgeCredential_" not in visible_text(page)

    at_both_widths(page, named)
    shoot(page, "wallet-offers-waiting")
    for name in (NURSING_1, NURSING_2, FOOD):
        page.goto(f"{services.wallet}/receive")
        page.locator("ul.waiting").get_by_role("link", name=re.compile(f"^{name} from")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        at_both_widths(
            page, lambda: expect(page.locator("p.lead")).to_contain_text("An offer from")
        )
        page.get_by_role("button", name="Get the credential").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        expect(page.get_by_role("status")).to_contain_text("Verified.")
    page.goto(f"{services.wallet}/receive")
    expect(page.get_by_role("heading", name="Offers waiting for you")).to_have_count(0)


def cards_show_images_and_days(page: Page, services: Services) -> None:
    page.goto(f"{services.wallet}/credentials")

    def cards() -> None:
        expect(page.locator("ul.cards > li")).to_have_count(3)
        images = page.locator("ul.cards img.thumb")
        expect(images).to_have_count(3)
        for image in images.all():
            expect(image).to_have_attribute("alt", re.compile(r"^Badge of "))
            assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        expect(page.get_by_text("No image")).to_have_count(0)
        assert not ISO_MOMENT.search(visible_text(page))

    at_both_widths(page, cards)


def employer_asks_for_the_demo_job(employer: Page, services: Services) -> str:
    employer_signs_in(employer, services)
    employer.goto(f"{services.verifier}/jobs")
    employer.get_by_label("Title").fill("Care assistant")
    employer.get_by_label(re.compile("^Required skills")).fill(JOB_SKILL)
    employer.get_by_role("button", name="Open the job").click()
    employer.get_by_role("button", name="New request: link and QR code (OpenID4VP)").click()
    expect(employer.get_by_role("heading", name="Ask for credentials")).to_be_visible()
    return employer.locator("main a[href^='openid4vp://']").first.inner_text()


def learner_reads_the_request(page: Page, services: Services, link: str, shoot: Shoot) -> None:
    page.goto(f"{services.wallet}/requests")
    page.get_by_label("The request").fill(link)
    page.get_by_role("button", name="Read the request").click()
    fold = page.locator("details.technical")

    def request() -> None:
        asker = page.locator("section.asker")
        expect(asker).to_contain_text("Maple Grove Care Home — Care assistant")
        expect(asker).to_contain_text(f"showing the skill {JOB_SKILL}")
        expect(page.get_by_label(NURSING_1, exact=True)).to_be_checked()
        expect(page.get_by_label(NURSING_2, exact=True)).to_be_checked()
        expect(page.get_by_label(FOOD, exact=True)).not_to_be_checked()
        # the switches are open: a learner sees what goes without opening anything
        group = page.get_by_role("group", name=f"What to share from {NURSING_1} (")
        expect(group.get_by_label(re.compile(r"^Date of birth:"))).to_be_visible()
        expect(fold).not_to_have_attribute("open", "")
        assert "redirect_uri:" not in visible_text(page)
        assert "nonce" not in visible_text(page).lower()

    at_both_widths(page, request)
    shoot(page, "wallet-request")
    fold.locator("summary").click()
    expect(fold).to_contain_text("redirect_uri:")
    page.get_by_role("button", name="Preview exactly what will be sent").click()
    page.get_by_role("button", name="Send to the verifier").click()
    expect(page.get_by_role("heading", name="Sent")).to_be_visible()


def share_log_in_words(page: Page, services: Services) -> None:
    page.goto(f"{services.wallet}/shared")

    def log() -> None:
        entry = page.locator("ul.log > li").first
        expect(entry).to_contain_text("you answered a request from Maple Grove Care Home")
        expect(entry.get_by_role("link", name=NURSING_1, exact=True)).to_be_visible()
        text = visible_text(page)
        assert "redirect_uri:" not in text and not ISO_MOMENT.search(text)

    at_both_widths(page, log)


def share_link_page(learner: Page, visitor: Page, services: Services, shoot: Shoot) -> None:
    learner.goto(f"{services.wallet}/share-links")
    learner.get_by_label(NURSING_1, exact=True).check()
    learner.get_by_role("button", name="Sign and make a link").click()
    url = learner.locator("main code").first.inner_text()
    assert url.startswith(f"{services.wallet}/s/")
    visitor.goto(url)

    def shared() -> None:
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Credentials shared with you")
        expect(visitor.get_by_role("heading", name=NURSING_1)).to_be_visible()
        expect(visitor.locator("main")).to_contain_text(f"Issued by {COLLEGE_NAME}")
        text = visible_text(visitor)
        assert not ISO_MOMENT.search(text)
        if not services.verifier.endswith(":8003"):  # no hard-coded verifier address
            assert "localhost:8003" not in text
        assert '"@context"' not in text  # the JSON waits in the fold

    at_both_widths(visitor, shared)
    shoot(visitor, "wallet-share-page")
    visitor.get_by_role("link", name=re.compile("^Verify it at")).click()
    expect(visitor.get_by_role("heading", name="Verification report")).to_be_visible()
    assert visitor.url.startswith(f"{services.verifier}/?link=")


def test_the_demo_learners_side_in_words(services: Services, actor: Actor, shoot: Shoot) -> None:
    learner, employer, visitor = actor("learner"), actor("employer"), actor("visitor")
    demo_learner_signs_in(learner, services)
    learner_takes_the_waiting_offers(learner, services, shoot)
    cards_show_images_and_days(learner, services)
    learner_reads_the_request(
        learner, services, employer_asks_for_the_demo_job(employer, services), shoot
    )
    share_log_in_words(learner, services)
    share_link_page(learner, visitor, services, shoot)
    for page in (learner, employer, visitor):
        assert problems_of(page).all() == []


def test_an_offer_opens_in_the_demo_wallet_and_a_wrong_code_is_said_once(
    services: Services, actor: Actor
) -> None:
    staff, learner = actor("staff"), actor("learner")
    staff.goto(f"{services.issuer}/sign-in")
    staff.get_by_label("API token").fill(services.staff_token)
    staff.get_by_role("button", name="Sign in").click()
    # the sign-in's redirect lands before the next goto (else the goto cancels it: ERR_ABORTED)
    expect(staff.get_by_text("Signed in as staff")).to_be_visible()
    staff.goto(f"{services.issuer}/issuers/community-college/issue")
    staff.get_by_label("Achievement").select_option(label=NURSING_2)
    staff.get_by_label("Offer to the learner's wallet").check()
    staff.get_by_label(re.compile("^Offer only: protect the offer")).check()
    staff.get_by_role("button", name="Issue").click()
    code = staff.locator("strong.code").inner_text()
    learner.goto(f"{services.wallet}/sign-up")
    learner.get_by_label("Email").fill("words@example.org")
    learner.get_by_label("Password", exact=True).fill("a long and memorable passphrase")
    learner.get_by_label("Password again").fill("a long and memorable passphrase")
    learner.get_by_role("button", name="Create the account").click()
    expect(learner.get_by_text("Signed in as words@example.org")).to_be_visible()
    learner.goto(
        staff.get_by_role("link", name="Open in the demo wallet").get_attribute("href") or ""
    )
    field = learner.get_by_label("The offer link, or the text of its QR code")
    expect(field).to_have_value(re.compile("^openid-credential-offer://"))
    learner.get_by_role("button", name="Get the credential").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(NURSING_2)

    def asks() -> None:
        expect(learner.locator("p.lead")).to_contain_text(f"An offer from {COLLEGE_NAME}")
        expect(learner.get_by_label("One-time code")).to_be_visible()

    at_both_widths(learner, asks)
    wrong = "000000" if code != "000000" else "111111"
    learner.get_by_label("One-time code").fill(wrong)
    learner.get_by_role("button", name="Get the credential").click()
    alert = learner.get_by_role("alert")
    expect(alert).to_contain_text("wrong transaction code")
    main = visible_text(learner)
    assert "invalid_grant" not in main and main.count("wrong transaction code") == 1
    at_both_widths(learner, lambda: expect(alert).to_be_visible())
    learner.get_by_label("One-time code").fill(code)
    learner.get_by_role("button", name="Get the credential").click()
    expect(learner.get_by_role("status")).to_contain_text("Verified.")
    assert problems_of(staff).all() == []
    refused = [p for p in problems_of(learner).all() if "status of 422" not in p]
    assert refused == []  # the wrong code's page is a 422, as it should be
