"""CSV batch issuance (``issuer.batches.batch``, ``issuer.web.api.batches``, ``ler batch``).

Over HTTP: a good batch issues one credential per row (SQLite and a real PostgreSQL); every
kind of bad file is refused with the rows named and nothing written; the limits answer 413.
The crash test is real: an issuer process is SIGKILLed half way through a 300-row batch
(signed in a pool of 2 worker processes, which must go with it), started again, and must end
with exactly 300 credentials, one per row, each verifying.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from issuer import store
from issuer.batches import batch, batch_csv
from ler import cli
from servicekit.db import Database
from tests.issuer.conftest import TOKEN, AppFactory, authorized, checks_by_id, verify_options
from tests.processes import descendants, wait_all_gone
from vckit import verification as verify
from vckit.did.resolver import DidResolver
from vckit.verification import VerifyOptions

ROOT = Path(__file__).resolve().parents[3]
SLUG = "community-college"
ACHIEVEMENT = "fundamentals-of-nursing-1"
FUTURE = "2027-06-30T00:00:00Z"
WAIT_SECONDS = 120  # a safeguard against hanging, not a speed assertion
KILL_AT = 100  # rows issued before the SIGKILL (of 300; the kill lands within a few rows)


def did(n: int) -> str:
    return f"did:example:learner-{n:04d}"


def csv_of(*rows: str, header: str = "recipient_did,email,name,valid_until,suspension") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def learners(count: int) -> bytes:
    return csv_of(*(f"{did(n)},,Learner {n},," for n in range(1, count + 1)))


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.001)


def post_batch(
    client: TestClient | httpx.Client,
    data: bytes,
    *,
    slug: str = SLUG,
    achievement: str = ACHIEVEMENT,
    format: str = "eddsa-rdfc-2022",
    content_type: str = "text/csv",
) -> Any:  # the TestClient's response or httpx's
    return client.post(
        f"/issuers/{slug}/batches",
        params={"achievement": achievement, "format": format},
        content=data,
        headers={"Content-Type": content_type},
    )


def finished(client: TestClient | httpx.Client, location: str) -> dict[str, Any]:
    """Poll the batch until it is no longer running."""
    seen: dict[str, Any] = {}

    def done() -> bool:
        seen.update(client.get(location).json())
        return bool(seen["state"] != "running")

    wait_until(done, f"batch {location}")
    return seen


@pytest.fixture
def api(issuer_app: AppFactory) -> Iterator[TestClient]:
    """An authorized client whose app lifespan runs (the batch worker starts and stops)."""
    with authorized(issuer_app()) as client:
        yield client


def nothing_written(client: TestClient) -> None:
    assert client.get(f"/issuers/{SLUG}/batches").json() == []
    assert client.get(f"/issuers/{SLUG}/credentials").json() == []


# --- a good batch ---------------------------------------------------------------------------


def test_a_batch_issues_one_credential_per_row(issuer_app: AppFactory, database_url: str) -> None:
    data = b"\xef\xbb\xbf" + csv_of(  # a byte-order mark and CRLF line ends, as Excel writes
        f"{did(1)},,Ada Lovelace,,",
        f",Grace@Example.org,Grace Hopper,{FUTURE},true",
        f'"{did(3)}",,"Hopper, Grace",,no',
    ).replace(b"\n", b"\r\n")
    with authorized(issuer_app(database_url)) as client:
        response = post_batch(client, data)
        assert response.status_code == 202, response.text
        created = response.json()
        assert created["total"] == 3 and created["state"] == "running"
        assert response.headers["Location"] == f"/issuers/{SLUG}/batches/{created['id']}"
        final = finished(client, response.headers["Location"])
        assert final == {**created, "done": 3, "state": "done", "errors": []}
        issued = client.get(f"/issuers/{SLUG}/credentials").json()
        listed = client.get(f"/issuers/{SLUG}/batches").json()
    assert [b["id"] for b in listed] == [created["id"]]
    assert len(issued) == 3
    subjects = {json.dumps(c["credential"]["credentialSubject"].get("id")): c for c in issued}
    assert set(subjects) == {json.dumps(did(1)), json.dumps(did(3)), "null"}
    email = subjects["null"]["credential"]
    assert email["validUntil"] == FUTURE
    assert email["credentialSubject"]["identifier"][0]["hashed"] is True
    purposes = {
        key: c["credential"]["credentialStatus"]["statusPurpose"] for key, c in subjects.items()
    }
    assert purposes == {  # suspension=true: its one status entry is a suspension one
        json.dumps(did(1)): "revocation",
        json.dumps(did(3)): "revocation",
        "null": "suspension",
    }


@pytest.mark.parametrize("format", ["ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"])
def test_the_batch_format_is_used_for_every_row(api: TestClient, format: str) -> None:
    response = post_batch(api, learners(2), format=format)
    assert response.status_code == 202, response.text
    assert finished(api, response.headers["Location"])["state"] == "done"
    issued = api.get(f"/issuers/{SLUG}/credentials").json()
    assert [c["format"] for c in issued] == [format, format]


def test_issued_batch_credentials_verify(api: TestClient) -> None:
    response = post_batch(api, learners(2))
    finished(api, response.headers["Location"])
    for item in api.get(f"/issuers/{SLUG}/credentials").json():
        report = verify.verify(item["credential"], verify_options(api))
        assert report.verdict == "pass", checks_by_id(report)


# --- bad files: every row named, nothing written ----------------------------------------------


BAD_FILES = [
    pytest.param(csv_of(",,no recipient,,"), {2}, id="missing-recipient"),
    pytest.param(csv_of(f"{did(1)},a@b.example,,,"), {2}, id="both-recipients"),
    pytest.param(csv_of("learner-1,,,,"), {2}, id="not-a-did"),
    pytest.param(csv_of(",not-an-email,,,"), {2}, id="not-an-email"),
    pytest.param(csv_of(f"{did(1)},,,next summer,"), {2}, id="valid-until-not-a-date"),
    pytest.param(csv_of(f"{did(1)},,,2020-01-01T00:00:00Z,"), {2}, id="valid-until-past"),
    pytest.param(csv_of(f"{did(1)},,,2027-06-30T00:00:00,"), {2}, id="valid-until-no-zone"),
    pytest.param(csv_of(f"{did(1)},,,,maybe"), {2}, id="suspension-not-a-boolean"),
    pytest.param(
        csv_of(f"{did(1)},,,,", f"{did(2)},,,,", f"{did(1)},,,,"), {4}, id="duplicate-did"
    ),
    pytest.param(csv_of(",a@b.example,,,", ",  A@B.example ,,,"), {3}, id="duplicate-email"),
    pytest.param(csv_of(f"{did(1)},,,"), {2}, id="too-few-fields"),
    pytest.param(csv_of(f"{did(1)},,,,,extra"), {2}, id="too-many-fields"),
    pytest.param(csv_of(f"{did(1)},,{'x' * 600},,"), {2}, id="field-too-long"),
    pytest.param(csv_of(f'{did(1)},,"two\nlines",,'), {2}, id="line-break-in-field"),
    pytest.param(csv_of(f"{did(1)},2", header="recipient_did,colour"), {1}, id="unknown-column"),
    pytest.param(csv_of(f"{did(2)}", header=did(1)), {1}, id="no-header"),
    pytest.param(csv_of(f"{did(1)},", header="email,email"), {1}, id="column-twice"),
    pytest.param(b"", {1}, id="empty-file"),
    pytest.param(b"recipient_did\n\n", {2}, id="header-only"),
    pytest.param(b"recipient_did\n" + did(1).encode() + b"\xff\n", {2}, id="not-utf8"),
    pytest.param(b'recipient_did\n"did:example:x\n', {2}, id="unclosed-quote"),
    pytest.param(
        csv_of(",a@b.example,,,", f"{did(1)},,,,", "x,,,,", ",a@b.example,,,"),
        {4, 5},
        id="several-bad-rows-all-listed",
    ),
]


@pytest.mark.parametrize(("data", "rows"), BAD_FILES)
def test_a_bad_file_is_refused_with_its_rows_and_nothing_issued(
    api: TestClient, data: bytes, rows: set[int]
) -> None:
    response = post_batch(api, data)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:ler:problem:invalid-rows"
    assert {p["row"] for p in body["problems"]} == rows
    assert body["count"] == len(body["problems"])
    nothing_written(api)


def test_an_email_recipient_cannot_have_an_ob3_jwt(api: TestClient) -> None:
    response = post_batch(api, csv_of(f"{did(1)},,,,", ",a@b.example,,,"), format="ob3-jwt")
    assert response.status_code == 422
    assert [p["row"] for p in response.json()["problems"]] == [3]
    nothing_written(api)


def test_a_bad_row_names_every_one_of_its_problems(api: TestClient) -> None:
    """One row with a past end date, a word for a suspension, a birth date in the future and
    a grade the achievement does not allow: four problems, each naming its column (it used
    to stop at the first)."""
    header = "recipient_did,email,name,valid_until,suspension,recipient_name,date_of_birth,grade"
    row = f"{did(1)},,Ana,2001-01-01T00:00:00+00:00,maybe,Ana,2999-01-01,Z"
    other = "not-a-did,,Bo,,,,1999-02-30,"
    response = post_batch(api, csv_of(row, other, header=header))
    assert response.status_code == 422, response.text
    found = {(p["row"], p["column"]) for p in response.json()["problems"]}
    assert found == {
        (2, "valid_until"),
        (2, "suspension"),
        (2, "date_of_birth"),
        (2, "grade"),
        (3, "date_of_birth"),
        (3, None),  # the recipient is not a DID
    }, response.json()["problems"]
    nothing_written(api)


def test_the_problem_list_is_capped_but_counted(api: TestClient) -> None:
    response = post_batch(api, csv_of(*(["x,,,,"] * 150)))
    assert response.status_code == 422
    body = response.json()
    assert len(body["problems"]) == batch_csv.MAX_REPORTED and body["count"] == 150


# --- limits -----------------------------------------------------------------------------------


def test_too_many_bytes_is_413(issuer_app: AppFactory) -> None:
    app = issuer_app()
    app.state.batch_limits = batch_csv.Limits(max_bytes=1_000)
    with authorized(app) as client:
        response = post_batch(client, learners(40))
        assert response.status_code == 413
        assert response.json()["type"] == "urn:ler:problem:too-large"
        nothing_written(client)


def test_a_body_over_the_app_limit_is_413(api: TestClient) -> None:
    response = post_batch(api, learners(3_000))  # > the test app's 100,000-byte body limit
    assert response.status_code == 413
    nothing_written(api)


def test_too_many_rows_is_413(issuer_app: AppFactory) -> None:
    app = issuer_app()
    app.state.batch_limits = batch_csv.Limits(max_rows=5)
    with authorized(app) as client:
        assert post_batch(client, learners(5)).status_code == 202
        response = post_batch(client, learners(6))
        assert response.status_code == 413
        assert "more than 5" in response.json()["detail"]


# --- the request itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        pytest.param({"slug": "no-such-issuer"}, 404, "not-found", id="unknown-issuer"),
        pytest.param({"achievement": "no-such-badge"}, 422, "invalid-request", id="unknown-achv"),
        pytest.param({"format": "rsa-2017"}, 422, "invalid-request", id="unknown-format"),
        pytest.param({"content_type": "application/json"}, 415, "media-type", id="not-csv"),
    ],
)
def test_a_bad_request_is_refused(
    api: TestClient, change: dict[str, str], status: int, code: str
) -> None:
    response = post_batch(api, learners(2), **change)
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:ler:problem:{code}"
    nothing_written(api)


def test_the_achievement_is_required(api: TestClient) -> None:
    response = api.post(f"/issuers/{SLUG}/batches", content=learners(1))
    assert response.status_code == 422
    nothing_written(api)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="no-token"),
        pytest.param({"Authorization": "Bearer x"}, 403, id="wrong-token"),
    ],
)
def test_uploading_needs_the_api_token(
    issuer_app: AppFactory, headers: dict[str, str], status: int
) -> None:
    with TestClient(issuer_app(), base_url="http://issuer.test", headers=headers) as client:
        response = post_batch(client, learners(1))
        assert response.status_code == status
        assert client.get(f"/issuers/{SLUG}/batches").status_code == status


def test_an_unknown_batch_is_404(api: TestClient) -> None:
    response = post_batch(api, learners(1))
    location = response.headers["Location"]
    finished(api, location)
    assert api.get(f"/issuers/{SLUG}/batches/no-such-batch").status_code == 404
    other = location.replace(SLUG, "food-safety")
    assert api.get(other).status_code == 404  # a batch is read under its own issuer only
    assert api.get("/issuers/no-such-issuer/batches").status_code == 404


# --- resuming, and never twice ----------------------------------------------------------------


def test_a_row_is_never_issued_twice(issuer_app: AppFactory) -> None:
    inst = issuer_app().state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(2))
    with inst.db.transaction() as tx:
        (number, row), _ = store.pending_batch_rows(tx, record.id)
    assert batch.issue_row(inst, record, number, row) is True
    assert batch.issue_row(inst, record, number, row) is False  # rolled back
    with inst.db.transaction() as tx:
        assert store.count_credentials(tx, SLUG) == 1
        assert store.get_batch(tx, record.id).done == 1  # type: ignore[union-attr]


def test_a_group_is_one_transaction(issuer_app: AppFactory) -> None:
    """Rows go in groups, one commit each; a row marked by another worker first rolls back
    its whole group (nothing of it is written), and the batch then issues each row once."""
    inst = issuer_app().state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(6))
    with inst.db.transaction() as tx:
        pending = store.pending_batch_rows(tx, record.id)
    assert batch.issue_group(inst, record, pending[:2]) == 2
    number, row = pending[3]
    assert batch.issue_row(inst, record, number, row)  # "another worker" takes row 4
    with pytest.raises(batch._AlreadyIssued):
        batch.issue_group(inst, record, pending[2:])
    with inst.db.transaction() as tx:
        assert store.count_credentials(tx, SLUG) == 3  # row 3 of the failed group is gone
        assert store.get_batch(tx, record.id).done == 3  # type: ignore[union-attr]
    final = batch.run_batch(inst, record.id)
    assert final is not None and (final.state, final.done) == ("done", 6)
    with inst.db.transaction() as tx:
        assert store.count_credentials(tx, SLUG) == 6


def test_a_group_closes_after_its_time_budget(issuer_app: AppFactory) -> None:
    inst = issuer_app().state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(4))
    with inst.db.transaction() as tx:
        pending = store.pending_batch_rows(tx, record.id)
    assert batch.issue_group(inst, record, pending, budget=0) == 1
    assert batch.issue_group(inst, record, pending[1:], budget=60) == 3  # load-proof


def test_a_group_takes_its_status_positions_together_and_gives_back_the_unused(
    issuer_app: AppFactory,
) -> None:
    """A group takes the status positions of all its rows at once; one closed early by its
    time budget gives the unused ones back: every credential has its own position and the
    list hands out no position that is not used."""
    inst = issuer_app().state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(5))
    with inst.db.transaction() as tx:
        pending = store.pending_batch_rows(tx, record.id)
    assert batch.issue_group(inst, record, pending, budget=0) == 1  # took 5, used 1
    assert batch.issue_group(inst, record, pending[1:], budget=60) == 4  # load-proof
    with inst.db.transaction() as tx:
        lists = tx.all(
            "SELECT id, next_index, size, stride FROM status_lists WHERE issuer = ? "
            "AND purpose = 'revocation'",
            (SLUG,),
        )
        entries = tx.all("SELECT list_id, idx FROM status_entries")
    assert len(lists) == 1 and lists[0]["next_index"] == 5
    size, stride = lists[0]["size"], lists[0]["stride"]
    indexes = [entry["idx"] for entry in entries if entry["list_id"] == lists[0]["id"]]
    assert sorted(indexes) == sorted((n * stride) % size for n in range(5))


def test_a_running_batch_resumes_when_the_app_starts(issuer_app: AppFactory) -> None:
    app = issuer_app()
    inst = app.state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(5))
    with inst.db.transaction() as tx:
        first_two = store.pending_batch_rows(tx, record.id, limit=2)
    for number, row in first_two:
        assert batch.issue_row(inst, record, number, row)
    with authorized(app) as client:  # the lifespan resumes it
        final = finished(client, f"/issuers/{SLUG}/batches/{record.id}")
        issued = client.get(f"/issuers/{SLUG}/credentials").json()
    assert (final["done"], final["state"]) == (5, "done")
    assert len(issued) == 5
    assert len({c["credential"]["credentialSubject"]["id"] for c in issued}) == 5


def test_a_row_that_cannot_be_issued_fails_the_batch_and_names_it(issuer_app: AppFactory) -> None:
    inst = issuer_app().state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(3))
    with inst.db.transaction() as tx:  # a row spoilt after the check (e.g. an edited database)
        tx.execute(
            "UPDATE batch_rows SET row_json = ? WHERE batch_id = ? AND row_number = 3",
            (json.dumps({"recipient_did": "spoilt"}), record.id),
        )
    final = batch.run_batch(inst, record.id)
    assert final is not None
    assert (final.state, final.done) == ("failed", 1)
    assert batch.status_json(final)["errors"][0].startswith("row 3: ")


# --- the crash test: a real process, SIGKILLed half way -----------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class IssuerProcess:
    """``uvicorn issuer.app:create_app --factory`` on a free port, a SQLite file in tmp."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LER_ISSUER_URL": f"http://localhost:{self.port}",  # did:web names a host, not an IP
            "LER_DATA_DIR": str(self.data_dir),
            "LER_ISSUER_TOKEN": TOKEN,
            "LER_ISSUER_BATCH_WORKERS": "2",  # signed in a pool of 2 (issuer.batches.signing)
        }
        command = [sys.executable, "-m", "uvicorn", "issuer.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)

        def healthy() -> bool:
            assert self.process is not None and self.process.poll() is None, "issuer died"
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
            return False

        wait_until(healthy, "the issuer to start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {TOKEN}"})

    @property
    def db_path(self) -> Path:
        return self.data_dir / "issuer" / "issuer.db"

    def database(self) -> Database:
        return Database.connect(f"sqlite:///{self.db_path}")


@pytest.fixture
def issuer_process(tmp_path: Path) -> Iterator[IssuerProcess]:
    server = IssuerProcess(tmp_path)
    yield server
    server.kill()


def http_fetch(base: str) -> Callable[[str], bytes]:
    """did:web's https URL (and the status list's) served by the local issuer over http."""
    cache: dict[str, bytes] = {}

    def fetch(url: str) -> bytes:
        path = "/" + url.split("://", 1)[1].partition("/")[2]
        if path not in cache:
            response = httpx.get(base + path, timeout=10)
            response.raise_for_status()
            cache[path] = response.content
        return cache[path]

    return fetch


def test_a_crash_mid_batch_loses_nothing_and_repeats_nothing(
    issuer_process: IssuerProcess,
) -> None:
    issuer_process.start()
    with issuer_process.client() as client:
        response = post_batch(client, learners(300))
        assert response.status_code == 202, response.text
        location = response.headers["Location"]
    # watch the database file itself (a read-only reader never blocks the writer): the
    # server is busy issuing and may answer HTTP slower than it finishes 300 rows
    reader = sqlite3.connect(f"file:{issuer_process.db_path}?mode=ro", uri=True)
    query = "SELECT done FROM batches WHERE id = ?"
    try:
        wait_until(
            lambda: reader.execute(query, (response.json()["id"],)).fetchone()[0] >= KILL_AT,
            f"{KILL_AT} rows",
        )
    finally:
        reader.close()
    assert issuer_process.process is not None
    pool = descendants(issuer_process.process.pid)  # the signing pool's 2 workers
    assert len(pool) >= 2
    issuer_process.kill()
    assert wait_all_gone(pool, 10) == [], "signing pool processes outlived the issuer"

    db = issuer_process.database()
    try:
        with db.transaction() as tx:
            record = store.get_batch(tx, response.json()["id"])
            at_crash = store.count_credentials(tx, SLUG)
    finally:
        db.close()
    assert record is not None and record.state == "running"
    assert KILL_AT <= record.done < 300, "the kill came too late to test a crash"
    assert at_crash == record.done  # every committed row has its credential, and no more

    issuer_process.start()  # the lifespan resumes the running batch
    with issuer_process.client() as client:
        final = finished(client, location)
        issued = client.get(f"/issuers/{SLUG}/credentials", params={"limit": 500}).json()
    assert (final["done"], final["state"], final["errors"]) == (300, "done", [])

    db = issuer_process.database()
    try:
        with db.transaction() as tx:
            rows = tx.all(
                "SELECT row_number, credential_id FROM batch_rows WHERE batch_id = ?",
                (final["id"],),
            )
    finally:
        db.close()
    assert len(issued) == 300
    assert len({c["id"] for c in issued}) == 300
    assert sorted(r["row_number"] for r in rows) == list(range(2, 302))
    assert {r["credential_id"] for r in rows} == {c["id"] for c in issued}
    subjects = sorted(c["credential"]["credentialSubject"]["id"] for c in issued)
    assert subjects == [did(n) for n in range(1, 301)]  # one per row, none twice

    fetch = http_fetch(issuer_process.url)
    options = VerifyOptions(resolver=DidResolver(fetch), fetch_status_list=fetch)
    for item in issued:
        report = verify.verify(item["credential"], options)
        assert report.verdict == "pass", (
            item["id"],
            [(c.id, c.detail) for c in report.all_checks() if c.status != "pass"],
        )


# --- ler batch: the CLI over HTTP -----------------------------------------------------------------


def test_ler_batch_uploads_and_shows_progress(
    issuer_process: IssuerProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer_process.start()
    good = tmp_path / "learners.csv"
    good.write_bytes(learners(20))
    common = ["--issuer-url", issuer_process.url, "--issuer", SLUG, "--achievement", ACHIEVEMENT]
    code = cli.main(["batch", str(good), *common, "--token", TOKEN, "--interval", "0.05"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.splitlines()[-1] == f"[{'#' * 30}] 20/20 100%  done"
    with issuer_process.client() as client:
        assert len(client.get(f"/issuers/{SLUG}/credentials").json()) == 20

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_of(f"{did(1)},,,,", f"{did(1)},,,,"))
    assert cli.main(["batch", str(bad), *common, "--token", TOKEN]) == 1
    assert "row 3: the same recipient as row 2" in capsys.readouterr().err

    assert cli.main(["batch", str(good), *common, "--token", "wrong"]) == 1
    assert "Forbidden (403)" in capsys.readouterr().err


def test_ler_batch_without_a_token_or_an_issuer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LER_ISSUER_TOKEN", raising=False)
    good = tmp_path / "learners.csv"
    good.write_bytes(learners(1))
    common = ["--issuer", SLUG, "--achievement", ACHIEVEMENT]
    assert cli.main(["batch", str(good), *common]) == 2
    assert "--token" in capsys.readouterr().err
    closed = f"http://127.0.0.1:{free_port()}"
    assert cli.main(["batch", str(good), *common, "--token", "t", "--issuer-url", closed]) == 2
    assert cli.main(["batch", str(tmp_path / "missing.csv"), *common, "--token", "t"]) == 2


def test_the_progress_bar() -> None:
    from ler.batch import progress_bar

    assert progress_bar(0, 300, "running", width=10) == "[..........]   0/300   0%  running"
    assert progress_bar(150, 300, "running", width=10) == "[#####.....] 150/300  50%  running"
    assert progress_bar(0, 0, "done", width=4) == "[####] 0/0 100%  done"
