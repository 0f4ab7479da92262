"""How long a status list may be cached is the issuer's stated, configurable word: its
``Cache-Control`` says ``public, max-age=N`` (``LER_ISSUER_STATUS_MAX_AGE``, 60 s by default;
0: ``no-cache``), and the verifier's cache reads that ``N`` (the README's revocation latency)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from issuer.settings import Settings
from servicekit.fetch_cache import max_age
from tests.issuer.conftest import BASE_URL, AppFactory, authorized
from tests.issuer.web.test_api import issue_one


def status_list_answer(client: TestClient) -> tuple[int, dict[str, str]]:
    credential_id = issue_one(client)
    listed = client.get("/issuers/community-college/credentials").json()
    entry = next(c for c in listed if c["id"] == credential_id)["credential"]["credentialStatus"]
    answer = client.get(entry["statusListCredential"].removeprefix(BASE_URL))
    return answer.status_code, dict(answer.headers)


@pytest.mark.parametrize(
    ("overrides", "header", "seconds"),
    [
        ({}, "public, max-age=60", 60),
        ({"status_max_age": 5}, "public, max-age=5", 5),
        ({"status_max_age": 0}, "no-cache", 0),
    ],
    ids=["default-60s", "five-seconds", "zero-no-cache"],
)
def test_a_status_list_says_how_long_it_may_be_cached(
    issuer_app: AppFactory, overrides: dict[str, int], header: str, seconds: int
) -> None:
    status, headers = status_list_answer(authorized(issuer_app(**overrides)))
    assert status == 200
    assert headers["cache-control"] == header
    assert max_age(headers) == seconds  # what the verifier's cache reads


def test_the_max_age_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LER_ISSUER_STATUS_MAX_AGE", raising=False)
    assert Settings.from_env().status_max_age == 60
    monkeypatch.setenv("LER_ISSUER_STATUS_MAX_AGE", "15")
    assert Settings.from_env().status_max_age == 15
    monkeypatch.setenv("LER_ISSUER_STATUS_MAX_AGE", "0")
    assert Settings.from_env().status_max_age == 0
