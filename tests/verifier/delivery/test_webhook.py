"""The applicant-tracking webhook, against a REAL HTTP receiver on 127.0.0.1.

The receiver (``http.server`` in a thread) checks every delivery's signature the way an ATS
would, written here from the contract and not with ``verifier.delivery.webhook``'s own code:
``X-LER-Signature: sha256=<hex HMAC-SHA256(secret, X-LER-Timestamp + "." + body)>``. It
answers 500 to the first two deliveries, so the third (after the backoff) succeeds, and
every attempt is in the job's delivery log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.verifier.callers import as_employer, csrf_of, sign_in_staff
from verifier import store
from verifier.app import create_app
from verifier.checking.fetch import FetchPolicy
from verifier.delivery import webhook
from verifier.delivery.deliverer import Deliverer
from verifier.settings import Settings

SECRET = "ats-shared-secret-0123456789"
WAIT = 30.0  # generous upper bound for the background thread; never a speed assertion


@dataclass
class Receiver:
    """What the ATS saw: every request, and whether its signature was right."""

    url: str
    fail_first: int = 2
    secret: str = SECRET
    seen: list[dict[str, Any]] = field(default_factory=list)
    delivered: threading.Event = field(default_factory=threading.Event)


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            got = box[0]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            timestamp = self.headers.get("X-LER-Timestamp", "")
            signature = self.headers.get("X-LER-Signature", "")
            good = hmac.compare_digest(expected_signature(got.secret, timestamp, body), signature)
            got.seen.append({"body": body, "signature_ok": good, "path": self.path})
            status = 500 if len(got.seen) <= got.fail_first or not good else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if status == 200:
                got.delivered.set()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}/ats/hook"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box[0]
    server.shutdown()
    server.server_close()


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        base_url="https://verifier.test",
        allow_did_web=False,
        allow_status_fetch=False,
        allow_http_localhost=True,  # the receiver is a local http server
        data_dir=tmp_path / "verifier",
        webhook_base_delay=0.01,
        webhook_poll_interval=0.02,
    )
    with TestClient(create_app(settings), base_url="https://verifier.test") as client:
        yield as_employer(client)  # the lifespan runs the deliverer thread


def deliveries(verifier: TestClient, job_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = verifier.get(f"/api/jobs/{job_id}/webhook").json()["deliveries"]
    return found


def wait_for(predicate: Callable[[], bool]) -> bool:
    """Poll ``predicate`` until it holds or ``WAIT`` seconds pass (the thread's pace is not
    what is tested)."""
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def open_job(verifier: TestClient) -> str:
    response = verifier.post("/api/jobs", json={"title": "Care assistant", "requirements": {}})
    assert response.status_code == 201, response.text
    job_id: str = response.json()["id"]
    return job_id


def named_credential() -> dict[str, Any]:
    """The scenarios' good credential, its subject also named by an OB 3.0 IdentityObject."""
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    credential["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "identityType": "name", "hashed": False,
         "identityHash": "Alex Rivera"}
    ]  # fmt: skip
    return s.sign(credential, s.ISSUER)


def answer_a_request(
    verifier: TestClient, job_id: str, reference: str | None = None
) -> dict[str, Any]:
    """A candidate answers a VC-API request of the job (made with the ATS's applicant
    ``reference`` when given): one stored result."""
    body = {"kind": "vc-api"} | ({"applicantReference": reference} if reference else {})
    asked = verifier.post(f"/api/jobs/{job_id}/requests", json=body).json()
    assert asked["applicantReference"] == reference
    vpr = asked["presentation_request"]["verifiablePresentationRequest"]
    shared = s.presentation([named_credential()], challenge=vpr["challenge"], domain=vpr["domain"])
    response = verifier.post(
        f"/api/vc-api/requests/{asked['id']}",
        json={"verifiablePresentation": shared.presentation},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_result_is_delivered_signed_after_two_failures(
    verifier: TestClient, receiver: Receiver
) -> None:
    job_id = open_job(verifier)
    configured = verifier.put(
        f"/api/jobs/{job_id}/webhook", json={"url": receiver.url, "secret": SECRET}
    )
    assert configured.status_code == 200, configured.text
    assert configured.json()["secret"] == SECRET

    result = answer_a_request(verifier, job_id, reference="ATS-1042")

    def delivered() -> bool:
        return any(d["status"] == 200 for d in deliveries(verifier, job_id))

    assert wait_for(delivered), f"never delivered: {receiver.seen}"

    assert [seen["signature_ok"] for seen in receiver.seen] == [True, True, True]
    assert {seen["path"] for seen in receiver.seen} == {"/ats/hook"}
    sent = json.loads(receiver.seen[-1]["body"])
    assert sent["job"] == job_id and sent["response"] == result["id"]
    assert sent["verdict"] == result["verdict"] == sent["report"]["verdict"]
    # the ATS's applicant reference comes back, with a flat summary beside the full report
    assert sent["applicantReference"] == result["applicantReference"] == "ATS-1042"
    assert sent["summary"] == result["summary"]
    assert sent["summary"] == {
        "candidate": "Alex Rivera",
        "verdict": "pass",
        "verdictText": "Verified",
        "requirementsMet": True,
        "skills": sent["summary"]["skills"],
        "applicantReference": "ATS-1042",
    }
    assert sent["summary"]["skills"], sent["summary"]

    log = verifier.get(f"/api/jobs/{job_id}/webhook").json()
    assert log["url"] == receiver.url and "secret" not in log
    attempts = [(d["attempt"], d["status"]) for d in log["deliveries"]]
    assert attempts == [(1, 500), (2, 500), (3, 200)]
    assert all(d["response"] == result["id"] and d["at"] for d in log["deliveries"])


def test_wrong_secret_is_caught_by_the_receiver(verifier: TestClient, receiver: Receiver) -> None:
    """The receiver refuses a delivery signed with another secret: the HMAC is what it trusts."""
    receiver.fail_first = 0
    receiver.secret = "not-the-secret-we-configured"
    job_id = open_job(verifier)
    verifier.put(f"/api/jobs/{job_id}/webhook", json={"url": receiver.url, "secret": SECRET})
    answer_a_request(verifier, job_id)
    assert wait_for(lambda: len(deliveries(verifier, job_id)) == 5), deliveries(verifier, job_id)
    assert [d["status"] for d in deliveries(verifier, job_id)] == [500] * 5
    assert receiver.seen and not any(seen["signature_ok"] for seen in receiver.seen)
    assert not receiver.delivered.is_set()


def test_gives_up_after_max_tries_and_logs_the_error(tmp_path: Path) -> None:
    """Nothing listens at the URL: 5 attempts, each logged with its error, then no more."""
    settings = Settings(
        data_dir=tmp_path / "v", allow_did_web=False, allow_status_fetch=False,
        allow_http_localhost=True,
    )  # fmt: skip
    app = create_app(settings)
    client = as_employer(TestClient(app, base_url="https://verifier.test"))  # no lifespan
    job_id = open_job(client)
    dead = "http://127.0.0.1:9/nothing-listens-here"
    client.put(f"/api/jobs/{job_id}/webhook", json={"url": dead, "secret": SECRET})
    answer_a_request(client, job_id)
    policy = FetchPolicy(allow_http_localhost=True, timeout=2.0)
    deliverer = Deliverer(app.state.inst.db, policy, base_delay=0.0, max_tries=5)
    rounds = [deliverer.run_once() for _ in range(7)]
    assert rounds == [1, 1, 1, 1, 1, 0, 0]
    log = client.get(f"/api/jobs/{job_id}/webhook").json()["deliveries"]
    assert [d["attempt"] for d in log] == [1, 2, 3, 4, 5]
    assert all(d["status"] is None and d["detail"].startswith("error:") for d in log)


def test_backoff_doubles_from_the_base_delay(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "v")
    app = create_app(settings)
    deliverer = Deliverer(app.state.inst.db, FetchPolicy(), base_delay=1.0)
    assert [deliverer.delay(n) for n in range(1, 5)] == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    ("url", "allow_http_localhost"),
    [
        pytest.param("http://ats.example/hook", True, id="plain-http-to-a-remote-host"),
        pytest.param("http://127.0.0.1:8080/hook", False, id="http-localhost-not-allowed"),
        pytest.param("https://10.0.0.7/hook", True, id="private-address"),
        pytest.param("https://169.254.169.254/latest", True, id="link-local-metadata"),
        pytest.param("ftp://ats.example/hook", True, id="not-http"),
    ],
)
def test_url_must_pass_the_fetch_policy(
    tmp_path: Path, url: str, allow_http_localhost: bool
) -> None:
    settings = Settings(data_dir=tmp_path / "v", allow_http_localhost=allow_http_localhost)
    client = as_employer(TestClient(create_app(settings), base_url="https://verifier.test"))
    job_id = open_job(client)
    response = client.put(f"/api/jobs/{job_id}/webhook", json={"url": url, "secret": SECRET})
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "urn:ler:problem:webhook-url-refused"
    assert client.get(f"/api/jobs/{job_id}/webhook").json()["url"] is None


def test_unknown_job_is_404_and_secret_is_generated_when_absent(
    tmp_path: Path, receiver: Receiver
) -> None:
    settings = Settings(data_dir=tmp_path / "v", allow_http_localhost=True)
    client = as_employer(TestClient(create_app(settings)))
    missing = client.put("/api/jobs/nope/webhook", json={"url": receiver.url})
    assert missing.status_code == 404
    job_id = open_job(client)
    made = client.put(f"/api/jobs/{job_id}/webhook", json={"url": receiver.url}).json()
    assert len(made["secret"]) >= 32
    assert client.delete(f"/api/jobs/{job_id}/webhook").status_code == 204
    assert client.get(f"/api/jobs/{job_id}/webhook").json()["url"] is None


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    """Our signer against the receiver's independent computation, and its checker refuses a
    changed body, another secret and an old timestamp."""
    body = b'{"verdict":"pass"}'
    signature = webhook.sign(SECRET, "1700000000", body)
    assert signature == expected_signature(SECRET, "1700000000", body)
    now = 1700000100.0
    assert webhook.verify_signature(SECRET, "1700000000", body, signature, now=now)
    assert not webhook.verify_signature(SECRET, "1700000000", body + b" ", signature, now=now)
    assert not webhook.verify_signature("other-secret", "1700000000", body, signature, now=now)
    assert not webhook.verify_signature(SECRET, "1700000000", body, signature, now=now + 3600)


def test_the_applicant_reference_is_kept_from_the_page_to_the_results(tmp_path: Path) -> None:
    """Staff give the ATS's reference on the job page; the request page shows it; the answer
    carries it in the results API and on the job's answers list."""
    settings = Settings(allow_did_web=False, allow_status_fetch=False, data_dir=tmp_path / "v")
    app = create_app(settings)
    staff = sign_in_staff(TestClient(app))
    page = staff.get("/jobs")
    made = staff.post(
        "/jobs", data={"title": "Night nurse", "csrf": csrf_of(page.text)}, follow_redirects=False
    )
    job_id = made.headers["location"].rsplit("/", 1)[1]
    job_page = staff.get(f"/jobs/{job_id}").text
    assert 'name="applicant_reference"' in job_page
    asked = staff.post(
        f"/jobs/{job_id}/requests",
        data={"kind": "vc-api", "applicant_reference": "  ATS  7731 ", "csrf": csrf_of(job_page)},
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    assert "For applicant <strong>ATS 7731</strong>" in staff.get(asked.headers["location"]).text
    employer = as_employer(TestClient(app))
    request_id = asked.headers["location"].rsplit("/", 1)[1]
    with app.state.inst.db.transaction() as tx:  # the request as stored: its nonce, audience
        stored = store.get_request(tx, request_id)
    assert stored is not None and stored.applicant_ref == "ATS 7731"
    shared = s.presentation([named_credential()], challenge=stored.nonce, domain=stored.client_id)
    answer = employer.post(
        f"/api/vc-api/requests/{request_id}", json={"verifiablePresentation": shared.presentation}
    )
    assert answer.status_code == 200, answer.text
    [result] = employer.get(f"/api/jobs/{job_id}/results").json()
    assert result["applicantReference"] == "ATS 7731"
    assert result["summary"]["candidate"] == "Alex Rivera"
    listed = staff.get(f"/jobs/{job_id}").text
    assert "<td>Alex Rivera</td><td>ATS 7731</td>" in listed


@pytest.mark.parametrize("reference", ["x" * 201, "tab\tinside\x07", 7])
def test_a_bad_applicant_reference_is_a_clear_422(verifier: TestClient, reference: Any) -> None:
    job_id = open_job(verifier)
    answer = verifier.post(
        f"/api/jobs/{job_id}/requests", json={"kind": "vc-api", "applicantReference": reference}
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "applicant" in answer.text.lower()
