"""A NUL character (U+0000) in text a service stores: PostgreSQL refuses it ("text fields
cannot contain NUL"), which was a 500 on every PostgreSQL installation (a job title, an
issued credential's recipient name, a path parameter). Now both engines refuse it before the
statement runs: 422 problem+json, ``urn:ler:problem:nul-character``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from issuer.app import create_app as create_issuer
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from servicekit.db import Database, NulTextError
from tests.hostile.conftest import no_fetch
from tests.verifier.callers import as_employer
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings

TOKEN = "nul-suite-token-0123456789"


def _refused(response: Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:ler:problem:nul-character"


def test_the_verifier_refuses_nul_in_what_it_stores(database_url: str, tmp_path: Path) -> None:
    app = create_verifier(
        VerifierSettings(data_dir=tmp_path / "v", database_url=database_url), fetch=no_fetch
    )
    client = as_employer(TestClient(app, raise_server_exceptions=False))
    # a job title is refused before the database by the printable-text rule, naming it
    titled = client.post("/api/jobs", json={"title": "Care\u0000worker", "requirements": {}})
    assert titled.status_code == 422 and titled.json()["detail"].startswith("a job's title")
    _refused(client.get("/api/jobs/a%00b/results"))
    app.state.inst.db.close()


def test_the_issuer_refuses_nul_in_what_it_stores(database_url: str, tmp_path: Path) -> None:
    settings = IssuerSettings(
        data_dir=tmp_path / "i",
        database_url=database_url,
        api_token=TOKEN,
        demo_file=EXAMPLES / "issuers.json",
    )
    app = create_issuer(settings)
    client = TestClient(
        app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    issued = client.post(
        "/issuers/community-college/credentials",
        json={
            "achievement": "fundamentals-of-nursing-1",
            "recipient": {"did": "did:example:learner\u0000"},
        },
    )
    assert issued.status_code in (400, 422), issued.text
    _refused(client.get("/credentials/urn:uuid:a%00b"))
    app.state.inst.db.close()


def test_the_database_refuses_nul_text_on_both_engines(database_url: str) -> None:
    db = Database.connect(database_url)
    with db.transaction() as tx:
        tx.script("CREATE TABLE t (a TEXT)")
    with pytest.raises(NulTextError), db.transaction() as tx:
        tx.execute("INSERT INTO t (a) VALUES (?)", ("a\x00b",))
    with db.transaction() as tx:
        tx.execute("INSERT INTO t (a) VALUES (?)", ("a\u2400b",))  # the symbol for NUL is text
        assert tx.all("SELECT a FROM t") == [{"a": "a\u2400b"}]
    db.close()
