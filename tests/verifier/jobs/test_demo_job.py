"""The demo job ``LER_DEMO_SEED`` seeds: made once, with the story's requirements, and only
when asked for."""

from __future__ import annotations

from fastapi.testclient import TestClient

from servicekit.demo_seed import EMPLOYER, JOB_TITLE
from tests.verifier.callers import sign_in_staff
from tests.verifier.conftest import VerifierFactory
from verifier.accounts.staff import organisation
from verifier.jobs import requests as jobs


def test_seeded_once_with_the_story_requirements(verifier_app: VerifierFactory) -> None:
    verifier_app(demo_seed=True)
    app = verifier_app(demo_seed=True)  # a restart on the same data folder
    listed = jobs.list_jobs(app.state.inst)
    assert [job.organisation_id for job in listed] == [organisation(app.state.inst, EMPLOYER).id]
    assert [job.title for job in listed] == [JOB_TITLE]
    assert listed[0].requirements["skills"] == [{"name": "Patient data privacy"}]
    assert listed[0].requirements["accreditedOnly"] is True
    assert listed[0].requirements["issuedWithinYears"] == 2
    page = sign_in_staff(TestClient(app), EMPLOYER).get("/jobs").text
    assert page.count(f">{JOB_TITLE}</a>") == 1


def test_no_job_unless_asked(verifier_app: VerifierFactory) -> None:
    assert jobs.list_jobs(verifier_app().state.inst) == []
