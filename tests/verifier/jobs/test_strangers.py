# ruff: noqa: F811  (the fixtures of test_requests are imported)
"""Answers cannot be spent by strangers (issue 13, finding 2).

A request's nonce is used up only by an answer whose holder proof verifies over that nonce
and the verifier's client_id (``vckit.verification.binding``). Junk, a presentation signed
over another nonce, an unsigned one or one whose proof fails is refused (400), is not a
result, is counted and logged on the request, and leaves it open: the real holder is then
accepted (200) and a replay of the real answer is refused as replayed. A request takes only
so many answers a minute (per client address and per request): 429 with Retry-After.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests import sd_scenarios as sd
from tests.scenarios import OTHER, good_credential
from tests.verifier.callers import as_employer
from tests.verifier.jobs.test_requests import (  # noqa: F401 (fixtures)
    VERIFIER_URL,
    Asked,
    SpecWallet,
    asked,
    clock,
    new_request,
    open_job,
    refused,
    results,
    verifier,
    verifier_service,
    wallet,
)
from tests.wallet.conftest import Clock
from vckit.presentation import build_presentation
from verifier.app import create_app
from verifier.settings import Settings


def _junk(asked: Asked, wallet: SpecWallet) -> dict[str, Any]:
    """Answers a stranger could post naming the request (value: the ``vp_token`` entry)."""
    claims = asked.claims
    real = wallet.presentation(claims, [good_credential()])
    tampered = copy.deepcopy(real)
    tampered["proof"]["proofValue"] = "z" + "1" * 80
    other_nonce = SpecWallet(wallet.verifier, OTHER).presentation(
        {**claims, "nonce": "someone-elses-nonce"}, [good_credential()]
    )
    return {
        "junk-string": {"achievement_sd_jwt": ["a.b.c"]},
        "signed-by-someone-over-another-nonce": {"learning_records": [other_nonce]},
        "unsigned": {
            "learning_records": [build_presentation([good_credential()], holder=wallet.did)]
        },
        "proof-does-not-verify": {"learning_records": [tampered]},
        "sd-jwt-without-key-binding": {"achievement_sd_jwt": [sd.issue_sd_jwt()]},
    }


JUNK = [
    "junk-string",
    "signed-by-someone-over-another-nonce",
    "unsigned",
    "proof-does-not-verify",
    "sd-jwt-without-key-binding",
]


@pytest.mark.parametrize("kind", JUNK)
def test_a_junk_direct_post_spends_no_nonce(
    verifier: TestClient,
    wallet: SpecWallet,
    asked: Asked,
    kind: str,
) -> None:
    token = _junk(asked, wallet)[kind]
    junk = wallet.post(
        asked.claims, {"vp_token": json.dumps(token), "state": asked.claims["state"]}
    )
    assert junk.status_code == 400 and junk.json()["error"] == "invalid_request", junk.text
    assert results(verifier, asked.job_id) == []
    assert refused(verifier, asked.job_id)["count"] == 1

    vp = wallet.presentation(asked.claims, [good_credential()])
    real = wallet.answer(asked.claims, vp)
    assert real.status_code == 200, real.text
    [result] = results(verifier, asked.job_id)
    assert result["verdict"] == "pass"
    replay = wallet.answer(asked.claims, vp)
    assert replay.status_code == 400 and "replayed" in replay.json()["error_description"]


def test_a_junk_vc_api_answer_spends_no_nonce(
    verifier: TestClient,
    wallet: SpecWallet,
    asked: Asked,
) -> None:
    made = new_request(verifier, asked.job_id, kind="vc-api")
    path = urlsplit(made["answer_at"]).path
    junk = verifier.post(path, json={"verifiablePresentation": "a.b.c"})
    assert junk.status_code == 400, junk.text
    assert junk.headers["content-type"].startswith("application/problem+json")
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    vp = wallet.presentation(
        {"nonce": vpr["challenge"], "client_id": vpr["domain"]}, [good_credential()]
    )
    real = verifier.post(path, json={"verifiablePresentation": vp})
    assert real.status_code == 200 and real.json()["verdict"] == "pass", real.text
    replay = verifier.post(path, json={"verifiablePresentation": vp})
    assert replay.status_code == 400 and "replayed" in replay.json()["detail"]


def test_a_bound_answer_with_failing_credentials_is_the_holders_result(
    verifier: TestClient,
    wallet: SpecWallet,
    asked: Asked,
) -> None:
    """Bound to the nonce, but the credential has expired: the holder's answer, a fail."""
    expired = good_credential(validUntil="2020-01-01T00:00:00Z")
    answered = wallet.answer(asked.claims, wallet.presentation(asked.claims, [expired]))
    assert answered.status_code == 200, answered.text
    [result] = results(verifier, asked.job_id)
    assert result["verdict"] == "fail"
    again = wallet.answer(asked.claims, wallet.presentation(asked.claims, [good_credential()]))
    assert again.status_code == 400 and "replayed" in again.json()["error_description"]


def test_the_refused_log_keeps_the_latest_fifty_and_counts_every_one(
    tmp_path: Path,
    clock: Clock,
    database_url: str,
) -> None:
    settings = Settings(
        base_url=VERIFIER_URL, data_dir=tmp_path / "verifier", database_url=database_url,
        answer_limit_per_address=10_000, answer_limit_per_request=10_000,
    )  # fmt: skip
    app = create_app(settings, clock=clock)
    try:
        with TestClient(app, base_url=VERIFIER_URL) as client:  # one thread pool throughout
            as_employer(client)  # opens the job and reads its log; the answers send no token
            job_id = open_job(client)
            state = new_request(client, job_id)["id"]
            for n in range(120):
                token = json.dumps({"learning_records": [{"n": n}]})
                form = {"vp_token": token, "state": state}
                assert client.post("/oid4vp/response", data=form).status_code == 400
            log = refused(client, job_id)
            page = client.get(f"/jobs/{job_id}")
        assert log["count"] == 120 and log["latest"][0]["number"] == 120
        assert page.status_code == 200 and "120 answers refused" in page.text
        with app.state.inst.db.transaction() as tx:
            logged = tx.one("SELECT COUNT(*) AS n FROM refused_answers")
            results = tx.one("SELECT COUNT(*) AS n FROM responses")
        assert logged is not None and logged["n"] == 50
        assert results is not None and results["n"] == 0
    finally:
        app.state.inst.db.close()


def test_answers_are_rate_limited_per_address_and_per_request(
    verifier_service: FastAPI,
    wallet: SpecWallet,
    asked: Asked,
    clock: Clock,
) -> None:
    junk = {"vp_token": "not json", "state": asked.claims["state"]}
    stranger = TestClient(verifier_service, base_url=VERIFIER_URL, client=("203.0.113.9", 4000))
    answers = [stranger.post("/oid4vp/response", data=junk) for _ in range(12)]
    assert [a.status_code for a in answers] == [400] * 10 + [429] * 2
    limited = answers[-1]
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert refused(wallet.verifier, asked.job_id)["count"] == 10  # a 429 is not even read

    # the request takes 30 a minute from everyone together
    for n in range(20):
        other = TestClient(verifier_service, base_url=VERIFIER_URL, client=(f"198.51.100.{n}", 1))
        assert other.post("/oid4vp/response", data=junk).status_code == 400
    late = TestClient(verifier_service, base_url=VERIFIER_URL, client=("192.0.2.1", 1))
    assert late.post("/oid4vp/response", data=junk).status_code == 429

    clock.advance(timedelta(seconds=61))  # the window has passed: the holder answers
    real = wallet.answer(asked.claims, wallet.presentation(asked.claims, [good_credential()]))
    assert real.status_code == 200, real.text


def _set_requirements(app: FastAPI, job_id: str, requirements: dict[str, Any]) -> None:
    with app.state.inst.db.transaction() as tx:
        tx.execute(
            "UPDATE jobs SET requirements_json = ? WHERE id = ?",
            (json.dumps(requirements), job_id),
        )


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param({"issuedWithinYears": 3000}, id="years-past-year-one"),
        pytest.param({"types": 5}, id="unreadable-requirements"),
    ],
)
def test_an_error_while_checking_spends_no_nonce_and_is_no_500(
    stored: dict[str, Any],
    verifier_service: FastAPI,
    verifier: TestClient,
    wallet: SpecWallet,
    asked: Asked,
) -> None:
    """Whatever raises while the report is built (here: a job stored before the bounds, whose
    ``issuedWithinYears`` 3000 made every answer a 500 that spent the nonce; requirements its
    reader refuses), the answer is refused, not a 500, and the request stays open."""
    _set_requirements(verifier_service, asked.job_id, stored)
    vp = wallet.presentation(asked.claims, [good_credential()])
    answered = wallet.answer(asked.claims, vp)
    assert answered.status_code == 400, answered.text
    assert "could not check" in answered.json()["error_description"]
    assert results(verifier, asked.job_id) == []
    _set_requirements(verifier_service, asked.job_id, {})
    assert wallet.answer(asked.claims, vp).status_code == 200
