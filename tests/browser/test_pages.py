"""Every main page of every service renders in Chromium (the wallet's field page of an
ecdsa-sd-2023 credential too): answered 200, has a heading, logs no console error, has no
failed request, and asks for nothing from any host but this machine (such requests are
blocked and recorded by the ``actor`` fixture, never sent)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import Actor, Services, Shoot, employer_signs_in, problems_of

COLLEGE = "/issuers/community-college"
PUBLIC = {  # /docs: each service's API, rendered offline from its OpenAPI document
    "issuer": ["/", COLLEGE, f"{COLLEGE}/catalogue", "/sign-in", "/docs"],
    "wallet": ["/", "/sign-up", "/sign-in", "/docs"],
    "verifier": ["/", "/registry", "/sign-in", "/docs"],
    "landing": ["/"],
}
STAFF = [f"{COLLEGE}/issue", f"{COLLEGE}/issued", f"{COLLEGE}/upload"]
EMPLOYER = ["/jobs", "/staff/tokens"]
LEARNER = [
    "/credentials",
    "/receive",
    "/skills",
    "/presentations",
    "/requests",
    "/share-links",
    "/shared",
    "/account",
]
MAX_LINKS = 30
NURSING_1 = "Fundamentals of Nursing I"


def selective_offer(staff: Page, issuer: str) -> str:
    """Signed-in staff offer an ecdsa-sd-2023 credential with fields the learner may hide;
    the offer link."""
    staff.goto(f"{issuer}{COLLEGE}/issue")
    staff.get_by_label("Achievement").select_option(label=NURSING_1)
    staff.get_by_label("Offer to the learner's wallet").check()
    staff.get_by_label("Proof format").select_option("ecdsa-sd-2023")
    staff.get_by_label("Learner's name").fill("Pat Pages")
    staff.get_by_label("Date of birth").fill("1999-01-02")
    staff.get_by_label("Grade").fill("A")
    staff.get_by_role("button", name="Issue").click()
    expect(staff.get_by_role("heading", name="Credential offer")).to_be_visible()
    return staff.locator("dt:text-is('Offer link') + dd a").inner_text()


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("networkidle")
    if (response.header_value("content-type") or "").startswith("text/html"):
        expect(page.locator("h1").first).to_be_visible()  # a page, not JSON the map links to


def same_site_links(page: Page, base: str) -> list[str]:
    """The page's links to pages of the same service (no downloads, no fragments)."""
    found: list[str] = []
    for href in page.locator("a[href]:not([download])").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        url = urljoin(page.url, href).split("#")[0]
        if urlsplit(url).netloc == urlsplit(base).netloc and url not in found:
            found.append(url)
    return found[:MAX_LINKS]


def test_every_main_page_renders_cleanly(services: Services, actor: Actor, shoot: Shoot) -> None:
    visitor = actor("visitor")
    for name, base in services.main().items():
        for path in PUBLIC[name]:
            visit(visitor, base + path)
    if services.landing:  # the map links to its own pages (the tour, the counts)
        visit(visitor, services.landing + "/")
        shoot(visitor, "landing-map")
        for url in same_site_links(visitor, services.landing):
            visit(visitor, url)

    staff = actor("staff")
    staff.goto(f"{services.issuer}/sign-in")
    staff.get_by_label("API token").fill(services.staff_token)
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_text("Signed in as staff")).to_be_visible()
    for path in STAFF:
        visit(staff, services.issuer + path)
    offer_link = selective_offer(staff, services.issuer)

    learner = actor("learner")
    learner.goto(f"{services.wallet}/sign-up")
    learner.get_by_label("Email").fill("pages@example.org")
    learner.get_by_label("Password", exact=True).fill("a long and memorable passphrase")
    learner.get_by_label("Password again").fill("a long and memorable passphrase")
    learner.get_by_role("button", name="Create the account").click()
    expect(learner.get_by_text("Signed in as pages@example.org")).to_be_visible()
    for path in LEARNER:
        visit(learner, services.wallet + path)
    # the field page of an ecdsa-sd-2023 credential: one switch per field the learner may hide
    learner.goto(f"{services.wallet}/receive")
    learner.get_by_label("The offer link, or the text of its QR code").fill(offer_link)
    learner.get_by_role("button", name="Get the credential").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(NURSING_1)
    done = urlsplit(learner.url).path  # /receive/done/{credential id}
    assert done.startswith("/receive/done/"), learner.url
    visit(learner, f"{services.wallet}/credentials/{done.rsplit('/', 1)[1]}/disclose")
    expect(learner.get_by_role("heading", level=1)).to_have_text("Choose what to share")
    expect(learner.get_by_text("Date of birth").first).to_be_visible()

    employer = actor("employer")
    employer_signs_in(employer, services)
    for path in EMPLOYER:
        visit(employer, services.verifier + path)
    visit(employer, f"{services.verifier}/jobs")
    employer.get_by_label("Title").fill("Night nurse")
    employer.get_by_role("button", name="Open the job").click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Night nurse")
    employer.get_by_role("button", name="New request: link and QR code (OpenID4VP)").click()
    expect(employer.get_by_role("heading", name="Ask for credentials")).to_be_visible()

    for page in (visitor, staff, learner, employer):
        assert problems_of(page).all() == []
