"""Presentation requests for a job, and the answers to them, over HTTP, end to end.

The WALLET in most tests is written from OpenID4VP 1.0 inside the test (:class:`SpecWallet`):
it opens the verifier's ``openid4vp://`` link, fetches the unsigned Request Object at its
``request_uri`` (RFC 9101 §5.2; ``typ: oauth-authz-req+jwt``, ``alg: none`` for the
``redirect_uri:`` prefix, §5.9.3), signs a presentation with ``vckit.presentation`` for its
holder did:key, bound by ``challenge`` = nonce and ``domain`` = client_id (Appendix
B.1.3.2.5), and POSTs ``vp_token`` + ``state`` to the ``response_uri`` (§8.2 direct_post).
One test has OUR wallet app answer the verifier instead, with a credential from the REAL
issuer app, the three apps reaching each other in-process.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests import sd_scenarios as sd
from tests.scenarios import (
    HOLDER,
    ISSUER,
    NOW,
    OTHER,
    did_of,
    good_credential,
    ob3_credential,
    sign,
    vm_of,
)
from tests.verifier.callers import as_employer, csrf_of, sign_in_staff
from tests.wallet.conftest import ALICE, Clock, browser, csrf, sign_up
from vckit.errors import InputError
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation, sign_presentation
from vckit.protocols.dcql import selected_claims
from vckit.protocols.oid4vp import link_parameters, validate_request
from verifier.app import create_app
from verifier.checking.policy import Requirements
from verifier.settings import Settings

VERIFIER_URL = "https://verifier.test"
RESPONSE_URI = f"{VERIFIER_URL}/oid4vp/response"
CLIENT_ID = f"redirect_uri:{RESPONSE_URI}"
OB_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
ACHIEVEMENT_VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
PRIVACY = "https://example.org/skills/patient-data-privacy"
REQUIREMENTS = {"types": ["OpenBadgeCredential"], "skills": [PRIVACY]}


# --- the verifier, and a wallet written from the spec ----------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def verifier_service(tmp_path: Path, clock: Clock) -> Iterator[FastAPI]:
    """A verifier on tmp_path at https://verifier.test; no registry (did:key issuers)."""
    settings = Settings(base_url=VERIFIER_URL, data_dir=tmp_path / "verifier")
    app = create_app(settings, clock=clock)
    yield app
    app.state.inst.db.close()


@pytest.fixture
def verifier(verifier_service: FastAPI) -> TestClient:
    return as_employer(TestClient(verifier_service, base_url=VERIFIER_URL))


def open_job(verifier: TestClient, requirements: dict[str, Any] = REQUIREMENTS) -> str:
    made = verifier.post(
        "/api/jobs", json={"title": "Care assistant", "requirements": requirements}
    )
    assert made.status_code == 201, made.text
    job_id: str = made.json()["id"]
    return job_id


def new_request(verifier: TestClient, job_id: str, kind: str = "openid4vp") -> dict[str, Any]:
    made = verifier.post(f"/api/jobs/{job_id}/requests", json={"kind": kind})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def results(verifier: TestClient, job_id: str) -> list[dict[str, Any]]:
    listed = verifier.get(f"/api/jobs/{job_id}/results")
    assert listed.status_code == 200, listed.text
    found: list[dict[str, Any]] = listed.json()
    return found


def refused(verifier: TestClient, job_id: str) -> dict[str, Any]:
    """How many answers the job's requests refused, and the latest with their reasons."""
    listed = verifier.get(f"/api/jobs/{job_id}/refused-answers")
    assert listed.status_code == 200, listed.text
    found: dict[str, Any] = listed.json()
    return found


def checks_of(result: dict[str, Any]) -> dict[str, str]:
    """check id -> status over the whole stored report (credentials included; first wins)."""
    out: dict[str, str] = {}

    def walk(report: dict[str, Any]) -> None:
        for check in report.get("checks", []):
            out.setdefault(check["id"], check["status"])
        for inner in report.get("credentials", []):
            walk(inner)

    walk(result["report"])
    return out


def _claims_of(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")

    def decode(part: str) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        return value

    return decode(header), decode(payload), signature


@dataclass
class SpecWallet:
    """A holder with a did:key, answering as OpenID4VP 1.0 says."""

    verifier: TestClient
    key: KeyPair = HOLDER

    @property
    def did(self) -> str:
        return did_of(self.key)

    def read_request(self, link: str) -> dict[str, Any]:
        """§5 / RFC 9101 §5.2: the link names client_id and request_uri; GET the object."""
        parts = urlsplit(link)
        assert parts.scheme == "openid4vp"
        params = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}
        assert set(params) == {"client_id", "request_uri"}
        fetched = self.verifier.get(urlsplit(params["request_uri"]).path)
        assert fetched.status_code == 200
        assert fetched.headers["content-type"].startswith("application/oauth-authz-req+jwt")
        header, claims, signature = _claims_of(fetched.text)
        assert header == {"alg": "none", "typ": "oauth-authz-req+jwt"} and signature == ""
        assert claims["client_id"] == params["client_id"]  # RFC 9101 §5
        return claims

    def presentation(
        self,
        claims: dict[str, Any],
        credentials: list[dict[str, Any]],
        *,
        domain: str | None = None,
    ) -> dict[str, Any]:
        vp = build_presentation(credentials, holder=self.did)
        return sign_presentation(
            vp,
            self.key,
            verification_method=vm_of(self.key),
            challenge=claims["nonce"],
            domain=claims["client_id"] if domain is None else domain,
        )

    def post(self, claims: dict[str, Any], form: dict[str, str]) -> Any:
        return self.verifier.post(urlsplit(claims["response_uri"]).path, data=form)

    def answer(self, claims: dict[str, Any], vp: dict[str, Any]) -> Any:
        """§8.1 vp_token: credential query id -> [presentation]; §8.2 with state."""
        query_id = claims["dcql_query"]["credentials"][0]["id"]
        token = json.dumps({query_id: [vp]})
        return self.post(claims, {"vp_token": token, "state": claims["state"]})


@pytest.fixture
def wallet(verifier: TestClient) -> SpecWallet:
    return SpecWallet(verifier)


@dataclass
class Asked:
    job_id: str
    request: dict[str, Any]
    claims: dict[str, Any]


@pytest.fixture
def asked(verifier: TestClient, wallet: SpecWallet) -> Asked:
    job_id = open_job(verifier)
    request = new_request(verifier, job_id)
    return Asked(job_id, request, wallet.read_request(request["links"]["by_reference"]))


# --- the request ------------------------------------------------------------------------------


def test_request_object_is_an_openid4vp_request_for_the_jobs_types(asked: Asked) -> None:
    claims = asked.claims
    assert claims["response_type"] == "vp_token" and claims["response_mode"] == "direct_post"
    assert claims["client_id"] == CLIENT_ID and claims["response_uri"] == RESPONSE_URI
    assert claims["nonce"] == asked.request["nonce"] and len(claims["nonce"]) >= 22
    assert claims["state"] == asked.request["id"]
    query, sd_query = claims["dcql_query"]["credentials"]
    assert query["format"] == "ldp_vc" and query["multiple"] is True
    assert query["meta"]["type_values"] == [sorted([OB_TYPE, VC_TYPE])]
    assert sd_query["format"] == "dc+sd-jwt" and sd_query["multiple"] is True
    assert sd_query["meta"] == {"vct_values": [ACHIEVEMENT_VCT]}
    # §6.2: one required set; both, or either, answer it
    [wanted] = claims["dcql_query"]["credential_sets"]
    ids = [query["id"], sd_query["id"]]
    assert wanted["options"] == [ids, ids[:1], ids[1:]] and wanted.get("required", True)
    formats = claims["client_metadata"]["vp_formats_supported"]
    assert "ecdsa-sd-2023" in formats["ldp_vc"]["cryptosuite_values"]
    assert "ES256" in formats["dc+sd-jwt"]["sd-jwt_alg_values"]
    assert "EdDSA" in formats["dc+sd-jwt"]["kb-jwt_alg_values"]
    # the wallet side of vckit accepts it, by reference and by value alike
    assert validate_request(claims).nonce == claims["nonce"]
    by_value = link_parameters(asked.request["links"]["by_value"])
    assert validate_request(by_value).dcql_json == claims["dcql_query"]


def test_every_request_has_a_fresh_nonce(verifier: TestClient, asked: Asked) -> None:
    again = new_request(verifier, asked.job_id)
    assert again["nonce"] != asked.request["nonce"] and again["id"] != asked.request["id"]


def test_vc_api_request_asks_by_example_with_challenge_and_domain(
    verifier: TestClient, asked: Asked
) -> None:
    made = new_request(verifier, asked.job_id, kind="vc-api")
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    assert vpr["challenge"] == made["nonce"] and vpr["domain"] == CLIENT_ID
    [query] = vpr["query"]
    assert query["type"] == "QueryByExample"
    types = query["credentialQuery"][0]["example"]["type"]
    assert types == ["VerifiableCredential", "OpenBadgeCredential"]


def test_unknown_job_has_no_requests(verifier: TestClient) -> None:
    assert verifier.post("/api/jobs/nope/requests", json={}).status_code == 404
    assert verifier.get("/oid4vp/requests/nope").status_code == 404


def test_bad_requirements_are_refused_by_name(verifier: TestClient) -> None:
    made = verifier.post("/api/jobs", json={"title": "x", "requirements": {"typos": []}})
    assert made.status_code == 422 and "typos" in made.json()["detail"]


# --- answers ----------------------------------------------------------------------------------


def test_spec_wallet_answer_is_verified_and_stored(
    verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    vp = wallet.presentation(asked.claims, [good_credential()])
    answered = wallet.answer(asked.claims, vp)
    assert answered.status_code == 200, answered.text
    [result] = results(verifier, asked.job_id)
    assert result["verdict"] == "pass", result["report"]
    checks = checks_of(result)
    for name in ("state", "nonce", "vp-token", "proof", "holder-binding", "challenge", "domain"):
        assert checks[name] == "pass", name
    assert checks["requirements-met"] == "pass"
    assert result["report"]["credentials"][0]["document"]["id"] == good_credential()["id"]


def test_requirements_not_met_fails_by_name(verifier: TestClient, wallet: SpecWallet) -> None:
    job_id = open_job(verifier, {"skills": ["https://example.org/skills/forklift"]})
    claims = wallet.read_request(new_request(verifier, job_id)["links"]["by_reference"])
    assert (
        wallet.answer(claims, wallet.presentation(claims, [good_credential()])).status_code == 200
    )
    [result] = results(verifier, job_id)
    assert result["verdict"] == "fail" and checks_of(result)["requirements-met"] == "fail"


def test_replayed_nonce_is_refused_and_keeps_the_first_result(
    verifier_service: FastAPI, verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    vp = wallet.presentation(asked.claims, [good_credential()])
    assert wallet.answer(asked.claims, vp).status_code == 200
    again = wallet.answer(asked.claims, vp)
    assert again.status_code == 400
    assert (
        again.json()["error"] == "invalid_request"
        and "replayed" in again.json()["error_description"]
    )
    [first] = results(verifier, asked.job_id)  # the replay is no result
    assert first["verdict"] == "pass" and "vp-token" in checks_of(first)
    log = refused(verifier, asked.job_id)
    assert log["count"] == 1 and log["latest"][0]["reason"].startswith("replayed")
    with verifier_service.state.inst.db.transaction() as tx:
        row = tx.one("SELECT result_json FROM requests WHERE id = ?", (asked.request["id"],))
    assert row is not None and json.loads(row["result_json"])["response"] == first["id"]


def test_expired_request_fails(
    verifier: TestClient, wallet: SpecWallet, asked: Asked, clock: Clock
) -> None:
    clock.advance(timedelta(seconds=Settings.request_lifetime_seconds))
    answered = wallet.answer(asked.claims, wallet.presentation(asked.claims, [good_credential()]))
    assert answered.status_code == 400 and "expired" in answered.json()["error_description"]
    assert results(verifier, asked.job_id) == []
    assert refused(verifier, asked.job_id)["latest"][0]["reason"].startswith("expired")


def test_unknown_state_is_refused_and_not_stored(
    verifier_service: FastAPI, wallet: SpecWallet, asked: Asked
) -> None:
    vp = wallet.presentation(asked.claims, [good_credential()])
    answered = wallet.answer({**asked.claims, "state": "never-issued"}, vp)
    assert answered.status_code == 400 and "unknown state" in answered.text
    with verifier_service.state.inst.db.transaction() as tx:
        assert tx.all("SELECT * FROM responses") == []
        assert tx.all("SELECT * FROM refused_answers") == []


def test_wrong_domain_is_refused_at_domain_and_spends_no_nonce(
    verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    other = "redirect_uri:https://elsewhere.example/post"
    vp = wallet.presentation(asked.claims, [good_credential()], domain=other)
    answered = wallet.answer(asked.claims, vp)
    assert answered.status_code == 400 and "domain" in answered.json()["error_description"]
    assert results(verifier, asked.job_id) == []
    real = wallet.answer(asked.claims, wallet.presentation(asked.claims, [good_credential()]))
    assert real.status_code == 200, real.text


def test_missing_holder_binding_fails(
    verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    """The credential is about someone else (its subject is not the presenting holder)."""
    about_other = sign(ob3_credential(did_of(ISSUER), did_of(OTHER)), ISSUER)
    vp = wallet.presentation(asked.claims, [about_other])
    assert wallet.answer(asked.claims, vp).status_code == 200
    [result] = results(verifier, asked.job_id)
    assert result["verdict"] == "fail" and checks_of(result)["holder-binding"] == "fail"


@pytest.mark.parametrize(
    "vp_token",
    [
        pytest.param("not json", id="not-json"),
        pytest.param("[]", id="not-an-object"),
        pytest.param('{"learning_records": []}', id="empty-array"),
        pytest.param('{"learning_records": [42]}', id="not-a-presentation"),
        pytest.param('{"other_query": [{}]}', id="unknown-query-id"),
    ],
)
def test_malformed_vp_token_is_refused_and_logged_not_stored(
    verifier: TestClient, wallet: SpecWallet, asked: Asked, vp_token: str
) -> None:
    answered = wallet.post(asked.claims, {"vp_token": vp_token, "state": asked.claims["state"]})
    assert answered.status_code == 400 and answered.json()["error"] == "invalid_request"
    assert results(verifier, asked.job_id) == []
    log = refused(verifier, asked.job_id)
    assert log["count"] == 1 and log["latest"][0]["reason"].startswith("malformed vp_token")


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"state": "x"}, id="no-vp-token"),
        pytest.param({"vp_token": "{}"}, id="no-state"),
    ],
)
def test_unreadable_post_is_invalid_request_and_not_stored(
    verifier_service: FastAPI, wallet: SpecWallet, asked: Asked, form: dict[str, str]
) -> None:
    answered = wallet.post(asked.claims, form)
    assert answered.status_code == 400 and answered.json()["error"] == "invalid_request"
    with verifier_service.state.inst.db.transaction() as tx:
        assert tx.all("SELECT id FROM responses") == []


def test_json_body_is_not_a_direct_post(verifier: TestClient, asked: Asked) -> None:
    answered = verifier.post("/oid4vp/response", json={"vp_token": "{}", "state": "x"})
    assert answered.status_code == 400 and answered.json()["error"] == "invalid_request"


def test_vc_api_answer_is_verified_once(
    verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    made = new_request(verifier, asked.job_id, kind="vc-api")
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    vp = wallet.presentation(
        {"nonce": vpr["challenge"], "client_id": vpr["domain"]}, [good_credential()]
    )
    path = urlsplit(made["answer_at"]).path
    first = verifier.post(path, json={"verifiablePresentation": vp})
    assert first.status_code == 200 and first.json()["verdict"] == "pass", first.text
    again = verifier.post(path, json={"verifiablePresentation": vp})
    assert again.status_code == 400 and "replayed" in again.json()["detail"]


# --- our wallet, the real issuer, this verifier -------------------------------------------------


def test_our_wallet_answers_the_verifier_end_to_end(tmp_path: Path, clock: Clock) -> None:
    from issuer.app import create_app as create_issuer_app
    from issuer.settings import EXAMPLES
    from issuer.settings import Settings as IssuerSettings
    from tests.wallet.conftest import ISSUER_TOKEN, ISSUER_URL, AppsTransport, account_id_of
    from tests.wallet.held import issue
    from verifier.checking.registry import REGISTRY_FILE
    from wallet import store
    from wallet.app import create_app as create_wallet_app
    from wallet.settings import Settings as WalletSettings

    clock.now = clock.now + timedelta(days=1)
    issuer_app = create_issuer_app(
        IssuerSettings(
            base_url=ISSUER_URL, data_dir=tmp_path / "issuer", api_token=ISSUER_TOKEN,
            demo_file=EXAMPLES / "issuers.json",
        ),
        clock=clock,
    )  # fmt: skip
    to_issuer = TestClient(issuer_app, base_url=ISSUER_URL)

    def fetch(url: str) -> bytes:
        parts = urlsplit(url)
        assert parts.netloc == "issuer.test", url
        answer = to_issuer.get(parts.path)
        if answer.status_code != 200:
            raise OSError(f"GET {url}: HTTP {answer.status_code}")
        return answer.content

    verifier_settings = Settings(
        base_url=VERIFIER_URL, data_dir=tmp_path / "verifier", issuer_url=ISSUER_URL,
        registry_file=REGISTRY_FILE,
    )  # fmt: skip
    verifier_app = create_app(verifier_settings, fetch=fetch, clock=clock)
    wallet_app = create_wallet_app(
        WalletSettings(
            base_url="https://wallet.test", data_dir=tmp_path / "wallet",
            allow_http_localhost=False, allow_private=True,
        ),
        clock=clock,
        transport=AppsTransport({"verifier.test": verifier_app, "issuer.test": issuer_app}),
    )  # fmt: skip
    try:
        learner = sign_up(browser(wallet_app), ALICE)
        account_id = account_id_of(wallet_app, ALICE)
        with wallet_app.state.inst.db.transaction() as tx:
            holder = store.get_account(tx, account_id).did  # type: ignore[union-attr]
        staff = TestClient(
            issuer_app, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}
        )
        issued = issue(staff, recipient={"did": holder})["credential"]
        with wallet_app.state.inst.db.transaction() as tx:
            kept = store.add_credential(
                tx, account_id, issued, format="ldp_vc", source="test",
                received_at=clock.now.isoformat(), verdict="verified",
            )  # fmt: skip

        employer = as_employer(TestClient(verifier_app, base_url=VERIFIER_URL))
        requirements = {
            "types": ["OpenBadgeCredential"],
            "skills": ["https://competencies.example.org/ctdl/nursing/patient-data-privacy"],
            "accreditedOnly": True,
            "issuedWithinYears": 2,
        }
        job_id = open_job(employer, requirements)
        link = new_request(employer, job_id)["links"]["by_reference"]

        opened = learner.post(
            "/requests", data={"csrf": csrf(learner), "request": link}, follow_redirects=False
        )
        assert opened.status_code == 303, opened.text
        request_path = opened.headers["location"]
        preview = learner.post(
            f"{request_path}/prepare",
            data={"csrf": csrf(learner), "q:learning_records": kept.id},
        )
        assert preview.status_code == 200, preview.text
        prepared = re.search(r'name="p:learning_records" value="([^"]*)"', preview.text)
        assert prepared is not None, preview.text
        sent = learner.post(
            f"{request_path}/send",
            data={"csrf": csrf(learner), "p:learning_records": prepared.group(1)},
        )
        assert sent.status_code == 200, sent.text

        [result] = results(employer, job_id)
        assert result["verdict"] == "pass", json.dumps(result["report"], indent=1)
        checks = checks_of(result)
        assert checks["trusted-issuer"] == "pass" and checks["requirements-met"] == "pass"
        assert checks["status"] == "pass" and checks["domain"] == "pass"
    finally:
        for app in (issuer_app, wallet_app):
            app.state.inst.db.close()
        verifier_app.state.inst.db.close()


# --- the employer's pages ---------------------------------------------------------------------


@pytest.fixture
def staff(verifier_service: FastAPI) -> TestClient:
    """A staff member of the care home (whose token ``verifier`` sends), signed in."""
    return sign_in_staff(TestClient(verifier_service, base_url=VERIFIER_URL))


def test_pages_open_a_job_show_link_and_qr_then_the_report(
    staff: TestClient, wallet: SpecWallet
) -> None:
    csrf = csrf_of(staff.get("/jobs").text)
    opened = staff.post(
        "/jobs",
        data={
            "title": "Care assistant", "types": "OpenBadgeCredential", "skills": PRIVACY,
            "csrf": csrf,
        },
        follow_redirects=False,
    )  # fmt: skip
    assert opened.status_code == 303
    job_path = opened.headers["location"]
    asked = staff.post(
        f"{job_path}/requests", data={"kind": "openid4vp", "csrf": csrf}, follow_redirects=False
    )
    assert asked.status_code == 303
    page = staff.get(asked.headers["location"])
    assert page.status_code == 200 and "<svg" in page.text
    found = re.search(r'href="(openid4vp://[^"]+)"', page.text)
    assert found is not None
    claims = wallet.read_request(found.group(1).replace("&amp;", "&"))
    assert (
        wallet.answer(claims, wallet.presentation(claims, [good_credential()])).status_code == 200
    )
    listing = staff.get(job_path)
    report_link = re.search(r'href="(/jobs/[^"]+/results/[^"]+)"', listing.text)
    assert report_link is not None and 'class="pass"' in listing.text
    report = staff.get(report_link.group(1))
    assert report.status_code == 200 and "Fundamentals of Nursing I" in report.text


def test_a_page_form_without_its_csrf_token_is_refused(staff: TestClient) -> None:
    refused = staff.post("/jobs", data={"title": "Care assistant"}, follow_redirects=False)
    assert refused.status_code == 403
    assert "No jobs yet" in staff.get("/jobs").text


def test_pages_name_bad_requirements(staff: TestClient) -> None:
    csrf = csrf_of(staff.get("/jobs").text)
    refused = staff.post("/jobs", data={"title": "x", "issued_within_years": "soon", "csrf": csrf})
    assert refused.status_code == 400 and "issuedWithinYears" in refused.text


def test_vc_api_request_page_shows_the_request(staff: TestClient, asked: Asked) -> None:
    made = staff.post(
        f"/jobs/{asked.job_id}/requests",
        data={"kind": "vc-api", "csrf": csrf_of(staff.get("/jobs").text)},
        follow_redirects=False,
    )
    page = staff.get(made.headers["location"])
    assert page.status_code == 200 and "QueryByExample" in page.text


# --- answers that are no presentation, and input too deep to read ----------------------------

DEEP = "[" * 5000 + "]" * 5000


def verdicts_of_answers(verifier: TestClient, job_id: str) -> list[str]:
    """The verdicts of the answers accepted (they used the nonce)."""
    return [r["verdict"] for r in results(verifier, job_id)]


def test_a_bare_credential_is_no_openid4vp_answer_and_spends_no_nonce(
    verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    """An ldp_vc query is answered with an ldp_vp: a bare credential (anyone may hold a copy;
    no holder signed it over the nonce) is refused at vp-token, and the request stays open."""
    bare = good_credential()
    refused = wallet.post(
        asked.claims,
        {"vp_token": json.dumps({"learning_records": [bare]}), "state": asked.claims["state"]},
    )
    assert (
        refused.status_code == 400
        and "VerifiablePresentation" in refused.json()["error_description"]
    )
    assert results(verifier, asked.job_id) == []
    real = wallet.answer(asked.claims, wallet.presentation(asked.claims, [good_credential()]))
    assert real.status_code == 200, real.text
    assert verdicts_of_answers(verifier, asked.job_id) == ["pass"]


def test_a_deep_vp_token_is_refused_by_name_and_spends_no_nonce(
    verifier: TestClient, wallet: SpecWallet, asked: Asked
) -> None:
    token = '{"learning_records": [' + DEEP + "]}"
    refused = wallet.post(asked.claims, {"vp_token": token, "state": asked.claims["state"]})
    assert refused.status_code == 400 and "nested deeper" in refused.json()["error_description"]
    real = wallet.answer(asked.claims, wallet.presentation(asked.claims, [good_credential()]))
    assert real.status_code == 200, real.text
    assert verdicts_of_answers(verifier, asked.job_id) == ["pass"]


@pytest.mark.parametrize("kind", ["credential", "sd-jwt-without-key-binding"])
def test_a_bare_credential_answering_a_vc_api_request_is_refused_and_spends_no_nonce(
    verifier: TestClient, wallet: SpecWallet, asked: Asked, kind: str
) -> None:
    made = new_request(verifier, asked.job_id, kind="vc-api")
    bare: Any = good_credential() if kind == "credential" else sd.issue_sd_jwt()
    path = urlsplit(made["answer_at"]).path
    answered = verifier.post(path, json={"verifiablePresentation": bare})
    assert answered.status_code == 400, answered.text
    assert "not bound to this request" in answered.json()["detail"]
    assert results(verifier, asked.job_id) == []
    vpr = made["presentation_request"]["verifiablePresentationRequest"]
    vp = wallet.presentation(
        {"nonce": vpr["challenge"], "client_id": vpr["domain"]}, [good_credential()]
    )
    assert verifier.post(path, json={"verifiablePresentation": vp}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/api/jobs", '{"title": "x", "requirements": ' + DEEP + "}", id="jobs"),
        pytest.param("/api/jobs/x/requests", '{"kind": ' + DEEP + "}", id="requests"),
        pytest.param(
            "/api/vc-api/requests/x", '{"verifiablePresentation": ' + DEEP + "}", id="vc-api"
        ),
        pytest.param("/api/jobs/x/webhook", '{"url": ' + DEEP + "}", id="webhook"),
    ],
)
def test_deep_json_bodies_are_refused_as_problems(
    verifier: TestClient, path: str, body: str
) -> None:
    method = verifier.put if path.endswith("webhook") else verifier.post
    answered = method(path, content=body, headers={"content-type": "application/json"})
    assert answered.status_code == 400, answered.text
    assert answered.headers["content-type"].startswith("application/problem+json")


def test_deep_requirements_text_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="nested deeper"):
        Requirements.from_json('{"types": ' + DEEP + "}")


@pytest.mark.parametrize("route", ["credentials", "presentations"])
def test_a_deeply_nested_sd_jwt_is_a_problem_not_a_crash(verifier: TestClient, route: str) -> None:
    def b64(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    header = b64(json.dumps({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "did:key:zX#zX"}))
    payload = b64('{"iss": "did:key:z", "x": ' + DEEP + "}")
    token = f"{header}.{payload}.AAAA~"
    field = "verifiableCredential" if route == "credentials" else "verifiablePresentation"
    answered = verifier.post(f"/{route}/verify", json={field: token})
    assert answered.status_code == 422, answered.text
    assert answered.headers["content-type"].startswith("application/problem+json")


def test_a_jobs_skills_are_preferred_claims_of_the_ldp_vc_query(verifier: TestClient) -> None:
    """§6.3 / §6.4.1: an aligned credential meets the first claim set, any other of the types
    the last one; the request names the job for the learner (§11.1 client_name)."""
    job_id = open_job(verifier, {"types": ["OpenBadgeCredential"], "skills": [PRIVACY, "Care"]})
    claims = SpecWallet(verifier).read_request(
        new_request(verifier, job_id)["links"]["by_reference"]
    )
    assert claims["client_metadata"]["client_name"] == "Maple Grove Care Home — Care assistant"
    parsed = validate_request(claims).dcql_query
    query = parsed.query(claims["dcql_query"]["credentials"][0]["id"])
    assert query.claim_sets == (("type", "skill_name"), ("type", "skill_url"), ("type",))

    def option_of(alignments: list[dict[str, str]]) -> tuple[str | None, ...]:
        credential = {"type": ["VerifiableCredential"], "credentialSubject": {
            "achievement": {"name": "A", "alignment": alignments}}}  # fmt: skip
        chosen = selected_claims(query, credential)
        assert chosen is not None
        return tuple(c.id for c in chosen)

    assert option_of([{"targetName": "Care"}]) == ("type", "skill_name")
    assert option_of([{"targetName": "x", "targetUrl": PRIVACY}]) == ("type", "skill_url")
    assert option_of([{"targetName": "Food safety"}]) == ("type",)
