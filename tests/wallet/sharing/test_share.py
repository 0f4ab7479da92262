"""Share links over HTTP: made once, readable by anyone holding them until they expire or
are withdrawn (410), unknown ones 404; every share is in the learner's log."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, BOB, Clock, WalletFactory, browser, csrf, sign_up
from tests.wallet.sharing.test_present import NURSING, add_credential
from vckit.verification import VerifyOptions, verify

LINK = re.compile(r"https://wallet\.test/s/([A-Za-z0-9_-]+)")


def make_presentation(client: TestClient, credential_id: str) -> str:
    made = client.post(
        "/presentations",
        data={"csrf": csrf(client), f"c:{credential_id}": "on"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    return str(made.headers["location"].rsplit("/", 1)[1])


def share_presentation(client: TestClient, presentation_id: str, expiry: str) -> str:
    page = client.post(
        f"/presentations/{presentation_id}/share", data={"csrf": csrf(client), "expiry": expiry}
    )
    assert page.status_code == 200, page.text
    found = LINK.search(page.text)
    assert found, "the new link is shown once"
    return f"/s/{found.group(1)}"


def shown_json(page: str) -> object:
    import json

    found = re.search(r"<pre>(.*?)</pre>", page, re.S)
    assert found
    return json.loads(html.unescape(found.group(1)))


def test_anyone_with_the_link_reads_it_until_it_expires(app: FastAPI, clock: Clock) -> None:
    alice = sign_up(browser(app), ALICE)
    presentation_id = make_presentation(alice, add_credential(app, ALICE, NURSING))
    path = share_presentation(alice, presentation_id, "1h")
    visitor = browser(app)
    page = visitor.get(path)
    assert page.status_code == 200
    assert "verify" in page.text.lower() and "ler verify" in page.text
    vp = shown_json(page.text)
    assert vp == alice.get(f"/api/presentations/{presentation_id}").json()
    report = verify(vp, VerifyOptions(now=clock.now))  # type: ignore[arg-type]
    assert report.check("proof").status == "pass"  # type: ignore[union-attr]
    assert report.verdict != "fail"  # no challenge asked: binding is "could not check"
    clock.advance(timedelta(hours=1, seconds=1))
    gone = visitor.get(path)
    assert gone.status_code == 410 and "expired" in gone.text
    assert "Fundamentals" not in gone.text


def test_a_withdrawn_link_is_gone_at_once(app: FastAPI) -> None:
    alice = sign_up(browser(app), ALICE)
    presentation_id = make_presentation(alice, add_credential(app, ALICE, NURSING))
    path = share_presentation(alice, presentation_id, "30d")
    listing = alice.get("/share-links").text
    [link_id] = re.findall(r'action="/share-links/([0-9a-f]+)/withdraw"', listing)
    withdrawn = alice.post(
        f"/share-links/{link_id}/withdraw", data={"csrf": csrf(alice)}, follow_redirects=False
    )
    assert withdrawn.status_code == 303
    gone = browser(app).get(path)
    assert gone.status_code == 410 and "withdrew" in gone.text
    assert "withdrawn" in alice.get("/share-links").text
    again = alice.post(f"/share-links/{link_id}/withdraw", data={"csrf": csrf(alice)})
    assert again.status_code == 404


def test_unknown_links_are_404(app: FastAPI) -> None:
    assert browser(app).get("/s/not-a-real-token").status_code == 404
    assert browser(app).get("/s/" + "x" * 300).status_code == 404


def test_a_fresh_presentation_shared_from_chosen_credentials(app: FastAPI) -> None:
    alice = sign_up(browser(app), ALICE)
    credential_id = add_credential(app, ALICE, NURSING)
    page = alice.post(
        "/share-links",
        data={"csrf": csrf(alice), f"c:{credential_id}": "on", "expiry": "7d"},
    )
    assert page.status_code == 200
    found = LINK.search(page.text)
    assert found
    vp = shown_json(browser(app).get(f"/s/{found.group(1)}").text)
    assert isinstance(vp, dict) and vp["holder"].startswith("did:key:")
    log = alice.get("/api/share-log").json()
    assert log[0]["kind"] == "share-link" and log[0]["credentialIds"] == [credential_id]
    assert log[0]["recipient"] == "anyone with the link"
    assert alice.get("/shared").status_code == 200


def test_bad_expiry_is_refused(app: FastAPI) -> None:
    alice = sign_up(browser(app), ALICE)
    presentation_id = make_presentation(alice, add_credential(app, ALICE, NURSING))
    refused = alice.post(
        f"/presentations/{presentation_id}/share", data={"csrf": csrf(alice), "expiry": "forever"}
    )
    assert refused.status_code == 422


def test_deleting_a_presentation_ends_its_links(app: FastAPI) -> None:
    alice = sign_up(browser(app), ALICE)
    presentation_id = make_presentation(alice, add_credential(app, ALICE, NURSING))
    path = share_presentation(alice, presentation_id, "1d")
    alice.post(f"/presentations/{presentation_id}/delete", data={"csrf": csrf(alice)})
    assert browser(app).get(path).status_code == 404
    assert alice.get(f"/presentations/{presentation_id}").status_code == 404


def test_links_over_postgresql_too(wallet_app: WalletFactory, database_url: str) -> None:
    app = wallet_app(database_url)
    alice = sign_up(browser(app), ALICE)
    presentation_id = make_presentation(alice, add_credential(app, ALICE, NURSING))
    path = share_presentation(alice, presentation_id, "1d")
    assert browser(app).get(path).status_code == 200
    bob = sign_up(browser(app), BOB)
    assert bob.get("/share-links").status_code == 200
    assert "/s/" not in bob.get("/share-links").text


def test_the_share_page_reads_in_words_and_verifies_in_one_click(
    wallet_app: WalletFactory,
) -> None:
    """The public page names each credential and its issuer, with a human date, and links
    to the configured verifier with the link; the raw JSON only in a fold, or as JSON for a
    client asking for it (a verifier fetching the link)."""
    app = wallet_app(verifier_url="https://verifier.test")
    alice = sign_up(browser(app), ALICE)
    presentation_id = make_presentation(alice, add_credential(app, ALICE, NURSING))
    path = share_presentation(alice, presentation_id, "1d")
    page = browser(app).get(path)
    top = page.text.split('<details class="technical">', 1)[0]
    words = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", top)))
    assert f"{NURSING} Issued by" in words and "localhost:8003" not in page.text
    assert not re.search(r"\d{4}-\d\d-\d\dT", top) and "did:" not in top
    verify_link = f"https://verifier.test/?link=https%3A%2F%2Fwallet.test%2Fs%2F{path[3:]}"
    assert f'href="{html.escape(verify_link)}"' in page.text
    as_json = browser(app).get(path, headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.json() == alice.get(f"/api/presentations/{presentation_id}").json()
    assert as_json.headers["cache-control"] == "no-store"
