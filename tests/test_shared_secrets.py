"""Every process of a role shares the role's own secrets through the database, whatever its
data folder (replicas on different hosts): a session cookie made by one is accepted by the
other, the issuer's installation key (its DID document) is the same in both, and the API
token the first start made works against both. A data folder of an older version (its
``issuer-key.jwk``, ``session-secret`` and ``api-token`` files) is imported once: the same
key, the same sessions, the same token. Three issuers started at the same moment on an empty
PostgreSQL, each with its own data folder, make one set of secrets.

In-process apps on SQLite and PostgreSQL; the last test starts real processes (a few
seconds).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.store.sealed import INSTALLATION_KEY
from servicekit.kek import sealed_file
from servicekit.sealing import Kek, KeyRing
from servicekit.sessions import SESSION_SECRET
from tests.issuer.conftest import FROZEN, AppFactory, issuer_app, key_pool  # noqa: F401
from tests.processes import ServiceProcess, services
from vckit.keys.keypair import KeyPair
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

SITE = "https://issuer.test"  # the session cookie is Secure: sent over https only
COLLEGE = "community-college"
STAFF_PAGE = f"/issuers/{COLLEGE}/issued"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def staff_cookie(app: FastAPI, token: str) -> str:
    """Sign in on ``app`` with the API token; the staff session's cookie value."""
    with TestClient(app, base_url=SITE) as browser:
        form = {"csrf": csrf_of(browser.get("/sign-in").text), "token": token, "next": "/"}
        signed_in = browser.post("/sign-in", data=form, follow_redirects=False)
        assert signed_in.status_code == 303, signed_in.text
        cookie = browser.cookies.get("ler_issuer_session")
    assert cookie
    return cookie


def shown_to(app: FastAPI, cookie: str) -> int:
    """The status of a staff page for a browser holding ``cookie``."""
    with TestClient(app, base_url=SITE, cookies={"ler_issuer_session": cookie}) as browser:
        return browser.get(STAFF_PAGE, follow_redirects=False).status_code


def api_status(app: FastAPI, token: str) -> int:
    client = TestClient(app, base_url=SITE, headers={"Authorization": f"Bearer {token}"})
    return client.get(f"/issuers/{COLLEGE}/batches").status_code


def test_two_issuers_with_their_own_data_folders_share_key_token_and_sessions(
    issuer_app: AppFactory,  # noqa: F811
    database_url: str,
    tmp_path: Path,
) -> None:
    kek = Kek.generate().text()
    host_a, host_b = tmp_path / "host-a", tmp_path / "host-b"
    one = issuer_app(database_url, kek=kek, api_token=None, data_dir=host_a)
    two = issuer_app(database_url, kek=kek, api_token=None, data_dir=host_b)

    token = (host_a / "api-token").read_text().strip()  # shown once, by the first start
    assert not (host_b / "api-token").exists()
    assert (host_a / "api-token").stat().st_mode & 0o777 == 0o600
    assert api_status(one, token) == 200 and api_status(two, token) == 200
    assert api_status(two, "not-the-token") == 403

    did_one = TestClient(one).get("/.well-known/did.json").json()
    did_two = TestClient(two).get("/.well-known/did.json").json()
    assert did_one == did_two  # one installation key

    cookie = staff_cookie(one, token)
    assert shown_to(two, cookie) == 200  # signed by one, accepted by the other
    assert shown_to(two, cookie[:-2] + "xx") == 303  # a forged one still goes to sign-in
    assert one.state.nonce_secret == two.state.nonce_secret  # c_nonces of one valid in two
    assert not host_b.exists()  # nothing of the second on its local disk


def test_two_wallets_and_two_verifiers_accept_each_others_sessions(
    database_url: str, tmp_path: Path
) -> None:
    kek = Kek.generate().text()
    apps: list[FastAPI] = []
    try:
        for host in ("a", "b"):
            apps.append(
                create_wallet(
                    WalletSettings(
                        data_dir=tmp_path / host / "wallet",
                        database_url=database_url,
                        kek=kek,
                        recheck_interval=0,
                    )
                )
            )
        one, two = apps
        _, cookie = one.state.sessions.new("account:someone:1", FROZEN)
        assert two.state.sessions.read(cookie, FROZEN) is not None
    finally:
        for app in apps:
            app.state.inst.db.close()
    if database_url.startswith("postgresql"):  # the verifier on its own database
        database_url = database_url.replace("?", "_v?", 1)
        _create_database(database_url)
    else:
        database_url = database_url.replace("store.db", "verifier.db")
    checking: list[FastAPI] = []
    try:
        for host in ("a", "b"):
            settings = VerifierSettings(
                data_dir=tmp_path / host / "verifier",
                database_url=database_url,
                kek=kek,
                registry_file=None,
            )
            checking.append(create_verifier(settings))
        _, cookie = checking[0].state.sessions.new("anonymous", FROZEN)
        assert checking[1].state.sessions.read(cookie, FROZEN) is not None
    finally:
        for app in checking:
            app.state.inst.db.close()


def _create_database(url: str) -> None:
    import psycopg

    name = url.split("@/", 1)[1].split("?", 1)[0]
    server = url.replace(f"@/{name}?", "@/postgres?")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")


def public_key(did_document: dict[str, Any]) -> str:
    (method,) = did_document["verificationMethod"]
    return str(method["publicKeyMultibase"])


def older_data_folder(data_dir: Path, kek: str) -> dict[str, Any]:
    """A data folder as the version before this one left it: the installation key and the
    session secret sealed in files (written by that version's own function), the token in
    plain text."""
    ring = KeyRing(Kek.from_text(kek, "test"))
    jwk = KeyPair.generate("Ed25519").to_private_jwk()
    sealed_file(data_dir, INSTALLATION_KEY, ring, lambda: json.dumps(jwk))
    sealed_file(data_dir, SESSION_SECRET, ring, lambda: "5e" * 32)
    (data_dir / "api-token").write_text("an-older-installations-token-0123456789\n")
    return {
        "jwk": jwk,
        "secret": bytes.fromhex("5e" * 32),
        "token": "an-older-installations-token-0123456789",
    }


def test_an_older_data_folder_is_imported_once(
    issuer_app: AppFactory,  # noqa: F811
    database_url: str,
    tmp_path: Path,
) -> None:
    kek = Kek.generate().text()
    folder = tmp_path / "var" / "issuer"
    old = older_data_folder(folder, kek)
    upgraded = issuer_app(database_url, kek=kek, api_token=None, data_dir=folder)
    assert upgraded.state.identity.key.to_private_jwk() == old["jwk"]  # the same DID key
    assert upgraded.state.sessions.secret == old["secret"]  # its sessions stay signed in
    assert api_status(upgraded, old["token"]) == 200  # its token still works
    assert (folder / "api-token").read_text().strip() == old["token"]  # still shown there

    elsewhere = issuer_app(database_url, kek=kek, api_token=None, data_dir=tmp_path / "new")
    assert elsewhere.state.identity.key.to_private_jwk() == old["jwk"]  # from the database
    assert api_status(elsewhere, old["token"]) == 200
    _, cookie = upgraded.state.sessions.new("staff", FROZEN)
    assert elsewhere.state.sessions.read(cookie, FROZEN) is not None
    again = issuer_app(database_url, kek=kek, api_token=None, data_dir=folder)  # once
    assert again.state.identity.key.to_private_jwk() == old["jwk"]


def test_three_issuers_started_together_on_an_empty_database_make_one_set_of_secrets(
    postgres_url: str, tmp_path: Path
) -> None:
    with services() as running:
        for host in ("a", "b", "c"):
            process = ServiceProcess("issuer", postgres_url, tmp_path / host)
            process.env.pop("LER_ISSUER_TOKEN", None)  # the first start makes one
            process.env.pop("LER_ISSUER_DEMO", None)
            running.append(process)
        for process in running:  # all at the same moment
            process.start()
        for process in running:
            process.wait_ready(120)
        shown = [p for p in (tmp_path / h / "issuer" / "api-token" for h in "abc") if p.exists()]
        assert len(shown) == 1  # one token made, shown by the process that made it
        token = shown[0].read_text().strip()
        keys = [public_key(httpx.get(f"{p.url}/.well-known/did.json").json()) for p in running]
        assert keys[0] == keys[1] == keys[2]  # one installation key (each names its own URL)
        for process in running:
            answer = httpx.get(
                f"{process.url}/issuers/none/batches",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert answer.status_code == 404, answer.text  # past the door: the token is good
        first = running[0].url
        page = httpx.get(f"{first}/sign-in", timeout=10)
        anonymous = page.cookies["ler_issuer_session"]
        signed_in = httpx.post(
            f"{first}/sign-in",
            data={"csrf": csrf_of(page.text), "token": token, "next": "/"},
            headers={"Cookie": f"ler_issuer_session={anonymous}"},
            timeout=10,
        )
        assert signed_in.status_code == 303, signed_in.text
        staff = signed_in.cookies["ler_issuer_session"]
        for process in running[1:]:  # a staff page on the others, with the first's cookie
            answer = httpx.get(
                f"{process.url}/issuers/none/issued",
                headers={"Cookie": f"ler_issuer_session={staff}"},
                timeout=10,
            )
            assert answer.status_code == 404, answer.text  # staff: past the door
            stranger = httpx.get(f"{process.url}/issuers/none/issued", timeout=10)
            assert stranger.status_code == 303  # without the cookie: to sign-in
