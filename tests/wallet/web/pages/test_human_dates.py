"""A page-by-page check of the learner's pages: no ISO timestamp (``2026-12-06T01:59``) where a
person reads a date; machine forms only in ``<time datetime>``, ``<pre>`` or a "Technical
details" fold."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI

from tests.wallet.conftest import ALICE, browser, sign_up
from tests.wallet.sharing.test_present import NURSING, add_credential
from tests.wallet.sharing.test_share import make_presentation, share_presentation

ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
FOLDS = re.compile(r"<details class=\"technical\">.*?</details>|<pre>.*?</pre>|<[^>]+>", re.S)


def shown(page: str) -> str:
    """What a person reads: tags, technical folds and <pre> blocks left out."""
    return html.unescape(FOLDS.sub(" ", page))


def test_the_learners_pages_say_dates_for_people(app: FastAPI) -> None:
    alice = sign_up(browser(app), ALICE)
    credential_id = add_credential(app, ALICE, NURSING)
    presentation_id = make_presentation(alice, credential_id)
    created = alice.post(
        f"/presentations/{presentation_id}/share",
        data={"csrf": re.findall(r'name="csrf" value="([^"]+)"', alice.get("/shared").text)[0],
              "expiry": "1d"},
    )  # fmt: skip
    share_path = share_presentation(alice, presentation_id, "1d")
    pages = {
        "share link made": created.text,
        "public share page": browser(app).get(share_path).text,
    }
    for path in (
        "/credentials", f"/credentials/{credential_id}", f"/receive/done/{credential_id}",
        "/presentations", f"/presentations/{presentation_id}", "/share-links", "/shared",
        "/account", "/requests", "/receive",
    ):  # fmt: skip
        answer = alice.get(path)
        assert answer.status_code == 200, path
        pages[path] = answer.text
    for name, page in pages.items():
        found = ISO_MOMENT.search(shown(page))
        assert "did:" not in shown(page), name  # the learner's DID only in a fold
        assert found is None, (
            f"{name}: {found and shown(page)[found.start() - 60 : found.end() + 20]}"
        )
