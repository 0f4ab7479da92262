"""Credentials a learner holds, for the cards, skills and credentials-page tests: issued by
the real issuer app (or signed by the library's scenarios), verified for real with
``vckit.verification`` through the issuer app (did:web documents, status lists), and kept
straight through ``wallet.store``, as the receive flow would keep them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.issuer.conftest import revoke as revoke  # re-exported for the wallet tests
from tests.wallet.conftest import ISSUER_TOKEN, ISSUER_URL, account_id_of
from vckit.did.resolver import DidResolver
from vckit.verification import VerifyOptions, verify
from wallet import store
from wallet.store import CredentialRecord

SAMPLES = Path(__file__).resolve().parents[1] / "vectors" / "ob3-samples"
RECEIVED = "2026-03-02T09:30:00+00:00"


def sample(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return document


def issuer_client(issuer_app: FastAPI) -> TestClient:
    return TestClient(
        issuer_app, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}
    )


def issue(
    client: TestClient,
    format: str = "eddsa-rdfc-2022",
    achievement: str = "fundamentals-of-nursing-1",
    issuer: str = "community-college",
    **extra: Any,
) -> dict[str, Any]:
    """Issue over the issuer's API: ``{"id", "credential", ...}`` (credential: dict or JWT)."""
    response = client.post(
        f"/issuers/{issuer}/credentials",
        json={
            "achievement": achievement,
            "recipient": {"did": "did:example:learner"},
            "format": format,
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def verify_through(client: TestClient, document: dict[str, Any] | str, now: datetime) -> Any:
    """A real ``vckit.verification`` report, did:web and status lists fetched from the
    issuer app."""

    def fetch(url: str) -> bytes:
        path = url.split("://", 1)[1].partition("/")[2]
        response = client.get("/" + path)
        if response.status_code != 200:
            raise OSError(f"GET {url}: {response.status_code}")
        return response.content

    options = VerifyOptions(resolver=DidResolver(fetch), fetch_status_list=fetch, now=now)
    return verify(document, options)


def record(
    document: dict[str, Any] | str,
    report: dict[str, Any] | None = None,
    *,
    record_id: str = "0" * 32,
    format: str = "ldp_vc",
) -> CredentialRecord:
    """A stored credential as ``wallet.store`` returns it, without a database."""
    verdict = None if report is None else str(report.get("verdict"))
    return CredentialRecord(
        record_id,
        "a" * 32,
        store.credential_hash(document),
        document,
        format,
        "upload",
        RECEIVED,
        report,
        verdict,
        None if report is None else RECEIVED,
    )


def keep(
    app: FastAPI, email: str, document: dict[str, Any] | str, report: dict[str, Any] | None
) -> str:
    """Store a credential for the learner ``email`` straight through wallet.store; its id."""
    inst = app.state.inst
    account_id = account_id_of(app, email)
    with inst.db.transaction() as tx:
        kept = store.add_credential(
            tx,
            account_id,
            document,
            format="jwt_vc_json" if isinstance(document, str) else "ldp_vc",
            source="upload",
            received_at=inst.stamp(),
            report=report,
            verdict=None if report is None else str(report["verdict"]),
            checked_at=None if report is None else inst.stamp(),
        )
    credential_id: str = kept.id
    return credential_id
