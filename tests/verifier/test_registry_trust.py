"""Staff trust an issuer for an achievement from the registry page; answers to their jobs are
judged with it, another organisation's are not, and every change is logged.

A did:key issuer no registry lists (tests/scenarios.py) signs a genuine credential: the
report is amber (authentic, not accredited) until the employer's staff trust it on the
registry page, green after, amber again once they remove it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.verifier.callers import as_employer, csrf_of, sign_in_staff
from verifier.app import create_app
from verifier.checking.registry import REGISTRY_FILE
from verifier.settings import Settings

ACHIEVEMENT = "https://college.example/achievements/nursing-1"


def verifier(tmp_path: Path) -> FastAPI:
    settings = Settings(
        allow_did_web=False,
        allow_status_fetch=False,
        registry_file=REGISTRY_FILE,
        data_dir=tmp_path / "verifier",
    )
    return create_app(settings)


def answer(app: FastAPI, organisation: str) -> dict[str, Any]:
    """The organisation opens a job, asks, and a candidate answers with the scenarios'
    credential: the stored result's summary."""
    api = as_employer(TestClient(app), organisation)
    job = api.post("/api/jobs", json={"title": "Nurse", "requirements": {}}).json()
    asked = api.post(f"/api/jobs/{job['id']}/requests", json={"kind": "vc-api"}).json()
    vpr = asked["presentation_request"]["verifiablePresentationRequest"]
    shared = s.presentation([s.good_credential()], challenge=vpr["challenge"], domain=vpr["domain"])
    done = api.post(
        f"/api/vc-api/requests/{asked['id']}", json={"verifiablePresentation": shared.presentation}
    )
    assert done.status_code == 200, done.text
    summary: dict[str, Any] = done.json()["summary"]
    return summary


def test_staff_trust_an_issuer_for_an_achievement_and_only_their_answers_change(
    tmp_path: Path,
) -> None:
    app = verifier(tmp_path)
    assert answer(app, "Maple Grove Care Home")["verdict"] == "unaccredited"
    staff = sign_in_staff(TestClient(app), "Maple Grove Care Home")
    issuer = s.did_of(s.ISSUER)
    # the amber report's link leads here, the form filled in
    query = {"issuer": issuer, "name": "Demo Community College", "achievement": ACHIEVEMENT,
             "title": "Fundamentals of Nursing I"}  # fmt: skip
    page = staff.get("/registry", params=query).text
    assert f'name="issuer" value="{issuer}"' in page and "None yet." in page
    form = {**query, "csrf": csrf_of(page)}
    refused = staff.post("/registry/trust", data={**query}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token, no change
    added = staff.post("/registry/trust", data=form, follow_redirects=False)
    assert added.status_code == 303, added.text
    page = html.unescape(staff.get("/registry").text)
    assert "Stop trusting Demo Community College for Fundamentals of Nursing I" in page
    assert re.search(r"trusted Demo Community College for Fundamentals of Nursing I</li>", page)

    assert answer(app, "Maple Grove Care Home")["verdict"] == "pass"
    assert answer(app, "Another Employer")["verdict"] == "unaccredited"  # not theirs

    removed = staff.post(
        "/registry/trust/remove",
        data={"issuer": issuer, "achievement": ACHIEVEMENT, "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    page = html.unescape(staff.get(removed.headers["location"]).text)
    assert "Trust removed." in page
    assert "None yet." in page
    assert "stopped trusting Demo Community College for Fundamentals of Nursing I" in page
    assert answer(app, "Maple Grove Care Home")["verdict"] == "unaccredited"


def test_a_stranger_cannot_change_trust_and_bad_input_is_a_clear_400(tmp_path: Path) -> None:
    app = verifier(tmp_path)
    stranger = TestClient(app)
    moved = stranger.post("/registry/trust", data={"issuer": "did:x:y"}, follow_redirects=False)
    assert moved.status_code in (303, 401, 403)
    staff = sign_in_staff(TestClient(app))
    csrf = csrf_of(staff.get("/registry").text)
    bad = staff.post("/registry/trust", data={"issuer": "not a did", "achievement": ACHIEVEMENT,
                                              "csrf": csrf})  # fmt: skip
    assert bad.status_code == 400 and "DID" in bad.text
    assert "None yet." in bad.text


def test_removing_trust_that_is_not_there_says_so_and_logs_nothing(tmp_path: Path) -> None:
    app = verifier(tmp_path)
    staff = sign_in_staff(TestClient(app), "Maple Grove Care Home")
    page = staff.get("/registry").text
    never = {"issuer": s.did_of(s.ISSUER), "achievement": ACHIEVEMENT, "csrf": csrf_of(page)}
    moved = staff.post("/registry/trust/remove", data=never, follow_redirects=False)
    assert moved.status_code == 303
    page = html.unescape(staff.get(moved.headers["location"]).text)
    assert "There was nothing to remove" in page
    assert "Trust removed" not in page and "stopped trusting" not in page  # nothing logged
    spoofed = html.unescape(staff.get("/registry", params={"done": "hacked"}).text)
    assert "Trust hacked" not in page and "hacked" not in spoofed  # only the page's own notices


def test_signed_in_staff_pasting_a_credential_get_their_own_trust(tmp_path: Path) -> None:
    app = verifier(tmp_path)
    staff = sign_in_staff(TestClient(app))
    credential = json.dumps(s.good_credential())
    assert 'class="verdict unaccredited"' in staff.post("/", data={"document": credential}).text
    issuer = s.did_of(s.ISSUER)
    form = {
        "issuer": issuer,
        "achievement": ACHIEVEMENT,
        "csrf": csrf_of(staff.get("/registry").text),
    }
    assert staff.post("/registry/trust", data=form, follow_redirects=False).status_code == 303
    assert 'class="verdict pass"' in staff.post("/", data={"document": credential}).text
    stranger = TestClient(app).post("/", data={"document": credential}).text
    assert 'class="verdict unaccredited"' in stranger  # the public page: the registry alone


def test_an_organisation_s_own_trust_puts_no_names_on_the_public_stats(tmp_path: Path) -> None:
    """``/stats`` (and the landing page's chart) names achievements and skills of accredited
    issuers only: the installation's registry. An organisation's own trust (anyone's did:key,
    an achievement named as its holder likes) judges that organisation's answers, but its
    names stay off the public page; the answer is still counted."""
    app = verifier(tmp_path)
    staff = sign_in_staff(TestClient(app), "Maple Grove Care Home")
    page = staff.get("/registry").text
    trusted = {"issuer": s.did_of(s.ISSUER), "name": "Self-made issuer",
               "achievement": ACHIEVEMENT, "title": "Anything", "csrf": csrf_of(page)}  # fmt: skip
    assert staff.post("/registry/trust", data=trusted, follow_redirects=False).status_code == 303
    assert answer(app, "Maple Grove Care Home")["verdict"] == "pass"  # theirs: judged with it
    stats = TestClient(app).get("/stats").json()
    assert stats["totals"]["credentials_checked"] == 1
    assert stats["by_achievement"] == {"shared": {}, "checked": {}, "verified": {}}
    assert stats["by_skill"] == {"shared": {}, "checked": {}, "verified": {}}
