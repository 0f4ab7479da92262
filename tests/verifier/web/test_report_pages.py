"""The report page a hiring manager reads, over HTTP: three ways in (paste, upload, link),
then the verdict in words first, why, one row per check (the employer's trusted-issuer
check too), and each credential as shared with every disclosed field.

Credentials come from the REAL issuer app (tests/verifier/conftest.py) where the registry
matters, and from tests/scenarios.py (a did:key issuer no registry lists) elsewhere.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.verifier.conftest import VerifierFactory, issue
from vckit.ob.baking import bake_png, bake_svg, default_badge_png, default_badge_svg
from verifier.app import create_app
from verifier.settings import Settings


@pytest.fixture
def plain(tmp_path: Path) -> TestClient:
    """A verifier without a registry or network: vckit's checks only."""
    settings = Settings(allow_did_web=False, allow_status_fetch=False, data_dir=tmp_path / "plain")
    return TestClient(create_app(settings))


def text_of(page: str) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces squeezed."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()).replace(" ,", ",")


def order_of(page: str, *phrases: str) -> list[int]:
    seen = text_of(page)
    return [seen.index(p) for p in phrases]


# --- what the page says, and in which order -------------------------------------------------


def test_verdict_first_then_why_then_checks_then_the_credential(plain: TestClient) -> None:
    page = plain.post("/", data={"document": json.dumps(s.good_credential())}).text
    positions = order_of(
        page,
        "Verified: you can rely on this credential",
        "Why",
        "Every check passed",
        "Check Result Detail",
        "Signature (proof)",
        "The credential as shared",
        "The credential: Fundamentals of Nursing I",
    )
    assert positions == sorted(positions)
    seen = text_of(page)
    for shown in (
        "Issued by Demo Community College",
        "Achievement Fundamentals of Nursing I (Course)",
        "Skills Patient data privacy, Medical terminology",
    ):
        assert shown in seen
    assert 'href="https://example.org/skills/patient-data-privacy"' in page
    assert "No governance registry is configured here" in seen  # shown, not vouched for


def test_one_row_per_check(plain: TestClient) -> None:
    page = plain.post("/", data={"document": json.dumps(s.good_credential())}).text
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="(\w[\w-]*)">', page)
    titles = [title for title, _ in rows]
    expected = [
        "Signature (proof)",
        "Issuer controls the signing key",
        "Well-formed credential",
        "Validity period",
        "Not revoked or suspended",
        "Conforms to the 1EdTech schema",
    ]
    assert sorted(titles) == sorted(expected)
    assert {status for _, status in rows} == {"pass"}


def test_disclosed_fields_list_every_field_shared(plain: TestClient) -> None:
    vc = s.good_credential()
    page = plain.post("/", data={"document": json.dumps(vc)}).text
    fields = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td></tr>', page)
    named = dict(fields)
    assert named["credentialSubject.achievement.name"] == "Fundamentals of Nursing I"
    assert named["credentialSubject.achievement.alignment[2].targetName"] == ("Medical terminology")
    assert named["issuer.name"] == "Demo Community College"
    assert named["proof"] == "present" and named["@context"] == "present"
    assert "proof.proofValue" not in named
    assert f"({len(fields)})" in page  # the count in the caption


def test_failure_says_do_not_rely_and_why(plain: TestClient) -> None:
    vc = s.good_credential(validUntil="2026-01-01T00:00:00Z")
    page = plain.post("/", data={"document": json.dumps(vc)}).text
    seen = text_of(page)
    assert "Not verified: do not rely on this credential" in seen
    why = seen[seen.index("Why") : seen.index("Every check")]
    assert "The credential, validity period: expired" in why


def test_trusted_issuer_row_from_the_registry(
    verifier_app: VerifierFactory, issuer: TestClient
) -> None:
    """The real issuer's food-safety provider, accredited for food-handler: passes; a did:key
    issuer the registry does not list: the row fails and says it is not a forgery."""
    client = TestClient(verifier_app())
    good = issue(issuer, "food-safety", "food-handler")
    seen = text_of(client.post("/", data={"document": json.dumps(good)}).text)
    assert "Verified: you can rely on this credential" in seen
    assert "Issuer accredited for this achievement ✓ Passed" in seen
    assert "No governance registry" not in seen

    answer = client.post("/", data={"document": json.dumps(s.good_credential())}).text
    stranger = text_of(answer)
    # authentic but unaccredited: amber, told apart from a forgery in the headline itself
    assert 'class="verdict unaccredited"' in answer
    assert "Authentic, but from an issuer you have not accredited" in stranger
    assert "Not verified" not in stranger
    assert "Issuer accredited for this achievement ✗ Failed unknown issuer" in stranger
    assert "not a forgery" in stranger
    assert re.search(r'<a href="/registry\?issuer=did%3Akey%3A[^"]+">Trust [^<]+ for ', answer)


def test_presentation_groups_checks_by_what_they_were_checked_on(plain: TestClient) -> None:
    shared = s.presentation([s.good_credential(), s.jwt_credential()])
    form = {
        "document": json.dumps(shared.presentation),
        "challenge": shared.challenge,
        "domain": shared.domain,
    }
    page = plain.post("/", data=form).text
    seen = text_of(page)
    assert "Verified: you can rely on this presentation" in seen
    assert "holding 2 credentials" in seen
    # the holder's DID is a technical detail, folded
    technical = page.split('<details class="technical"><summary>Technical details: who', 1)[1]
    assert f"Presented by <code>{s.did_of(s.HOLDER)}</code>" in technical.split("</details>")[0]
    scopes = re.findall(r'<tr class="scope"><th colspan="3" scope="rowgroup">([^<]+)<', page)
    assert scopes == ["Presentation", "Credential 1", "Credential 2"]
    assert seen.count("Fundamentals of Nursing I") >= 2


def test_page_is_printable(plain: TestClient) -> None:
    page = plain.post("/", data={"document": json.dumps(s.good_credential())}).text
    assert '<link rel="stylesheet" href="/assets/verifier.css">' in page
    sheet = plain.get("/assets/verifier.css").text  # a file: the CSP allows no inline style
    print_css = sheet[sheet.index("@media print") :]
    assert ".actions" in print_css[: print_css.index("}\n")] or "display: none" in print_css


def test_what_the_credential_says_is_escaped(plain: TestClient) -> None:
    """Text from the credential is data, never markup (the signature fails, the page shows it)."""
    vc = s.good_credential()
    vc["name"] = "<script>alert(1)</script>"
    page = plain.post("/", data={"document": json.dumps(vc)}).text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- three ways in ----------------------------------------------------------------------------


def _upload(client: TestClient, name: str, data: bytes, mime: str) -> Any:
    return client.post("/", files={"file": (name, data, mime)})


UPLOADS: list[Any] = [
    pytest.param(
        lambda: ("vc.json", json.dumps(s.good_credential()).encode(), "application/json"),
        "eddsa-rdfc-2022 signature verifies",
        id="json-file",
    ),
    pytest.param(
        lambda: ("vc.jwt", s.jwt_credential().encode(), "text/plain"),
        "Verified: you can rely on this credential",
        id="jwt-file",
    ),
    pytest.param(
        lambda: ("badge.png", bake_png(default_badge_png(), s.good_credential()), "image/png"),
        "eddsa-rdfc-2022 signature verifies",
        id="baked-png",
    ),
    pytest.param(
        lambda: ("badge.png", bake_png(default_badge_png(), s.jwt_credential()), "image/png"),
        "Verified: you can rely on this credential",
        id="baked-png-jwt",
    ),
    pytest.param(
        lambda: (
            "badge.svg",
            bake_svg(default_badge_svg("Nursing", "College"), s.good_credential()).encode(),
            "image/svg+xml",
        ),
        "eddsa-rdfc-2022 signature verifies",
        id="baked-svg",
    ),
]


@pytest.mark.parametrize(("make", "expected"), UPLOADS)
def test_upload(
    plain: TestClient, make: Callable[[], tuple[str, bytes, str]], expected: str
) -> None:
    response = _upload(plain, *make())
    assert response.status_code == 200, text_of(response.text)
    seen = text_of(response.text)
    assert "Verified: you can rely on this credential" in seen
    assert expected in seen
    assert "from an uploaded file" in seen


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        pytest.param("badge.png", default_badge_png(), "openbadgecredential", id="png-not-baked"),
        pytest.param("x.png", b"\x89PNG\r\n\x1a\nbroken", "PNG", id="png-broken"),
        pytest.param("empty.json", b"   ", "the file is empty", id="empty-file"),
        pytest.param("bin.dat", b"\xff\xfe\x00", "not UTF-8", id="binary-file"),
    ],
)
def test_unusable_upload_is_400_with_the_reason(
    plain: TestClient, name: str, data: bytes, said: str
) -> None:
    response = _upload(plain, name, data, "application/octet-stream")
    assert response.status_code == 400
    seen = text_of(response.text)
    assert "Cannot verify:" in seen and said in seen


WALLET_SHARE_PAGE = """<!doctype html><html><body><h1>A shared presentation</h1>
<p>Check it before trusting it.</p><pre>{json}</pre></body></html>"""


def _serving(pages: dict[str, bytes]) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        if url not in pages:
            raise OSError(f"no route to {url}")
        return pages[url]

    return fetch


def test_link_to_a_wallet_share_page(tmp_path: Path) -> None:
    """The demonstrator wallet's ``/s/<token>`` page: the presentation is the JSON in its
    one <pre> (HTML-escaped); the verifier reads it from there."""
    shared = s.presentation()
    text = html.escape(json.dumps(shared.presentation, indent=2))
    link = "https://wallet.example/s/Tok3n"
    fetch = _serving({link: WALLET_SHARE_PAGE.format(json=text).encode()})
    settings = Settings(allow_did_web=False, allow_status_fetch=False, data_dir=tmp_path / "v")
    client = TestClient(create_app(settings, fetch=fetch))
    response = client.post("/", data={"link": link})
    assert response.status_code == 200, text_of(response.text)
    seen = text_of(response.text)
    assert f"A presentation (eddsa-rdfc-2022) from {link}" in seen
    assert "Presented by its holder ✓ Passed" in seen
    # a share link carries no challenge of ours: the binding checks say so, never "passed"
    assert "Not verified" in seen or "Not fully checked" in seen


def test_a_share_pages_verify_button_verifies_the_link_at_once(tmp_path: Path) -> None:
    """``GET /?link=`` (the wallet share page's button): the report, no second click; a link
    that gives nothing is the form again with the reason."""
    link = "https://college.example/credentials/1.json"
    fetch = _serving({link: json.dumps(s.good_credential()).encode()})
    settings = Settings(allow_did_web=False, allow_status_fetch=False, data_dir=tmp_path / "v")
    client = TestClient(create_app(settings, fetch=fetch))
    seen = text_of(client.get("/", params={"link": link}).text)
    assert "Verified: you can rely on this credential" in seen
    refused = client.get("/", params={"link": "file:///etc/passwd"})
    assert refused.status_code == 400 and "Cannot verify:" in text_of(refused.text)


def test_link_to_a_json_credential(tmp_path: Path) -> None:
    link = "https://college.example/credentials/1.json"
    fetch = _serving({link: json.dumps(s.good_credential()).encode()})
    settings = Settings(allow_did_web=False, allow_status_fetch=False, data_dir=tmp_path / "v")
    client = TestClient(create_app(settings, fetch=fetch))
    seen = text_of(client.post("/", data={"link": link}).text)
    assert "Verified: you can rely on this credential" in seen


@pytest.mark.parametrize(
    ("link", "said"),
    [
        pytest.param("http://wallet.example/s/x", "only https", id="plain-http"),
        pytest.param("https://10.1.2.3/s/x", "not a public address", id="private-address"),
        pytest.param("file:///etc/passwd", "only https", id="file-url"),
    ],
)
def test_link_is_fetched_only_under_the_fetch_policy(
    plain: TestClient, link: str, said: str
) -> None:
    """No fetch injected: the verifier's own fetcher and its policy decide (no network is
    reached: each of these is refused before connecting)."""
    response = plain.post("/", data={"link": link})
    assert response.status_code == 400
    seen = text_of(response.text)
    assert "Cannot verify: the link was not fetched" in seen and said in seen
    assert f'value="{link}"' in response.text  # kept in the form to correct it


def test_page_without_a_pre_is_refused(tmp_path: Path) -> None:
    link = "https://example.org/"
    fetch = _serving({link: b"<!doctype html><html><body>hello</body></html>"})
    client = TestClient(create_app(Settings(data_dir=tmp_path / "v"), fetch=fetch))
    response = client.post("/", data={"link": link})
    assert response.status_code == 400
    assert "https://example.org/ gave no usable answer" in text_of(response.text)


def test_home_offers_the_three_ways_in(plain: TestClient) -> None:
    page = plain.get("/").text
    assert 'enctype="multipart/form-data"' in page
    for label in ("Paste it", "Upload a file", "Open a link"):
        assert f"<legend>{label}</legend>" in page
    assert 'type="url" id="link" name="link"' in page


def test_a_clr_shows_the_credential_inside_it_with_its_own_verdict(verifier: TestClient) -> None:
    """1EdTech's signed CLR 2.0 vector: the report page shows the tree (issue 12)."""
    from tests.paths import VECTORS

    vector = VECTORS / "data-integrity" / "1edtech-clr2-eddsa-rdfc-2022" / "signed.json"
    clr = vector.read_text()
    page = verifier.post("/", data={"document": clr})
    assert page.status_code == 200
    assert "Credential inside it: Example University Degree, by Example University" in page.text
    assert "The credentials it holds verify" in page.text
