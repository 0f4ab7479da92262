"""The issuer's HTML pages over HTTP: what they show, staff sign-in, CSRF, every action, and
bad input answered with a clear 4xx page (never a 500)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer import store
from issuer.batches import batch
from issuer.status import lists as status
from servicekit.installation_secrets import SECRETS
from servicekit.sessions import COOKIE, Sessions
from tests.issuer.conftest import FROZEN, TOKEN, AppFactory

SITE = "https://issuer.test"  # the session cookie is Secure: the browser sends it over https only
COLLEGE = "community-college"
NURSING_1 = "fundamentals-of-nursing-1"
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
HTML = "text/html"


@pytest.fixture
def app(issuer_app: AppFactory) -> FastAPI:
    return issuer_app()


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """A browser without a session (the lifespan runs: the batch worker starts and stops)."""
    with TestClient(app, base_url=SITE) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, token: str = TOKEN) -> Any:
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"csrf": csrf_of(page.text), "token": token, "next": "/issuers/community-college"},
        follow_redirects=False,
    )


@pytest.fixture
def staff(browser: TestClient) -> tuple[TestClient, str]:
    """A signed-in browser and its session's CSRF token."""
    assert sign_in(browser).status_code == 303
    return browser, csrf_of(browser.get(f"/issuers/{COLLEGE}/issue").text)


def issue(staff: tuple[TestClient, str], **fields: str) -> Any:
    client, csrf = staff
    data = {"csrf": csrf, "achievement": NURSING_1, "recipient": LEARNER, **fields}
    return client.post(f"/issuers/{COLLEGE}/issue", data=data)


def issued_ids(client: TestClient) -> list[str]:
    page = client.get(f"/issuers/{COLLEGE}/issued").text
    return list(dict.fromkeys(re.findall(r'name="credential" value="([^"]+)"', page)))


def assert_page(response: Any, status_code: int, *texts: str) -> str:
    assert response.status_code == status_code, response.text[:2000]
    assert response.headers["content-type"].startswith(HTML)
    for text in texts:
        assert text in response.text, f"{text!r} not on the page"
    return str(response.text)


# --- public pages -------------------------------------------------------------------------------


def test_front_page_lists_the_issuers(browser: TestClient) -> None:
    page = assert_page(browser.get("/"), 200, "Credentialing Organizations", "did:web:issuer.test")
    for slug in ("community-college", "food-safety", "nursing-board", "employer"):
        assert f'href="/issuers/{slug}"' in page
    assert "Riverside Community College" in page


def test_issuer_home_says_who_we_are_and_our_place_on_the_map(browser: TestClient) -> None:
    page = assert_page(
        browser.get(f"/issuers/{COLLEGE}"),
        200,
        "Riverside Community College",
        "did:web:issuer.test:issuers:community-college",
        "LER Ecosystem Map",
        "Credentialing Organization",
        f'href="/issuers/{COLLEGE}/did.json"',
        f'href="/issuers/{COLLEGE}/catalogue"',
        f'href="/.well-known/openid-credential-issuer/issuers/{COLLEGE}"',
    )
    for phase in ("Developing", "Issuing", "Using", "Adopting"):
        assert phase in page
    for link in re.findall(r'href="(/[^"?#]*)"', page):  # every local link resolves
        assert browser.get(link).status_code == 200, link


def test_catalogue_shows_achievements_with_alignments(browser: TestClient) -> None:
    page = assert_page(
        browser.get(f"/issuers/{COLLEGE}/catalogue"), 200, "Fundamentals of Nursing I"
    )
    assert "Aligned to:" in page
    assert "Sign in as staff" in page and 'name="csrf"' not in page  # no form for the public


def test_public_pages_forbid_framing_and_do_not_need_a_session(browser: TestClient) -> None:
    response = browser.get("/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert COOKIE not in response.cookies


@pytest.mark.parametrize(
    "path", ["/issuers/nope", "/issuers/nope/catalogue"], ids=["home", "catalogue"]
)
def test_unknown_issuer_is_a_404_page(browser: TestClient, path: str) -> None:
    assert_page(browser.get(path), 404, "Not found", "No issuer")


# --- sign in and out ----------------------------------------------------------------------------


def test_sign_in_page_gives_an_anonymous_session_cookie(browser: TestClient) -> None:
    response = browser.get("/sign-in")
    assert_page(response, 200, 'type="password"', 'for="token"')
    cookie = response.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag in cookie
    assert ".anonymous." in cookie


def test_sign_in_with_the_token_opens_a_new_staff_session(browser: TestClient) -> None:
    browser.get("/sign-in")
    anonymous = browser.cookies[COOKIE]
    response = sign_in(browser)
    assert response.status_code == 303
    assert response.headers["location"] == "/issuers/community-college"
    staff_cookie = browser.cookies[COOKIE]
    assert ".staff." in staff_cookie
    assert staff_cookie.split(".")[1] != anonymous.split(".")[1]  # a new id: no fixation
    assert_page(browser.get(f"/issuers/{COLLEGE}/issue"), 200, "Issue a credential")


def test_a_wrong_token_is_refused(browser: TestClient) -> None:
    response = sign_in(browser, token="not-the-token")
    assert_page(response, 403, "not this installation&#39;s API token")
    assert browser.get(f"/issuers/{COLLEGE}/issue", follow_redirects=False).status_code == 303


def test_sign_in_without_its_csrf_token_is_refused(browser: TestClient) -> None:
    browser.get("/sign-in")
    response = browser.post("/sign-in", data={"token": TOKEN}, follow_redirects=False)
    assert_page(response, 403, "Form refused")
    assert ".staff." not in (browser.cookies.get(COOKIE) or "")


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"], ids=str
)
def test_sign_in_never_redirects_off_site(browser: TestClient, target: str) -> None:
    page = browser.get("/sign-in")
    data = {"csrf": csrf_of(page.text), "token": TOKEN, "next": target}
    response = browser.post("/sign-in", data=data, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_sign_out_ends_the_session(staff: tuple[TestClient, str]) -> None:
    client, csrf = staff
    response = client.post("/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert COOKIE not in client.cookies
    assert client.get(f"/issuers/{COLLEGE}/issued", follow_redirects=False).status_code == 303


def test_sign_out_needs_the_csrf_token(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    assert_page(client.post("/sign-out", data={"csrf": "forged"}), 403)
    assert ".staff." in client.cookies[COOKIE]


@pytest.mark.parametrize("path", ["issue", "upload", "issued", "upload/some-batch"], ids=str)
def test_staff_pages_send_the_anonymous_to_sign_in(browser: TestClient, path: str) -> None:
    response = browser.get(f"/issuers/{COLLEGE}/{path}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?next=%2Fissuers%2F{COLLEGE}%2F" + (
        path.replace("/", "%2F")
    )


# --- sessions: forged, tampered, expired --------------------------------------------------------


def test_session_cookie_is_checked() -> None:
    sessions = Sessions(b"k" * 32)
    session, cookie = sessions.new("staff", FROZEN)
    assert sessions.read(cookie, FROZEN) == session
    assert sessions.read(cookie, FROZEN + timedelta(hours=9)) is None  # expired
    assert sessions.read(cookie.replace(".staff.", ".anonymous."), FROZEN) is None  # tampered
    assert Sessions(b"x" * 32).read(cookie, FROZEN) is None  # another installation's secret
    assert sessions.read("garbage", FROZEN) is None
    assert sessions.read(cookie + "A" * 300, FROZEN) is None  # too long


def test_csrf_token_belongs_to_its_session() -> None:
    sessions = Sessions(b"k" * 32)
    one, _ = sessions.new("staff", FROZEN)
    other, _ = sessions.new("staff", FROZEN)
    assert sessions.csrf_ok(one, sessions.csrf_token(one))
    assert not sessions.csrf_ok(one, sessions.csrf_token(other))
    assert not sessions.csrf_ok(None, sessions.csrf_token(one))
    assert not sessions.csrf_ok(one, "")


def test_session_secret_is_kept_sealed_in_the_database(app: FastAPI) -> None:
    assert not (app.state.settings.data_dir / "session-secret").exists()
    with app.state.inst.db.transaction() as tx:
        row = tx.one("SELECT value FROM installation_secrets WHERE name = 'session-secret'")
    assert row is not None
    stored = row["value"]
    assert stored.startswith("sealed:v1:") and app.state.sessions.secret.hex() not in stored
    opened = SECRETS.open(app.state.inst.db.keyring, "session-secret", stored)
    assert app.state.sessions.secret == bytes.fromhex(opened)


# --- CSRF on every staff form --------------------------------------------------------------------

STAFF_POSTS = {
    "issue": (f"/issuers/{COLLEGE}/issue", {"achievement": NURSING_1, "recipient": LEARNER}),
    "create-achievement": (
        f"/issuers/{COLLEGE}/catalogue",
        {"slug": "new-one", "name": "N", "description": "D", "criteria": "C"},
    ),
    "status": (f"/issuers/{COLLEGE}/issued", {"action": "revoke", "credential": "urn:x"}),
}


@pytest.mark.parametrize("name", STAFF_POSTS, ids=str)
@pytest.mark.parametrize("csrf", [None, "forged"], ids=["missing-csrf", "wrong-csrf"])
def test_staff_forms_without_the_csrf_token_are_403(
    staff: tuple[TestClient, str], name: str, csrf: str | None
) -> None:
    client, _ = staff
    path, data = STAFF_POSTS[name]
    body = dict(data) if csrf is None else {**data, "csrf": csrf}
    assert_page(client.post(path, data=body), 403, "Form refused")
    assert issued_ids(client) == []
    assert "new-one" not in client.get(f"/issuers/{COLLEGE}/catalogue").text


@pytest.mark.parametrize("csrf", [None, "forged"], ids=["missing-csrf", "wrong-csrf"])
def test_batch_upload_without_the_csrf_token_is_403(
    staff: tuple[TestClient, str], csrf: str | None
) -> None:
    client, _ = staff
    data = {"achievement": NURSING_1} if csrf is None else {"achievement": NURSING_1, "csrf": csrf}
    files = {"file": ("l.csv", b"email\na@example.org\n", "text/csv")}
    assert_page(client.post(f"/issuers/{COLLEGE}/upload", data=data, files=files), 403)
    assert batch.list_batches(client.app.state.inst, COLLEGE) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", STAFF_POSTS, ids=str)
def test_staff_forms_need_a_staff_session(browser: TestClient, name: str) -> None:
    """An anonymous session has a valid CSRF token but is not staff: still 403."""
    csrf = csrf_of(browser.get("/sign-in").text)
    path, data = STAFF_POSTS[name]
    assert_page(browser.post(path, data={**data, "csrf": csrf}), 403, "Sign in first")


# --- issue one ----------------------------------------------------------------------------------


def test_issue_form_lists_the_catalogue_and_formats(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    page = assert_page(client.get(f"/issuers/{COLLEGE}/issue?achievement={NURSING_1}"), 200)
    assert f'<option value="{NURSING_1}" selected>' in page
    for fmt in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"):
        assert f'value="{fmt}"' in page
    for field in ("recipient", "suspension", "delivery-offer", "tx_code"):
        assert f'for="{field}"' in page  # every control has a label


def test_issue_to_a_did_shows_the_credential_and_its_download(
    staff: tuple[TestClient, str],
) -> None:
    client, _ = staff
    page = assert_page(issue(staff), 201, "Credential issued", LEARNER, "eddsa-rdfc-2022")
    download = re.search(r'href="(/credentials/[^"]+)" download', page)
    assert download
    document = client.get(download.group(1)).json()
    assert document["credentialSubject"]["id"] == LEARNER
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["id"] in page
    assert document["credentialStatus"]["statusPurpose"] == "revocation"


def test_issue_to_an_email_with_suspension_as_a_jwt(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    response = issue(staff, recipient="Learner@Example.org", format="vc-jwt", suspension="on")
    page = assert_page(response, 201, "VC-JOSE-COSE JWT")
    download = re.search(r'href="(/credentials/[^"]+)" download', page)
    assert download
    jwt = client.get(download.group(1)).text
    assert jwt.count(".") == 2 and jwt in page
    assert issued_ids(client)  # listed, with suspend available
    assert "Suspend" in client.get(f"/issuers/{COLLEGE}/issued").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"achievement": ""}, "Choose an achievement."),
        ({"recipient": ""}, "Give the recipient as a DID"),
        ({"recipient": "Ada Lovelace"}, "Give the recipient as a DID"),
        ({"recipient": "did:!!"}, "is not a DID"),
        ({"recipient": "a@b"}, "not an email address"),
        ({"achievement": "no-such-thing"}, "has no achievement"),
        ({"format": "rot13"}, "use one of"),
        ({"format": "ob3-jwt", "recipient": "a@example.org"}, "ob3-jwt needs a DID recipient"),
        ({"delivery": "offer", "achievement": "no-such-thing"}, "has no achievement"),
    ],
    ids=[
        "no-achievement",
        "no-recipient",
        "recipient-neither",
        "bad-did",
        "bad-email",
        "unknown-achievement",
        "unknown-format",
        "ob3-jwt-to-email",
        "offer-unknown-achievement",
    ],
)
def test_issue_bad_input_is_a_422_form_and_nothing_is_issued(
    staff: tuple[TestClient, str], fields: dict[str, str], message: str
) -> None:
    client, _ = staff
    page = assert_page(issue(staff, **fields), 422, 'role="alert"', "Issue a credential")
    assert message in page.replace("&#39;", "'")
    assert issued_ids(client) == []


def test_issue_for_an_unknown_issuer_is_a_404_page(staff: tuple[TestClient, str]) -> None:
    client, csrf = staff
    data = {"csrf": csrf, "achievement": NURSING_1, "recipient": LEARNER}
    assert_page(client.post("/issuers/nope/issue", data=data), 404, "No issuer")
    assert_page(client.get("/issuers/nope/issue"), 404)


def test_offer_shows_the_link_and_a_qr_code(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    page = assert_page(
        issue(staff, delivery="offer", recipient=""), 201, "Credential offer", "<svg"
    )
    link = re.search(r'href="(openid-credential-offer://\?credential_offer_uri=[^"]+)"', page)
    assert link
    assert "One-time code" not in page
    offer_url = re.search(r'href="https?://issuer\.test(/issuers/[^"]+/offers/[^"]+)"', page)
    assert offer_url
    offer = client.get(offer_url.group(1)).json()  # what the wallet fetches (OID4VCI §4.1.3)
    assert offer["credential_issuer"] == f"http://issuer.test/issuers/{COLLEGE}"
    assert "pre-authorized_code" in json.dumps(offer["grants"])
    assert issued_ids(client) == []  # the wallet's redemption issues it, not the offer


def test_offer_page_opens_in_the_demo_wallet_and_the_offer_names_itself(
    issuer_app: AppFactory,
) -> None:
    """With ``LER_WALLET_URL`` the offer page links to the demo wallet's receive page, the
    offer filled in; the offer object names the achievement and the issuer for wallets."""
    with TestClient(issuer_app(demo_wallet_url="https://wallet.test"), base_url=SITE) as client:
        assert sign_in(client).status_code == 303
        staff = (client, csrf_of(client.get(f"/issuers/{COLLEGE}/issue").text))
        page = html.unescape(issue(staff, delivery="offer", recipient="").text)
        link = re.search(r'href="(https://wallet\.test/receive\?offer=[^"#]+)#offer"', page)
        assert link and "Open in the demo wallet" in page
        [offered] = parse_qs(urlsplit(link.group(1)).query)["offer"]
        assert offered.startswith("openid-credential-offer://?credential_offer_uri=")
        offer_url = re.search(r'href="https?://issuer\.test(/issuers/[^"]+/offers/[^"]+)"', page)
        assert offer_url
        offer = client.get(offer_url.group(1)).json()
        assert offer["ler_offered"] == {
            "achievement": "Fundamentals of Nursing I",
            "issuer": "Riverside Community College",
        }
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", page.split("Offer object")[0])


def test_offer_with_a_transaction_code_shows_it_once(staff: tuple[TestClient, str]) -> None:
    page = assert_page(issue(staff, delivery="offer", tx_code="on"), 201, "One-time code")
    assert re.search(r"<strong[^>]*>\d{6}</strong>", page)


# --- catalogue ----------------------------------------------------------------------------------


def new_achievement(csrf: str, **changes: str) -> dict[str, str]:
    fields = {
        "csrf": csrf,
        "slug": "wound-care",
        "name": "Wound Care Basics",
        "description": "Cleaning and dressing simple wounds.",
        "criteria": "Passed the practical assessment.",
        "achievementType": "Course",
        "alignment1-targetName": "Wound care",
        "alignment1-targetUrl": "https://www.onetonline.org/link/summary/29-2061.00",
        "alignment1-targetFramework": "O*NET",
        "alignment1-targetCode": "29-2061.00",
        "alignment1-targetType": "ceterms:Credential",
    }
    fields.update(changes)
    return fields


def test_create_achievement_with_an_alignment(staff: tuple[TestClient, str]) -> None:
    client, csrf = staff
    path = f"/issuers/{COLLEGE}/catalogue"
    response = client.post(path, data=new_achievement(csrf), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}?added=wound-care#wound-care"
    assert_page(client.get(response.headers["location"]), 200, "Wound Care Basics", "O*NET")
    stored = client.get(f"/issuers/{COLLEGE}/achievements/wound-care").json()
    assert stored["achievementType"] == "Course"
    assert stored["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Wound care",
            "targetUrl": "https://www.onetonline.org/link/summary/29-2061.00",
            "targetFramework": "O*NET",
            "targetCode": "29-2061.00",
            "targetType": "ceterms:Credential",
        }
    ]
    assert "image" not in stored  # empty optional fields are left out
    assert_page(issue(staff, achievement="wound-care"), 201)  # and it can be issued


@pytest.mark.parametrize(
    ("changes", "status_code", "message"),
    [
        ({"name": ""}, 422, "Please fill in: name."),
        ({"slug": "", "criteria": ""}, 422, "Please fill in: short name, criteria."),
        ({"alignment1-targetUrl": ""}, 422, "Alignment 1 needs a target name and a target URL."),
        ({"slug": "Bad Slug!"}, 422, "slug must be lower-case"),
        ({"slug": NURSING_1}, 409, "exists already"),
        ({"achievementType": "Nonsense"}, 422, "fails the OB 3.0 schema"),
        ({"name": "Wound Care \u202escisaB"}, 422, "name: must be printable text"),
        ({"description": "Simple\u200b wounds."}, 422, "description: must be printable text"),
        ({"criteria": "\u2066Passed\u2069"}, 422, "criteria.narrative: must be printable text"),
    ],
    ids=[
        "no-name",
        "no-slug-no-criteria",
        "half-alignment",
        "bad-slug",
        "duplicate",
        "schema",
        "bidi-name",
        "invisible-description",
        "isolated-criteria",
    ],  # fmt: skip
)
def test_create_achievement_bad_input(
    staff: tuple[TestClient, str], changes: dict[str, str], status_code: int, message: str
) -> None:
    client, csrf = staff
    response = client.post(f"/issuers/{COLLEGE}/catalogue", data=new_achievement(csrf, **changes))
    page = assert_page(response, status_code, 'role="alert"', 'value="Wound care"')  # kept
    assert message in page.replace("&#39;", "'")
    assert client.get(f"/issuers/{COLLEGE}/achievements/wound-care").status_code == 404


def test_create_achievement_for_an_unknown_issuer_is_404(staff: tuple[TestClient, str]) -> None:
    client, csrf = staff
    assert_page(client.post("/issuers/nope/catalogue", data=new_achievement(csrf)), 404)


# --- batch upload -------------------------------------------------------------------------------


def upload(staff: tuple[TestClient, str], data: bytes, **fields: str) -> Any:
    client, csrf = staff
    form = {"csrf": csrf, "achievement": NURSING_1, **fields}
    files = {"file": ("learners.csv", data, "text/csv")}
    return client.post(f"/issuers/{COLLEGE}/upload", data=form, files=files, follow_redirects=False)


def wait_for(client: TestClient, poll: str) -> dict[str, Any]:
    """The batch's JSON once the worker has finished it (a wait, not a timing assertion)."""
    import time

    for _ in range(600):
        progress: dict[str, Any] = client.get(poll).json()
        if progress["state"] != "running":
            return progress
        time.sleep(0.05)
    raise AssertionError(f"the batch did not finish: {progress}")


def test_batch_upload_issues_every_row_and_shows_progress(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    assert_page(client.get(f"/issuers/{COLLEGE}/upload"), 200, 'enctype="multipart/form-data"')
    csv = f"recipient_did,email,name\n{LEARNER},,Ada\n,grace@example.org,Grace\n".encode()
    response = upload(staff, csv)
    assert response.status_code == 303
    location = response.headers["location"]
    batch_id = location.rsplit("/", 1)[1]
    assert wait_for(client, f"/issuers/{COLLEGE}/batches/{batch_id}")["done"] == 2
    page = assert_page(client.get(location), 200, "done")
    assert re.search(r'<progress id="progress" max="2" value="2"', page)
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert len(issued_ids(client)) == 2
    assert batch_id in client.get(f"/issuers/{COLLEGE}/upload").text  # in "recent batches"


def test_running_batch_page_refreshes_itself_and_offers_the_script(
    staff: tuple[TestClient, str],
) -> None:
    client, _ = staff
    inst = client.app.state.inst  # type: ignore[attr-defined]
    record = batch.create_batch(inst, COLLEGE, NURSING_1, b"email\na@example.org\n")  # not run
    page = assert_page(client.get(f"/issuers/{COLLEGE}/upload/{record.id}"), 200)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert f'data-url="/issuers/{COLLEGE}/batches/{record.id}"' in page
    assert re.search(r'<progress id="progress" max="1" value="0"', page)
    script = client.get("/issuer-pages/progress.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "progress" in script.text


@pytest.mark.parametrize(
    ("data", "status_code", "message"),
    [
        (b"email\na@example.org\nA@example.org\n", 422, "Row 3: the same recipient as row 2"),
        (b"email,age\na@example.org,3\n", 422, "unknown column"),
        (b"email\nnot-an-email\n", 422, "Row 2: the recipient email is not an email address"),
        (b"", 422, "Choose an achievement and a CSV file"),
    ],
    ids=["duplicate-rows", "unknown-column", "bad-email", "empty-file"],
)
def test_batch_bad_csv_lists_the_problems_and_issues_nothing(
    staff: tuple[TestClient, str], data: bytes, status_code: int, message: str
) -> None:
    client, _ = staff
    page = assert_page(upload(staff, data), status_code, 'role="alert"')
    assert message in page.replace("&#39;", "'")
    assert issued_ids(client) == []
    assert batch.list_batches(client.app.state.inst, COLLEGE) == []  # type: ignore[attr-defined]


def test_batch_over_the_size_limit_is_413(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    client.app.state.batch_limits = batch.Limits(max_bytes=64)  # type: ignore[attr-defined]
    data = b"email\n" + b"".join(f"learner{n}@example.org\n".encode() for n in range(10))
    assert_page(upload(staff, data), 413, "the limit is 64")


def test_batch_unknown_achievement_is_422(staff: tuple[TestClient, str]) -> None:
    assert_page(upload(staff, b"email\na@example.org\n", achievement="nope"), 422, "has no ach")


def test_batch_not_multipart_is_a_clear_4xx(staff: tuple[TestClient, str]) -> None:
    client, csrf = staff
    response = client.post(
        f"/issuers/{COLLEGE}/upload",
        content=b"--x\r\nbroken",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert_page(response, 403, "Form refused")  # no readable CSRF field: refused, no 500
    response = client.post(f"/issuers/{COLLEGE}/upload", data={"csrf": csrf})
    assert_page(response, 403)  # urlencoded: not the upload form


def test_unknown_batch_is_404(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    assert_page(client.get(f"/issuers/{COLLEGE}/upload/nope"), 404, "has no batch")


# --- issued list: revoke, suspend, unsuspend ----------------------------------------------------


def change(staff: tuple[TestClient, str], credential: str, action: str, confirmed: bool) -> Any:
    client, csrf = staff
    data = {"csrf": csrf, "credential": credential, "action": action}
    if confirmed:
        data["confirmed"] = "yes"
        if action == "revoke":
            data |= {"reason": "Issued to the wrong learner", "reason_code": "issued-in-error"}
    return client.post(f"/issuers/{COLLEGE}/issued", data=data, follow_redirects=False)


def test_revoke_is_confirmed_first_then_done(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    issue(staff)
    [credential] = issued_ids(client)
    inst = client.app.state.inst  # type: ignore[attr-defined]
    page = assert_page(change(staff, credential, "revoke", False), 200, "Revocation is final")
    assert 'name="confirmed" value="yes"' in page
    assert status.status_of(inst, credential) == {"revocation": False}  # not yet
    response = change(staff, credential, "revoke", True)
    assert response.status_code == 303
    assert status.status_of(inst, credential) == {"revocation": True}
    page = assert_page(client.get(response.headers["location"]), 200, "revoked.", credential)
    assert issued_ids(client) == []  # no action applies to a revoked credential
    assert (
        '<td class="revoked">revoked<br><span class="hint">Issued to the wrong learner</span>'
        in page
    )


def test_a_revocation_needs_a_reason_which_is_kept(staff: tuple[TestClient, str]) -> None:
    """The confirmation page asks why (shown to the learner) and what kind of reason; without
    one nothing is revoked; with one it is stored with the credential and listed."""
    client, csrf = staff
    issue(staff)
    [credential] = issued_ids(client)
    inst = client.app.state.inst  # type: ignore[attr-defined]
    page = assert_page(change(staff, credential, "revoke", False), 200, 'for="reason"')
    assert 'name="reason_code"' in page and "A corrected or newer credential" in page
    data = {"csrf": csrf, "credential": credential, "action": "revoke", "confirmed": "yes"}
    for missing in ({}, {"reason": "   ", "reason_code": "superseded"},
                    {"reason": "x" * 501, "reason_code": "superseded"},
                    {"reason": "Replaced", "reason_code": "lost-it"}):  # fmt: skip
        refused = client.post(f"/issuers/{COLLEGE}/issued", data={**data, **missing})
        assert_page(refused, 400, "Say why")
        assert status.status_of(inst, credential) == {"revocation": False}
    done = {**data, "reason": "Replaced by the 2027 edition", "reason_code": "superseded"}
    assert client.post(f"/issuers/{COLLEGE}/issued", data=done).status_code == 200
    assert status.status_of(inst, credential) == {"revocation": True}
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, credential)
    assert record.revoked_reason == "Replaced by the 2027 edition"
    assert record.revoked_code == "superseded"


def test_a_reason_that_reads_otherwise_than_it_says_is_refused_in_the_form(
    staff: tuple[TestClient, str],
) -> None:
    """A bidi override or an invisible character would reach the learner's wallet: the
    confirmation page comes back saying why, and nothing is revoked."""
    client, csrf = staff
    issue(staff)
    [credential] = issued_ids(client)
    inst = client.app.state.inst  # type: ignore[attr-defined]
    data = {"csrf": csrf, "credential": credential, "action": "revoke", "confirmed": "yes",
            "reason_code": "superseded"}  # fmt: skip
    for words in ("Replaced by \u202enoitide 7202", "Replaced\u200b", "\u2067Replaced\u2069"):
        refused = client.post(f"/issuers/{COLLEGE}/issued", data={**data, "reason": words})
        assert_page(refused, 400, "The reason must be printable text", 'name="reason"')
        assert status.status_of(inst, credential) == {"revocation": False}


def test_suspend_and_unsuspend(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    issue(staff, suspension="on")
    [credential] = issued_ids(client)
    inst = client.app.state.inst  # type: ignore[attr-defined]
    assert_page(change(staff, credential, "suspend", False), 200, "Suspend this credential?")
    assert change(staff, credential, "suspend", True).status_code == 303
    assert status.status_of(inst, credential) == {"suspension": True}
    page = client.get(f"/issuers/{COLLEGE}/issued").text
    assert '<td class="suspended">suspended</td>' in page and ">Unsuspend</button>" in page
    assert change(staff, credential, "unsuspend", True).status_code == 303
    assert status.status_of(inst, credential) == {"suspension": False}


@pytest.mark.parametrize(
    ("action", "credential", "status_code", "message"),
    [
        ("delete", None, 400, "Unknown action"),
        ("revoke", "urn:uuid:00000000-0000-4000-8000-000000000000", 404, "has no credential"),
        ("suspend", None, 409, "cannot be suspended"),  # issued without a suspension entry
        ("unsuspend", None, 409, "cannot be unsuspended"),
    ],
    ids=["unknown-action", "unknown-credential", "suspend-without-entry", "unsuspend-active"],
)
def test_status_change_bad_input(
    staff: tuple[TestClient, str],
    action: str,
    credential: str | None,
    status_code: int,
    message: str,
) -> None:
    client, _ = staff
    issue(staff)
    [issued] = issued_ids(client)
    for confirmed in (False, True):
        page = assert_page(change(staff, credential or issued, action, confirmed), status_code)
        assert message in page


def test_another_issuers_credential_cannot_be_changed_here(staff: tuple[TestClient, str]) -> None:
    client, csrf = staff
    issue(staff)
    [credential] = issued_ids(client)
    data = {"csrf": csrf, "credential": credential, "action": "revoke", "confirmed": "yes"}
    assert_page(client.post("/issuers/food-safety/issued", data=data), 404, "has no credential")
    inst = client.app.state.inst  # type: ignore[attr-defined]
    assert status.status_of(inst, credential) == {"revocation": False}


def test_issued_list_pages(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    assert_page(client.get(f"/issuers/{COLLEGE}/issued"), 200, "Nothing issued yet")
    assert_page(client.get(f"/issuers/{COLLEGE}/issued?page=zero"), 200)  # read as page 1
    assert_page(client.get("/issuers/nope/issued"), 404)
