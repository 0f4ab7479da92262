"""Learner accounts over HTTP: sign up (argon2id), sign in and out, CSRF, the session
cookie, deleting an account with everything in it, and the export, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from servicekit.sessions import Sessions, account_subject
from tests.wallet.conftest import (
    ALICE,
    BOB,
    FROZEN,
    PASSWORD,
    WalletFactory,
    account_id_of,
    browser,
    csrf,
    csrf_of,
    sign_in,
    sign_up,
)
from vckit.did.resolver import DidResolver
from vckit.keys.keypair import KeyPair
from wallet import accounts, store
from wallet.errors import ConflictError, InvalidInputError, SignInRefused
from wallet.store import ACCOUNT_TABLES, oauth
from wallet.store.accounts import NOT_EXPORTED
from wallet.web.deps import COOKIE

HTML = "text/html"


def account_row(app: FastAPI, email: str) -> dict[str, Any] | None:
    with app.state.inst.db.transaction() as tx:
        return tx.one("SELECT * FROM accounts WHERE email = ?", (email,))


def count_accounts(app: FastAPI) -> int:
    with app.state.inst.db.transaction() as tx:
        row = tx.one("SELECT COUNT(*) AS n FROM accounts")
    assert row is not None
    return int(row["n"])


# --- sign up -------------------------------------------------------------------------------------


def test_sign_up_hashes_with_argon2id_and_makes_a_holder_did(
    wallet_app: WalletFactory, database_url: str
) -> None:
    app = wallet_app(database_url)
    client = sign_up(browser(app), "  Alice@Example.ORG ")
    row = account_row(app, ALICE)  # normalised: trimmed, lower case
    assert row is not None
    assert row["password_hash"].startswith("$argon2id$v=19$")
    assert PASSWORD not in row["password_hash"]
    assert row["did"].startswith("did:key:z6Mk")  # Ed25519 Multikey
    holder = KeyPair.from_private_jwk(_record(app).holder_jwk)
    # the did:key resolves (no network) to the stored holder key
    method = accounts.holder_method(_record(app))
    _, resolved = DidResolver(lambda url: b"").resolve_method(method)
    assert resolved.public_key.to_jwk() == holder.public.to_jwk()
    page = client.get("/account")
    assert page.status_code == 200 and ALICE in page.text and row["did"] in page.text


def _record(app: FastAPI) -> store.AccountRecord:
    with app.state.inst.db.transaction() as tx:
        found = store.get_account_by_email(tx, ALICE)
    assert found is not None
    return found


def test_two_learners_get_two_keys(app: FastAPI) -> None:
    sign_up(browser(app), ALICE)
    sign_up(browser(app), BOB)
    alice, bob = account_row(app, ALICE), account_row(app, BOB)
    assert alice and bob and alice["did"] != bob["did"]
    assert alice["password_hash"] != bob["password_hash"]  # salted


def post_sign_up(client: TestClient, **fields: str) -> Any:
    page = client.get("/sign-up")
    data = {"csrf": csrf_of(page.text), "email": ALICE, "password": PASSWORD}
    data["password_again"] = fields.get("password", PASSWORD)
    data.update(fields)
    return client.post("/sign-up", data=data, follow_redirects=False)


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"password": "too-short"}, 422, "at least 10 characters"),
        ({"password_again": "something else entirely"}, 422, "The two passwords differ"),
        ({"email": "not-an-email"}, 422, "enter an email address"),
        ({"email": "two@@example.org"}, 422, "enter an email address"),
        ({"password": "x" * 1025}, 422, "at most 1024"),
    ],
    ids=["short-password", "passwords-differ", "no-at", "two-ats", "huge-password"],
)
def test_sign_up_refuses_bad_input(
    app: FastAPI, fields: dict[str, str], status: int, text: str
) -> None:
    response = post_sign_up(browser(app), **fields)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(HTML)
    assert text in response.text
    assert count_accounts(app) == 0
    assert "account:" not in (response.cookies.get(COOKIE) or "")


def test_duplicate_email_is_refused_whatever_its_case(
    wallet_app: WalletFactory, database_url: str
) -> None:
    app = wallet_app(database_url)
    sign_up(browser(app), ALICE)
    response = post_sign_up(browser(app), email="ALICE@example.org")
    assert response.status_code == 409
    assert "exists already" in response.text
    assert count_accounts(app) == 1


def test_use_cases_refuse_directly(app: FastAPI) -> None:
    inst = app.state.inst
    accounts.sign_up(inst, ALICE, PASSWORD)
    with pytest.raises(ConflictError):
        accounts.sign_up(inst, ALICE, PASSWORD)
    with pytest.raises(InvalidInputError):
        accounts.sign_up(inst, BOB, "short")
    with pytest.raises(SignInRefused):
        accounts.sign_in(inst, ALICE, PASSWORD + "!")
    with pytest.raises(SignInRefused):
        accounts.sign_in(inst, "nobody@example.org", PASSWORD)
    with pytest.raises(SignInRefused):
        accounts.sign_in(inst, "", PASSWORD)
    assert accounts.sign_in(inst, " ALICE@example.org", PASSWORD).email == ALICE


# --- sign in -------------------------------------------------------------------------------------


def test_sign_in_opens_a_new_session(app: FastAPI) -> None:
    sign_up(browser(app), ALICE)
    client = browser(app)
    client.get("/sign-in")
    anonymous = client.cookies[COOKIE]
    response = sign_in(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/credentials"
    signed_in = client.cookies[COOKIE]
    assert ".account:" in signed_in and ".anonymous." in anonymous
    assert signed_in.split(".")[1] != anonymous.split(".")[1]  # a new id: no fixation
    assert ALICE in client.get("/account").text


@pytest.mark.parametrize(
    ("email", "password"),
    [(ALICE, PASSWORD + "x"), ("nobody@example.org", PASSWORD), ("", "")],
    ids=["wrong-password", "unknown-email", "empty"],
)
def test_wrong_sign_in_is_refused_with_one_message(app: FastAPI, email: str, password: str) -> None:
    sign_up(browser(app), ALICE)
    client = browser(app)
    response = sign_in(client, email, password)
    assert response.status_code == 401
    assert "That email and password do not match an account" in response.text
    assert ".account:" not in client.cookies.get(COOKIE, "")
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_sign_in_goes_back_only_to_a_local_page(app: FastAPI) -> None:
    sign_up(browser(app), ALICE)
    client = browser(app)
    for target, expected in [
        ("/account", "/account"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        page = client.get("/sign-in")
        data = {"csrf": csrf_of(page.text), "email": ALICE, "password": PASSWORD, "next": target}
        response = client.post("/sign-in", data=data, follow_redirects=False)
        assert response.headers["location"] == expected, target


@pytest.mark.parametrize("path", ["/account", "/account/export", "/account/delete"])
def test_learner_pages_send_a_visitor_to_sign_in(app: FastAPI, path: str) -> None:
    response = browser(app).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?next={path.replace('/', '%2F')}"


# --- the session cookie and CSRF -----------------------------------------------------------------


def test_session_cookie_is_secure_httponly_samesite_strict(app: FastAPI) -> None:
    client = browser(app)
    page = client.get("/sign-up")
    response = client.post(
        "/sign-up",
        data={
            "csrf": csrf_of(page.text),
            "email": ALICE,
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        follow_redirects=False,
    )
    header = response.headers["set-cookie"]
    assert header.startswith(f"{COOKIE}=")
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    assert client.get("/account").headers["cache-control"] == "no-store"


def test_the_wallet_cookie_is_not_the_issuers() -> None:
    assert COOKIE == "ler_wallet_session"
    assert Sessions(b"k" * 32, cookie=COOKIE).cookie != Sessions(b"k" * 32).cookie


def test_account_sessions_name_the_account_and_epoch() -> None:
    sessions = Sessions(b"k" * 32, cookie=COOKIE)
    session, cookie = sessions.new(account_subject("abc123", 4), FROZEN)
    read = sessions.read(cookie, FROZEN)
    assert read == session and read is not None
    assert read.account == ("abc123", 4) and read.role == "account" and not read.staff
    assert sessions.read(cookie.replace(":4.", ":5."), FROZEN) is None  # tampered epoch
    assert sessions.read(cookie, FROZEN + timedelta(hours=9)) is None  # expired
    with pytest.raises(ValueError):
        sessions.new("account:a.b:1", FROZEN)  # a dot would break the cookie format


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/sign-up", {"email": BOB, "password": PASSWORD, "password_again": PASSWORD}),
        ("/sign-in", {"email": ALICE, "password": PASSWORD}),
        ("/sign-out", {}),
        ("/account/delete", {"password": PASSWORD}),
    ],
    ids=["sign-up", "sign-in", "sign-out", "delete-account"],
)
@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_every_form_refuses_a_missing_or_wrong_csrf_token(
    app: FastAPI, path: str, fields: dict[str, str], token: str
) -> None:
    client = sign_up(browser(app), ALICE)
    data = dict(fields)
    if token == "wrong":
        data["csrf"] = csrf_of(sign_up(browser(app), "carol@example.org").get("/account").text)
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "Form refused" in response.text
    assert account_row(app, ALICE) is not None  # nothing deleted
    assert account_row(app, BOB) is None  # nobody signed up
    assert ALICE in client.get("/account").text  # still signed in


def test_sign_out_ends_every_session_of_the_account(app: FastAPI) -> None:
    client = sign_up(browser(app), ALICE)
    other_browser = browser(app)
    assert sign_in(other_browser).status_code == 303
    stolen = client.cookies[COOKIE]
    response = client.post("/sign-out", data={"csrf": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert COOKIE not in client.cookies
    for cookie_jar in (other_browser, TestClient(app, base_url="https://wallet.test")):
        if cookie_jar is not other_browser:
            cookie_jar.cookies.set(COOKIE, stolen, domain="wallet.test")
        assert cookie_jar.get("/account", follow_redirects=False).status_code == 303
    assert sign_in(browser(app)).status_code == 303  # signing in again works


# --- delete the account --------------------------------------------------------------------------


def seed(app: FastAPI, account_id: str, tag: str) -> None:
    """One row in every table of the account, each marked with ``tag``."""
    inst = app.state.inst
    now = inst.stamp()
    with inst.db.transaction() as tx:
        credential = store.add_credential(
            tx,
            account_id,
            {"id": f"urn:{tag}:credential", "name": f"{tag} badge"},
            format="ldp_vc",
            source="upload",
            received_at=now,
            report={"verdict": "verified", "tag": tag},
            verdict="verified",
            checked_at=now,
        )
        store.add_credential(
            tx, account_id, f"eyJ{tag}.jwt.sig", format="jwt_vc_json", source="paste",
            received_at=now,
        )  # fmt: skip
        presentation = store.add_presentation(
            tx, account_id, {"id": f"urn:{tag}:vp"}, created=now, audience=f"{tag}.example"
        )
        store.add_share_link(
            tx, account_id, f"{tag}-secret-token", presentation_id=presentation.id,
            expires_at=now, created=now,
        )  # fmt: skip
        store.add_share_log(
            tx, account_id, kind="openid4vp", recipient=f"{tag}.example",
            credential_ids=[credential.id], at=now,
        )  # fmt: skip
        store.add_offer(tx, account_id, {"credential_issuer": f"https://{tag}.example"},
                        state="pending", created=now)  # fmt: skip
        store.add_request(
            tx, account_id, kind="openid4vp", request={"client_id": f"{tag}.example"},
            nonce=f"{tag}-nonce", state="pending", created=now,
        )  # fmt: skip
        store.add_recheck_job(tx, account_id, [credential.id], state="queued", created=now)
        # the Open Badges host: a client, the learner's grant to it, a code, a token, a
        # profile, an import from another host
        oauth.add_client(tx, f"client-{tag}", None, "none", {"client_name": tag}, now)
        oauth.add_grant(tx, f"grant-{tag}", account_id, f"client-{tag}", "scope", now)
        client, grant = f"client-{tag}", f"grant-{tag}"
        code = oauth.CodeRecord(f"code-{tag}", grant, account_id, client, "", "c", "s", now, None)
        oauth.add_code(tx, code)
        token = oauth.TokenRecord(
            f"token-{tag}", "access", grant, account_id, client, "s", now, None
        )
        oauth.add_token(tx, token)
        oauth.put_profile(tx, account_id, {"name": f"{tag} profile"}, now)
        oauth.add_import(tx, f"import-{tag}", account_id, f"{tag}.example", f"state-{tag}",
                         {"client_secret": f"{tag}-secret"}, {}, now)  # fmt: skip


def rows_per_table(app: FastAPI, account_id: str) -> dict[str, int]:
    counts = {}
    with app.state.inst.db.transaction() as tx:
        for table in ACCOUNT_TABLES:
            row = tx.one(f"SELECT COUNT(*) AS n FROM {table} WHERE account_id = ?", (account_id,))
            assert row is not None
            counts[table] = int(row["n"])
        row = tx.one("SELECT COUNT(*) AS n FROM accounts WHERE id = ?", (account_id,))
        assert row is not None
        counts["accounts"] = int(row["n"])
    return counts


def test_delete_account_removes_every_row_and_only_its_own(
    wallet_app: WalletFactory, database_url: str
) -> None:
    app = wallet_app(database_url)
    alice_browser = sign_up(browser(app), ALICE)
    bob_browser = sign_up(browser(app), BOB)
    alice, bob = account_id_of(app, ALICE), account_id_of(app, BOB)
    seed(app, alice, "alice")
    seed(app, bob, "bob")
    every_table_full = {table: 1 for table in ACCOUNT_TABLES} | {"credentials": 2, "accounts": 1}
    assert rows_per_table(app, alice) == every_table_full

    page = alice_browser.get("/account/delete")
    assert "2 credentials" in page.text and "1 share link" in page.text
    wrong = alice_browser.post(
        "/account/delete", data={"csrf": csrf_of(page.text), "password": "not my password"}
    )
    assert wrong.status_code == 403 and "nothing was deleted" in wrong.text
    assert rows_per_table(app, alice) == every_table_full

    response = alice_browser.post(
        "/account/delete", data={"csrf": csrf_of(page.text), "password": PASSWORD}
    )
    assert response.status_code == 200 and "Account deleted" in response.text
    assert set(rows_per_table(app, alice).values()) == {0}
    assert rows_per_table(app, bob) == every_table_full
    assert COOKIE not in alice_browser.cookies
    assert sign_in(browser(app), ALICE).status_code == 401
    assert BOB in bob_browser.get("/account").text


# --- export --------------------------------------------------------------------------------------


def test_export_holds_everything_of_the_learner_and_nothing_of_another(
    wallet_app: WalletFactory, database_url: str
) -> None:
    app = wallet_app(database_url)
    client = sign_up(browser(app), ALICE)
    sign_up(browser(app), BOB)
    alice, bob = account_id_of(app, ALICE), account_id_of(app, BOB)
    seed(app, alice, "alice")
    seed(app, bob, "bob")
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["account"]["email"] == ALICE and data["account"]["id"] == alice
    assert data["account"]["did"] == account_row(app, ALICE)["did"]  # type: ignore[index]
    assert "d" not in data["account"]["holderPublicKeyJwk"]
    exported = [table for table in ACCOUNT_TABLES if table not in NOT_EXPORTED]
    assert {len(data[table]) for table in exported if table != "credentials"} == {1}
    assert NOT_EXPORTED.isdisjoint(data)  # hashes of applications' short-lived secrets
    assert "alice-secret" not in response.text  # an import's sealed secrets stay in
    documents = [credential["document"] for credential in data["credentials"]]
    assert {"id": "urn:alice:credential", "name": "alice badge"} in documents
    assert "eyJalice.jwt.sig" in documents
    reports = [credential["report"] for credential in data["credentials"]]
    assert {"verdict": "verified", "tag": "alice"} in reports
    assert data["presentations"][0]["document"] == {"id": "urn:alice:vp"}
    (logged,) = data["share_log"][0]["credential_ids"]
    assert logged in {credential["id"] for credential in data["credentials"]}
    text = response.text
    assert "bob" not in text and bob not in text
    assert "$argon2id$" not in text
    row = account_row(app, ALICE)
    assert row is not None and _record(app).holder_jwk["d"] not in text
