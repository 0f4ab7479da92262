# ruff: noqa: F811  (the fixtures of test_requests are imported)
"""A VC-API presentation request answered with a VC-JOSE-COSE ``vp+jwt`` (§3.2.1): bound to the
request when its ``nonce``/``aud`` are the request's challenge/domain and the holder signed it
(:mod:`vckit.verification.binding`); over another nonce it is refused and spends nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.verifier.jobs.test_requests import (  # noqa: F401 (fixtures)
    Asked,
    asked,
    clock,
    new_request,
    open_job,
    verifier,
    verifier_service,
    wallet,
)
from vckit.jose.vp_jwt import envelop, sign_vp_jwt
from vckit.presentation import build_presentation


def vp_jwt(nonce: str, aud: str) -> str:
    presentation = build_presentation([envelop(s.jwt_credential())], holder=s.did_of(s.HOLDER))
    return sign_vp_jwt(presentation, s.HOLDER, kid=s.vm_of(s.HOLDER), nonce=nonce, aud=aud)


def test_a_vp_jwt_answers_a_vc_api_request(verifier: TestClient, asked: Asked) -> None:
    made = new_request(verifier, asked.job_id, kind="vc-api")
    path = urlsplit(made["answer_at"]).path
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    stranger = verifier.post(
        path, json={"verifiablePresentation": vp_jwt("another-nonce", vpr["domain"])}
    )
    assert stranger.status_code == 400, stranger.text
    assert "challenge" in stranger.json()["detail"]
    token = vp_jwt(vpr["challenge"], vpr["domain"])
    real = verifier.post(path, json={"verifiablePresentation": token})
    assert real.status_code == 200, real.text
    replay = verifier.post(path, json={"verifiablePresentation": token})
    assert replay.status_code == 400 and "replayed" in replay.json()["detail"]


def test_a_vp_jwt_enveloped_as_the_wallet_downloads_it_answers(
    verifier: TestClient, asked: Asked
) -> None:
    """The wallet hands a vp+jwt answer out as an ``EnvelopedVerifiablePresentation``
    (VC 2.0 §4.13.2, ``data:application/vp+jwt,<JWT>``): the verifier takes it as the token."""
    made = new_request(verifier, asked.job_id, kind="vc-api")
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "data:application/vp+jwt," + vp_jwt(vpr["challenge"], vpr["domain"]),
        "type": "EnvelopedVerifiablePresentation",
    }
    answered = verifier.post(
        urlsplit(made["answer_at"]).path, json={"verifiablePresentation": envelope}
    )
    assert answered.status_code == 200, answered.text
