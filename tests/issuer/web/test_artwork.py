"""Achievement images over HTTP: the demo's generated defaults, uploads through the API and
the staff page (good and hostile files), the public image URL, and the image travelling in
the credentials issued afterwards and in their baked badges."""

from __future__ import annotations

import base64
import zlib
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.artwork.checks import MAX_IMAGE_BYTES
from tests.issuer.conftest import AppFactory, authorized
from tests.issuer.web.test_api import assert_problem
from tests.issuer.web.test_pages import SITE, csrf_of, sign_in
from vckit.jose import vc_jwt
from vckit.ob import baking

COLLEGE = "community-college"
NURSING_1 = "fundamentals-of-nursing-1"
IMAGE = f"/issuers/{COLLEGE}/achievements/{NURSING_1}/image"
PAGE = f"/issuers/{COLLEGE}/catalogue/{NURSING_1}/image"
ARTWORK = baking.default_badge_png(48, colour="#aa3300", name="N1")
HOSTILE = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


@pytest.fixture
def app(issuer_app: AppFactory) -> FastAPI:
    return issuer_app()


@pytest.fixture
def api(app: FastAPI) -> TestClient:
    return authorized(app)


def achievement(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/issuers/{COLLEGE}/achievements/{NURSING_1}").json()
    return found


def issue(client: TestClient, format: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    response = client.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": NURSING_1, "recipient": {"did": "did:example:a"}, "format": format},
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def image_in(issued: dict[str, Any]) -> Any:
    """The achievement image of an issued credential (JSON-LD, or a VC-JWT's payload)."""
    credential = issued["credential"]
    if isinstance(credential, str):
        credential = vc_jwt.credential_from_jwt(vc_jwt.peek(credential)[1])
    return credential["credentialSubject"]["achievement"]["image"]


def test_demo_achievements_carry_a_generated_badge_served_safely(
    api: TestClient, issuer_app: AppFactory
) -> None:
    image = achievement(api)["image"]
    assert image["type"] == "Image" and image["caption"] == "Badge of Fundamentals of Nursing I"
    assert image["id"].startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(image["id"].split(",", 1)[1]).decode()
    assert "<title>Fundamentals of Nursing I</title>" in svg  # accessible: the badge's name
    assert ">Riverside Community<" in svg and ">College<" in svg  # the issuer, on two lines
    served = api.get(IMAGE, headers={"Authorization": ""})  # public
    assert served.status_code == 200 and served.headers["content-type"] == "image/svg+xml"
    assert served.text == svg
    assert "sandbox" in served.headers["content-security-policy"]
    assert "script-src" not in served.headers["content-security-policy"]  # default-src 'none'
    assert served.headers["x-content-type-options"] == "nosniff"
    again = api.get(IMAGE, headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304
    other = authorized(issuer_app())  # another installation generates the same badge
    assert achievement(other)["image"] == image


def test_an_uploaded_png_travels_in_credentials_issued_afterwards_and_in_their_baked_badge(
    api: TestClient,
) -> None:
    before = issue(api)
    response = api.put(IMAGE, content=ARTWORK, params={"caption": "An orange disc"})
    assert response.status_code == 200, response.text
    assert response.json()["mediaType"] == "image/png" and response.json()["source"] == "upload"
    assert api.get(IMAGE).content == ARTWORK
    data_url = "data:image/png;base64," + base64.b64encode(ARTWORK).decode()
    expected = {"id": data_url, "type": "Image", "caption": "An orange disc"}
    for format in ("eddsa-rdfc-2022", "ob3-jwt"):
        issued = issue(api, format)
        assert image_in(issued) == expected
        baked_url = issued["download"].removeprefix("http://issuer.test") + "/baked.png"
        baked = api.get(baked_url).content
        assert baked.startswith(ARTWORK[:-12])  # the uploaded artwork's chunks, then the iTXt
        assert baking.extract(baked) == issued["credential"]
    assert image_in(before)["id"].startswith("data:image/svg+xml")  # issued before: unchanged


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        pytest.param(HOSTILE.encode(), 422, "event handler", id="svg-onload"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            422,
            "<script>",
            id="svg-script",
        ),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/x#a"/></svg>',
            422,
            "links outside",
            id="svg-external-href",
        ),
        pytest.param(b"\xff\xd8\xff\xe0 a jpeg", 415, "neither a PNG nor an SVG", id="jpeg"),
        pytest.param(ARTWORK + b"\x00" * MAX_IMAGE_BYTES, 413, "limit", id="oversized"),
        pytest.param(
            baking.write_chunks(
                [
                    baking.Chunk(b"IHDR", (65535).to_bytes(4, "big") * 2 + b"\x08\x06\x00\x00\x00"),
                    baking.Chunk(b"IDAT", b"x\x9c\x03\x00\x00\x00\x00\x01"),
                    baking.Chunk(b"IEND", b""),
                ]
            ),
            422,
            "65535 × 65535",
            id="png-bomb",
        ),
    ],
)
def test_a_hostile_upload_is_a_clear_problem_and_changes_nothing(
    api: TestClient, body: bytes, status: int, words: str
) -> None:
    before = achievement(api)
    problem = assert_problem(
        api.put(IMAGE, content=body, headers={"Content-Type": "image/png"}), status
    )
    assert words in problem["detail"]
    assert achievement(api) == before


def test_setting_an_image_needs_the_token_and_a_known_achievement(api: TestClient) -> None:
    assert_problem(api.put(IMAGE, content=ARTWORK, headers={"Authorization": ""}), 401)
    assert_problem(api.put(IMAGE.replace(NURSING_1, "nope"), content=ARTWORK), 404)
    assert_problem(api.get(IMAGE.replace(NURSING_1, "nope")), 404)
    generated = api.post(f"{IMAGE}/generated")
    assert generated.status_code == 200 and generated.json()["source"] == "generated"


def test_staff_upload_an_image_on_the_page_and_the_catalogue_shows_it(app: FastAPI) -> None:
    with TestClient(app, base_url=SITE) as browser:
        sign_in(browser)
        page = browser.get(PAGE)
        assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
        csrf = csrf_of(page.text)
        hostile = browser.post(
            PAGE,
            data={"csrf": csrf, "caption": "x"},
            files={"file": ("badge.png", HOSTILE.encode(), "image/png")},
        )
        assert hostile.status_code == 422 and "event handler" in hostile.text
        assert 'role="alert"' in hostile.text
        saved = browser.post(
            PAGE,
            data={"csrf": csrf, "caption": "An orange disc"},
            files={"file": ("anything.svg", ARTWORK, "image/svg+xml")},  # sniffed: a PNG
            follow_redirects=False,
        )
        assert saved.status_code == 303
        shown = browser.get(saved.headers["location"])
        assert "Image saved" in shown.text and 'alt="An orange disc"' in shown.text
        assert browser.get(IMAGE).content == ARTWORK
        catalogue = browser.get(f"/issuers/{COLLEGE}/catalogue").text
        assert f'src="{IMAGE}"' in catalogue and "Change its image" in catalogue
        forged = browser.post(PAGE, data={"csrf": "forged", "action": "generate"})
        assert forged.status_code == 403
        generated = browser.post(PAGE, data={"csrf": csrf, "action": "generate"})
        assert generated.status_code == 200 and "generated" in generated.text
        assert browser.get(IMAGE).headers["content-type"] == "image/svg+xml"


def test_the_image_page_is_for_staff(app: FastAPI) -> None:
    with TestClient(app, base_url=SITE) as browser:
        response = browser.get(PAGE, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")


def test_an_uploaded_svg_is_the_artwork_of_the_baked_svg_badge(api: TestClient) -> None:
    artwork = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Green</title>'
        b'<rect width="10" height="10" fill="#0a6b2d"/></svg>'
    )
    assert api.put(IMAGE, content=artwork).status_code == 200
    issued = issue(api)
    baked_url = issued["download"].removeprefix("http://issuer.test") + "/baked.svg"
    baked = api.get(baked_url).content
    assert b'<rect width="10" height="10" fill="#0a6b2d"/>' in baked  # the upload, not a drawing
    assert baking.extract(baked) == issued["credential"]


def test_an_achievement_created_with_a_data_image_serves_it_and_a_hostile_one_is_refused(
    api: TestClient,
) -> None:
    def create(slug: str, image_url: str) -> Any:
        body = {
            "name": "Given image",
            "description": "d",
            "criteria": {"narrative": "c"},
            "image": {"id": image_url, "type": "Image", "caption": "Given"},
        }
        new = {"slug": slug, "achievement": body}
        return api.post(f"/issuers/{COLLEGE}/achievements", json=new)

    png_url = "data:image/png;base64," + base64.b64encode(ARTWORK).decode()
    assert create("given-png", png_url).status_code == 201
    served = api.get(f"/issuers/{COLLEGE}/achievements/given-png/image")
    assert served.status_code == 200 and served.content == ARTWORK
    hostile_url = "data:image/svg+xml;base64," + base64.b64encode(HOSTILE.encode()).decode()
    problem = assert_problem(create("given-hostile", hostile_url), 422)
    assert "passes the upload checks" in problem["detail"]
    assert_problem(create("given-html", "data:text/html;base64,PGI+"), 422)
    assert create("given-web", "https://college.example.org/badge.png").status_code == 201
    assert_problem(api.get(f"/issuers/{COLLEGE}/achievements/given-web/image"), 404)


def test_a_png_with_a_compressed_baking_bomb_is_a_422_problem_by_every_door(
    app: FastAPI, api: TestClient
) -> None:
    """A 3 KB PNG whose baking chunk inflates to 3 MiB: refused as an image (422 problem on
    the API, 422 page for staff, 422 for an achievement created with it), never a 500."""
    bomb = baking.Chunk(
        b"iTXt",
        baking.PNG_KEYWORD + b"\x00\x01\x00\x00\x00" + zlib.compress(b"\x00" * (3 << 20), 9),
    )
    chunks = baking.read_chunks(ARTWORK)
    data = baking.write_chunks([*chunks[:-1], bomb, chunks[-1]])
    before = api.get(IMAGE).content
    lenient = TestClient(app, base_url=SITE, raise_server_exceptions=False)
    lenient.headers.update(api.headers)
    put = lenient.put(IMAGE, content=data, headers={"Content-Type": "image/png"})
    assert_problem(put, 422)
    assert "baked credential" in put.json()["detail"]
    created = lenient.post(
        f"/issuers/{COLLEGE}/achievements",
        json={
            "slug": "bombed",
            "achievement": {
                "name": "Bombed",
                "description": "d",
                "criteria": {"narrative": "c"},
                "image": {"id": "data:image/png;base64," + base64.b64encode(data).decode()},
            },
        },
    )
    assert created.status_code == 422, created.text
    staff = TestClient(app, base_url=SITE, raise_server_exceptions=False)
    sign_in(staff)
    page = staff.post(
        PAGE,
        data={"csrf": csrf_of(staff.get(PAGE).text)},
        files={"file": ("bomb.png", data, "image/png")},
    )
    assert page.status_code == 422 and "baked credential" in page.text
    assert api.get(IMAGE).content == before  # nothing changed
