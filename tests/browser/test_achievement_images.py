"""Achievement images in Chromium (issue 16), at 1100 px and 390 px: college staff open an
achievement's image page, a hostile SVG is refused in words, their own SVG is saved and
shown; a learner takes an offer of that achievement and the wallet card shows the issuer's
artwork (a ``data:`` URL the credential carries; nothing fetched), not a drawing of its own."""

from __future__ import annotations

import base64
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import Actor, Services, Shoot, problems_of
from tests.browser.test_story import PASSWORD
from tests.browser.test_wallet_words import at_both_widths

COLLEGE = "community-college"
ARTWORK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
    b'<title>Green square</title><rect width="100" height="100" fill="#0a6b2d"/></svg>'
)
HOSTILE = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CAPTION = "A green square: the browser-test badge"


def loaded(page: Page, selector: str) -> bool:
    """The image has been decoded and drawn (not blocked, not broken)."""
    found: bool = page.locator(selector).first.evaluate("i => i.complete && i.naturalWidth > 0")
    return found


def test_staff_upload_artwork_and_the_wallet_card_shows_it(
    services: Services, actor: Actor, shoot: Shoot
) -> None:
    slug, name = f"image-{uuid.uuid4().hex[:8]}", "Browser Image Badge"
    created = httpx.post(
        f"{services.issuer}/issuers/{COLLEGE}/achievements",
        headers={"Authorization": f"Bearer {services.staff_token}"},
        json={
            "slug": slug,
            "achievement": {
                "name": name,
                "description": "A badge made by the browser test.",
                "criteria": {"narrative": "Ran the test."},
            },
        },
    )
    assert created.status_code == 201, created.text

    staff = actor("staff")
    page_url = f"/issuers/{COLLEGE}/catalogue/{slug}/image"
    staff.goto(f"{services.issuer}/sign-in?next={page_url}")
    staff.get_by_label("API token").fill(services.staff_token)
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Image of “{name}”")
    staff.get_by_label("PNG or SVG file").set_input_files(
        {"name": "badge.png", "mimeType": "image/png", "buffer": HOSTILE}
    )
    staff.get_by_role("button", name="Upload").click()
    expect(staff.get_by_role("alert")).to_contain_text("has a <script> element")
    staff.get_by_label("PNG or SVG file").set_input_files(
        {"name": "badge.svg", "mimeType": "image/svg+xml", "buffer": ARTWORK}
    )
    staff.get_by_label("Caption").fill(CAPTION)
    staff.get_by_role("button", name="Upload").click()
    expect(staff.get_by_role("status")).to_contain_text("Image saved")

    def staff_sees_the_image() -> None:
        expect(staff.get_by_role("img", name=CAPTION)).to_be_visible()
        assert loaded(staff, "img.achievement-image")

    at_both_widths(staff, staff_sees_the_image)
    shoot(staff, "achievement-image-upload")

    staff.goto(f"{services.issuer}/issuers/{COLLEGE}/issue")
    staff.get_by_label("Achievement").select_option(label=name)
    staff.get_by_label("Offer to the learner's wallet").check()
    staff.get_by_role("button", name="Issue").click()
    link = staff.locator("dt:text-is('Offer link') + dd a").inner_text()

    learner = actor("learner")
    learner.goto(f"{services.wallet}/sign-up")
    learner.get_by_label("Email").fill(f"{slug}@example.org")
    learner.get_by_label("Password", exact=True).fill(PASSWORD)
    learner.get_by_label("Password again").fill(PASSWORD)
    learner.get_by_role("button", name="Create the account").click()
    expect(learner.get_by_text(f"Signed in as {slug}@example.org")).to_be_visible()
    learner.goto(f"{services.wallet}/receive")
    learner.get_by_label("The offer link, or the text of its QR code").fill(link)
    learner.get_by_role("button", name="Get the credential").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(name)
    learner.goto(f"{services.wallet}/credentials")
    expected = "data:image/svg+xml;base64," + base64.b64encode(ARTWORK).decode()

    def card_shows_the_artwork() -> None:
        image = learner.get_by_role("img", name=CAPTION)
        expect(image).to_be_visible()
        assert image.get_attribute("src") == expected  # the issuer's own, carried inline
        assert loaded(learner, f'img[alt="{CAPTION}"]')

    at_both_widths(learner, card_shows_the_artwork)
    shoot(learner, "achievement-image-card")
    refused = f"{page_url}: Failed to load resource: the server responded with a status of 422"
    assert [p for p in problems_of(staff).all() if refused not in p] == []  # the hostile upload
    assert problems_of(learner).all() == []
