"""The README's story, walked through the pages by a real Chromium against the real services.

1. Staff at the college and the food-safety provider sign in and make three OpenID4VCI offers.
2. A learner signs up in the wallet, accepts the three offers and sees them verified, and a
   skills view across them.
3. A care home opens a job needing "Patient data privacy" from an accredited issuer and makes
   an OpenID4VP request link.
4. The learner opens the request (the care home named, the skill it wants said), finds the
   two nursing credentials ticked and the food one not, previews exactly what goes, and sends it.
5. The employer reads the report: the verdict, every named check, the fields disclosed.
6. The college revokes one credential; the learner's wallet shows it revoked and a new answer
   to the employer fails at *status*.

Each step asserts what a person would read on the page, and saves a screenshot into
examples/screenshots/ (``story-<n>-<what>.png``; the README's three are refreshed too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.browser.conftest import Actor, Services, Shoot, employer_signs_in

COLLEGE = "community-college"
FOOD = "food-safety"
NURSING_1 = "Fundamentals of Nursing I"
NURSING_2 = "Fundamentals of Nursing II"
FOOD_HANDLER = "Food Handler"
LEARNER = "alex.rivera@example.org"
PASSWORD = "a long and memorable passphrase"
SKILL = "Patient data privacy"
LEARNER_NAME = "Alex Rivera"
DATE_OF_BIRTH = "2001-04-17"
BIRTH_DAY = "17 April 2001"  # the date of birth as vckit.ob.field_words says it
GRADE = "B"
HIDDEN = ("Date of birth", "Grade")  # the learner shares the name only
REVOKED_BECAUSE = "Replaced by a corrected credential"  # staff's reason, on the confirm page


@dataclass
class Story:
    services: Services
    staff: Page
    learner: Page
    employer: Page
    shoot: Shoot
    job_url: str = ""


# --- 1. the issuers offer ---------------------------------------------------------------------


def staff_signs_in(story: Story) -> None:
    page, issuer = story.staff, story.services.issuer
    page.goto(f"{issuer}/sign-in?next=/issuers/{COLLEGE}/issue")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    page.get_by_label("API token").fill(story.services.staff_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{issuer}/issuers/{COLLEGE}/issue")
    expect(page.get_by_text("Signed in as staff")).to_be_visible()


def offer(
    story: Story,
    slug: str,
    achievement: str,
    learner_data: bool = False,
    screenshot: str | None = None,
) -> str:
    """Staff offer one achievement to a wallet; returns the offer link on the page. With
    ``learner_data`` the credential is ecdsa-sd-2023 and carries the learner's name, date of
    birth and grade, which the learner may hide."""
    page = story.staff
    page.goto(f"{story.services.issuer}/issuers/{slug}/issue")
    page.get_by_label("Achievement").select_option(label=achievement)
    page.get_by_label("Offer to the learner's wallet").check()
    if learner_data:
        page.get_by_label("Proof format").select_option("ecdsa-sd-2023")
        page.get_by_label("Learner's name").fill(LEARNER_NAME)
        page.get_by_label("Date of birth").fill(DATE_OF_BIRTH)
        page.get_by_label("Grade").fill(GRADE)
    if screenshot:
        story.shoot(page, screenshot)
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("heading", name="Credential offer")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"An offer of {achievement} is ready")
    expect(page.get_by_role("img", name="QR code of the credential offer link")).to_be_visible()
    link = page.locator("dt:text-is('Offer link') + dd a")
    text = link.inner_text()
    assert text.startswith("openid-credential-offer://?credential_offer_uri=")
    return text


# --- 2. the learner accepts -----------------------------------------------------------------


def learner_signs_up(story: Story) -> None:
    page = story.learner
    page.goto(f"{story.services.wallet}/sign-up")
    page.get_by_label("Email").fill(LEARNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page).to_have_url(f"{story.services.wallet}/credentials")
    expect(page.get_by_text(f"Signed in as {LEARNER}")).to_be_visible()
    expect(page.get_by_text("Your wallet is empty so far.")).to_be_visible()


def accept(story: Story, link: str, achievement: str, screenshot: str | None = None) -> None:
    page = story.learner
    page.goto(f"{story.services.wallet}/receive")
    page.get_by_label("The offer link, or the text of its QR code").fill(link)
    page.get_by_role("button", name="Get the credential").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(achievement)
    # verified on arrival: the issuer's did:web and status list fetched from the issuer
    expect(page.get_by_role("status")).to_contain_text("Verified.")
    # in words first; each named check waits in the technical fold
    expect(page.locator("main")).to_contain_text("checks passed")
    page.get_by_text("Technical details: the issuer's identifier and every check").click()
    rows = page.locator("details.technical table tbody tr")
    for check in ("proof", "issuer-key", "validity-period", "status", "schema"):
        expect(rows.filter(has=page.locator(f"code:text-is('{check}')"))).to_contain_text("Passed")
    if screenshot:
        story.shoot(page, screenshot)


def learner_sees_cards_and_skills(story: Story) -> None:
    page = story.learner
    page.goto(f"{story.services.wallet}/credentials")
    expect(page.get_by_text("3 credentials.")).to_be_visible()
    cards = page.locator("ul.cards > li")
    expect(cards).to_have_count(3)
    for name in (NURSING_1, NURSING_2, FOOD_HANDLER):
        card = cards.filter(has=page.get_by_role("heading", name=name, exact=True))
        expect(card.locator(".badge.verified")).to_have_text("Verified")
    story.shoot(page, "story-2-credentials")
    story.shoot(page, "wallet-credentials")
    page.get_by_role("link", name="See the skills of all your credentials").click()
    expect(page.get_by_role("heading", name="My skills")).to_be_visible()
    skill = page.locator("ul.skills > li").filter(
        has=page.get_by_role("heading", name=SKILL, exact=True)
    )
    expect(skill).to_contain_text("2 verified credentials of 2")
    expect(skill).to_contain_text(NURSING_1)
    expect(skill).to_contain_text(NURSING_2)
    story.shoot(page, "story-2-skills")


# --- 3. the employer asks ---------------------------------------------------------------------


def employer_opens_job(story: Story) -> None:
    page = story.employer
    employer_signs_in(page, story.services)  # the jobs are for the care home's staff
    page.goto(f"{story.services.verifier}/jobs")
    page.get_by_label("Title").fill("Care assistant, Maple Grove Care Home")
    page.get_by_label("Required skills").fill(SKILL)
    page.get_by_label("Issued within").fill("2")
    page.get_by_label("Count only credentials from issuers the registry accredits").check()
    page.get_by_role("button", name="Open the job").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Care assistant, Maple Grove Care Home"
    )
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(SKILL)
    expect(facts).to_contain_text("2 years")
    expect(page.locator("dt:text-is('Accredited issuers only') + dd")).to_have_text("yes")
    expect(page.get_by_text("No answers yet.")).to_be_visible()
    story.job_url = page.url
    story.shoot(page, "story-3-job")


def employer_asks(story: Story, screenshot: str | None = None) -> str:
    """A new OpenID4VP request for the job; returns its link."""
    page = story.employer
    page.goto(story.job_url)
    page.get_by_role("button", name="New request: link and QR code (OpenID4VP)").click()
    expect(page.get_by_role("heading", name="Ask for credentials")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the presentation request link")).to_be_visible()
    if screenshot:
        story.shoot(page, screenshot)
    link = page.locator("main a[href^='openid4vp://']").first.inner_text()
    assert "request_uri=" in link
    return link


# --- 4. the learner answers ------------------------------------------------------------------


def learner_answers(story: Story, link: str, screenshots: bool = False) -> None:
    """Open the request: the two nursing credentials (aligned to the job's skill) are ticked,
    the food one is not; hide fields, preview, send."""
    page = story.learner
    page.goto(f"{story.services.wallet}/requests")
    page.get_by_label("The request").fill(link)
    page.get_by_role("button", name="Read the request").click()
    expect(page.get_by_role("heading", name="A verifier asks for credentials")).to_be_visible()
    asker = page.locator("section.asker")
    expect(asker).to_contain_text("Maple Grove Care Home")
    expect(asker).to_contain_text(f"showing the skill {SKILL}")
    expect(asker).not_to_contain_text("redirect_uri:")
    expect(page.get_by_label(NURSING_1, exact=True)).to_be_checked()
    expect(page.get_by_label(NURSING_2, exact=True)).to_be_checked()
    expect(page.get_by_label(FOOD_HANDLER, exact=True)).not_to_be_checked()
    for name in (NURSING_1, NURSING_2):
        hide_fields(page, name, HIDDEN)
    if screenshots:
        story.shoot(page, "story-4-choose")
    page.get_by_role("button", name="Preview exactly what will be sent").click()
    expect(page.get_by_role("heading", name="Check before sending")).to_be_visible()
    for name in (NURSING_1, NURSING_2):
        expect(page.get_by_text(f"{name}: hidden from the verifier: ")).to_contain_text(
            ", ".join(HIDDEN)
        )
    sent = page.locator("pre").first.inner_text()
    assert f'"name": "{NURSING_1}"' in sent and f'"name": "{NURSING_2}"' in sent
    assert FOOD_HANDLER not in sent
    assert LEARNER_NAME in sent and DATE_OF_BIRTH not in sent
    if screenshots:
        story.shoot(page, "story-4-preview")
    page.get_by_role("button", name="Send to the verifier").click()
    expect(page.get_by_role("heading", name="Sent")).to_be_visible()
    expect(page.get_by_text("The verifier received your presentation (HTTP 200)")).to_be_visible()


def hide_fields(page: Page, credential: str, labels: tuple[str, ...]) -> None:
    """The credential's field switches, open on the request page: switch ``labels`` off."""
    fields = page.get_by_role("group", name=f"What to share from {credential} (")
    for label in labels:
        switch = fields.get_by_label(re.compile(rf"^{label}:"))
        expect(switch).to_be_enabled()
        switch.uncheck()
    expect(fields.get_by_label(re.compile(r"^Recipient name:"))).to_be_checked()


# --- 5. the employer reads the report --------------------------------------------------------


def check_row(page: Page, scope: str, title: str) -> str:
    """The result cell of check ``title`` in the report table's ``scope`` group."""
    found: str = page.evaluate(
        """([scope, title]) => {
          let current = null;
          for (const row of document.querySelectorAll("main table:not(.fields) tbody tr")) {
            if (row.classList.contains("scope")) { current = row.innerText.trim(); continue; }
            const head = row.querySelector("th");
            if (current === scope && head && head.innerText.trim() === title)
              return row.querySelector("td").innerText.trim();
          }
          return null;
        }""",
        [scope, title],
    )
    return found


def open_newest_report(story: Story) -> Page:
    page = story.employer
    page.goto(story.job_url)
    page.locator("table tbody tr").first.get_by_role("link", name="read the report").click()
    expect(page.get_by_role("heading", name="Verification report")).to_be_visible()
    return page


def employer_reads_report(story: Story) -> None:
    page = story.employer
    page.goto(story.job_url)
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr td.pass")).to_have_text("Verified")
    # the answers list names the candidate as disclosed, with a human date
    expect(page.locator("table tbody tr").first).to_contain_text(LEARNER_NAME)
    expect(page.locator("table tbody tr").first).not_to_contain_text("did:")
    page = open_newest_report(story)
    expect(page.locator("h1")).to_have_text(f"Verification report: {LEARNER_NAME}")
    expect(page.locator("p.verdict")).to_have_text("Verified: you can rely on this presentation")
    expect(page.locator("p.meta").first).to_contain_text("holding 2 credentials")
    expect(page.locator("details.technical").first).to_contain_text(
        re.compile(r"Presented by did:key:z\w+")
    )
    for title in ("Signature (proof)", "Presented by its holder", "Challenge (nonce) matches"):
        assert check_row(page, "Presentation", title) == "✓ Passed", title
    for scope in ("Credential 1", "Credential 2"):
        for title in (
            "Signature (proof)",
            "Issuer controls the signing key",
            "Validity period",
            "Not revoked or suspended",
            "Conforms to the 1EdTech schema",
            "Issuer accredited for this achievement",
        ):
            assert check_row(page, scope, title) == "✓ Passed", (scope, title)
    requirements = [check_row(page, s, "Meets the job's requirements") for s in PRESENTATION_SCOPES]
    assert "✓ Passed" in requirements, requirements
    shared = page.locator("section.card")
    expect(shared).to_have_count(2)
    names = shared.locator("h3").all_inner_texts()
    assert any(NURSING_1 + " —" in n for n in names) and any(NURSING_2 + " —" in n for n in names)
    assert not any(FOOD_HANDLER in n for n in names)
    expect(shared.first.locator("dt:text-is('Skills') + dd")).to_contain_text(SKILL)
    for card in shared.all():
        expect(card.locator("table.fields")).to_contain_text("credentialSubject.id")
        disclosure = card.locator(".disclosure")
        expect(disclosure.locator("dl.disclosed")).to_contain_text(f"Recipient name{LEARNER_NAME}")
        expect(disclosure.locator(".withheld")).to_contain_text("Date of birth")
        expect(disclosure.locator(".withheld")).to_contain_text("Grade")
    expect(page.locator("main")).not_to_contain_text(DATE_OF_BIRTH)
    expect(page.locator("main")).not_to_contain_text(BIRTH_DAY)
    story.shoot(page, "story-5-report")
    story.shoot(page, "story-5-disclosed", part=shared.first)
    story.shoot(page, "verifier-report")


PRESENTATION_SCOPES = ("Presentation", "Credential 1", "Credential 2")


# --- 6. a revocation --------------------------------------------------------------------------


def staff_revokes(story: Story, achievement: str) -> None:
    page = story.staff
    page.goto(f"{story.services.issuer}/issuers/{COLLEGE}/issued")
    row = page.locator("tbody tr").filter(has_text=re.compile(rf"{achievement}(?!I)"))
    expect(row).to_have_count(1)
    expect(row.locator("td.active")).to_have_text("active")
    row.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(page.get_by_role("heading", name="Revoke this credential?")).to_be_visible()
    expect(page.get_by_text("Revocation is final.")).to_be_visible()
    page.get_by_label("Why is it revoked? (shown to the learner)").fill(REVOKED_BECAUSE)
    page.get_by_label("Kind of reason").select_option("superseded")
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    row = page.locator("tbody tr").filter(has_text=re.compile(rf"{achievement}(?!I)"))
    expect(row.locator("td.revoked")).to_have_text(f"revoked{REVOKED_BECAUSE}")
    story.shoot(page, "story-6-revoked")


def learner_sees_revoked(story: Story, achievement: str) -> None:
    page = story.learner
    page.goto(f"{story.services.wallet}/credentials")
    page.get_by_role("button", name="Check all again now").click()  # a background job
    expect(page.get_by_role("heading", name="Checking your credentials again")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Done.", timeout=60_000)  # page refreshes
    page.get_by_role("link", name="Back to my credentials").click()
    card = page.locator("ul.cards > li").filter(
        has=page.get_by_role("heading", name=achievement, exact=True)
    )
    expect(card.locator(".badge")).to_have_class(re.compile(r"\brevoked\b"))
    # said in words: by whom and when the wallet found it, never the list's URL and index
    expect(card.locator(".why")).to_contain_text(re.compile(r"^Revoked by the issuer"))
    expect(card).not_to_contain_text("index")
    verified = page.locator("ul.cards .badge.verified")
    expect(verified).to_have_count(2)


def employer_sees_status_failure(story: Story, achievement: str) -> None:
    page = open_newest_report(story)
    expect(page.locator("p.verdict")).to_have_text("Not verified: do not rely on this presentation")
    why = page.locator("ul.why")
    expect(why).to_contain_text("not revoked or suspended")
    scopes = [s for s in ("Credential 1", "Credential 2") if achievement in _card_name(page, s)]
    assert len(scopes) == 1
    assert check_row(page, scopes[0], "Not revoked or suspended") == "✗ Failed"
    assert check_row(page, scopes[0], "Signature (proof)") == "✓ Passed"
    other = "Credential 2" if scopes[0] == "Credential 1" else "Credential 1"
    assert check_row(page, other, "Not revoked or suspended") == "✓ Passed"
    story.shoot(page, "story-6-report-revoked")


def _card_name(page: Page, label: str) -> str:
    return page.locator("section.card h3").filter(has_text=f"{label}:").inner_text()


# --- the story, in order ----------------------------------------------------------------------


def test_the_story_through_the_pages(services: Services, actor: Actor, shoot: Shoot) -> None:
    story = Story(services, actor("staff"), actor("learner"), actor("employer"), shoot)

    staff_signs_in(story)
    links = {
        NURSING_1: offer(story, COLLEGE, NURSING_1, learner_data=True, screenshot="story-1-issue"),
        NURSING_2: offer(story, COLLEGE, NURSING_2, learner_data=True),
        FOOD_HANDLER: offer(story, FOOD, FOOD_HANDLER),
    }
    shoot(story.staff, "story-1-offer")
    story.staff.goto(f"{services.issuer}/issuers/{COLLEGE}")
    shoot(story.staff, "issuer-home")

    learner_signs_up(story)
    for achievement, link in links.items():
        shot = "story-2-received" if achievement == NURSING_1 else None
        accept(story, link, achievement, screenshot=shot)
    learner_sees_cards_and_skills(story)

    employer_opens_job(story)
    request_link = employer_asks(story, screenshot="story-3-request")

    learner_answers(story, request_link, screenshots=True)

    employer_reads_report(story)

    staff_revokes(story, NURSING_2)
    learner_sees_revoked(story, NURSING_2)
    learner_answers(story, employer_asks(story))
    employer_sees_status_failure(story, NURSING_2)

    for page in (story.staff, story.learner, story.employer):
        assert page.problems.all() == []  # type: ignore[attr-defined]
