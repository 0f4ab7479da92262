"""The verifier's public ``/stats`` over HTTP: only credentials whose signature checked and
whose issuer the registry accredits give achievement or skill names; anyone answering a
request with a forged or unaccredited credential cannot put text on the public page."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.scenarios import HOLDER, ISSUER, did_of, ob3_credential, sign, vm_of
from tests.verifier.callers import as_employer
from tests.verifier.conftest import issue
from vckit.presentation import build_presentation, sign_presentation

NURSING_1 = "Fundamentals of Nursing I"
FORGED_NAME = "Alex Rivera (DOB 2001-04-17) - HIV clinic"


def answer(verifier: TestClient, item: Any, *, signed: bool = True) -> str:
    """Open a job and a VC-API request, answer it with ``item`` (in a presentation HOLDER
    signs over the request's challenge, or bare); the stored verdict, or "refused" (a bare
    credential is bound to no request: refused, not stored, not counted)."""
    job = verifier.post("/api/jobs", json={"title": "Nurse", "requirements": {}}).json()
    made = verifier.post(f"/api/jobs/{job['id']}/requests", json={"kind": "vc-api"}).json()
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    if signed:
        item = sign_presentation(
            build_presentation([item], holder=did_of(HOLDER)), HOLDER,
            verification_method=vm_of(HOLDER), challenge=vpr["challenge"], domain=vpr["domain"],
        )  # fmt: skip
    posted = verifier.post(urlsplit(made["answer_at"]).path, json={"verifiablePresentation": item})
    if posted.status_code == 400:
        return "refused"
    assert posted.status_code == 200, posted.text
    return str(posted.json()["verdict"])


def stats(verifier: TestClient) -> dict[str, Any]:
    found = verifier.get("/stats")
    assert found.status_code == 200
    body: dict[str, Any] = found.json()
    return body


def test_only_governed_credentials_give_names(verifier: TestClient, issuer: TestClient) -> None:
    as_employer(verifier)  # opens the jobs; /stats itself is public
    genuine = issue(
        issuer, "community-college", "fundamentals-of-nursing-1", recipient={"did": did_of(HOLDER)}
    )
    forged = copy.deepcopy(genuine)
    forged["credentialSubject"]["achievement"]["name"] = FORGED_NAME
    for alignment in forged["credentialSubject"]["achievement"].get("alignment", []):
        alignment["targetName"] = FORGED_NAME
    # a real signature, by an issuer no registry lists, naming anything it likes
    made_up = ob3_credential(did_of(ISSUER), did_of(HOLDER))
    made_up["credentialSubject"]["achievement"]["name"] = FORGED_NAME
    unaccredited = sign(made_up, ISSUER)

    assert answer(verifier, forged) == "fail"
    assert answer(verifier, unaccredited) == "fail"
    assert answer(verifier, genuine) == "pass"
    assert answer(verifier, genuine, signed=False) == "refused"  # no holder: not an answer

    body = stats(verifier)
    assert FORGED_NAME not in json.dumps(body)
    assert body["by_achievement"]["checked"] == {NURSING_1: 1}
    assert body["by_achievement"]["shared"] == {NURSING_1: 1}
    assert body["by_achievement"]["verified"] == {NURSING_1: 1}
    assert body["by_skill"]["shared"] and FORGED_NAME not in body["by_skill"]["shared"]
    assert body["totals"]["presentations_verified"] == 3
    assert body["totals"]["answers_counted"] == 3
    assert body["totals"]["credentials_checked"] == 3
