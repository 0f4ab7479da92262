"""The wallet as an Open Badges Service Consumer (Read): a second wallet instance imports a
learner's badges and profile from the first through the OB 3.0 API (discover, register,
the learner's consent at the first, code exchange with PKCE, paging), each verified on
arrival; the conformance guide's Service Consumer (Read) tests as our own."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, ISSUER_HOST, WalletFactory, browser, csrf, sign_up
from tests.wallet.held import issue, issuer_client
from tests.wallet.host.rfc_client import ALL, ObClient, bearer
from wallet import store
from wallet.host.importing import LEASE, LEASE_SECONDS

FIRST = "https://wallet-a.test"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _consent(page: Any, learner: TestClient, decision: str = "allow") -> Any:
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    action, inner = next((a, f) for a, f in forms if 'name="decision"' in f)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', inner))
    fields = {k: v.replace("&amp;", "&").replace("&#34;", '"') for k, v in fields.items()}
    return learner.post(action, data=fields | {"decision": decision}, follow_redirects=False)


def _two_wallets(wallet_app: WalletFactory, issuer_service: FastAPI) -> tuple[FastAPI, FastAPI]:
    first = wallet_app(base_url=FIRST, apps={ISSUER_HOST: issuer_service})
    second = wallet_app(apps={ISSUER_HOST: issuer_service, "wallet-a.test": first})
    return first, second


def test_a_second_wallet_imports_from_the_first(
    wallet_app: WalletFactory, issuer_service: FastAPI
) -> None:
    first, second = _two_wallets(wallet_app, issuer_service)
    at_first = sign_up(TestClient(first, base_url=FIRST), ALICE)
    platform = ObClient(TestClient(first, base_url=FIRST))
    tokens = platform.tokens(at_first, ALL)
    issuer = issuer_client(issuer_service)
    by_email = [issue(issuer, "eddsa-rdfc-2022", recipient={"email": ALICE})["credential"]
                for _ in range(3)]  # fmt: skip
    by_jwt = issue(issuer, "vc-jwt", recipient={"email": ALICE})["credential"]
    with first.state.inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, ALICE)
    assert account is not None
    by_did = issue(issuer, "eddsa-rdfc-2022", recipient={"did": account.did})["credential"]
    for credential in (*by_email, by_jwt, by_did):
        sent: dict[str, Any] = (
            {"json": credential} if isinstance(credential, dict)
            else {"content": credential, "headers": {"content-type": "text/plain"}}
        )  # fmt: skip
        sent["headers"] = bearer(tokens["access_token"]) | sent.get("headers", {})
        assert platform.api.post("/ims/ob/v3p0/credentials", **sent).status_code == 201

    # the learner, at the second wallet: import from the first
    at_second = sign_up(browser(second), ALICE)
    page = at_second.get("/import/ob")
    assert page.status_code == 200
    started = at_second.post("/import/ob", data={"csrf": csrf(at_second), "host": FIRST},
                             follow_redirects=False)  # fmt: skip
    assert started.status_code == 303, started.text
    authorize = started.headers["location"]
    assert authorize.startswith(FIRST + "/oauth/authorize?")
    # at the first wallet: the consent page names the second wallet, and read access only
    consent_page = at_first.get(_path(authorize))
    assert "LER wallet (import)" in consent_page.text
    assert "read the Open Badges in your wallet" in consent_page.text
    assert "add Open Badges" not in consent_page.text
    back = _consent(consent_page, at_first)
    assert back.status_code == 303 and back.headers["location"].startswith(
        "https://wallet.test/import/ob/callback?"
    )
    done = at_second.get(_path(back.headers["location"]))
    assert done.status_code == 200, done.text
    assert "4 credentials imported" in done.text
    assert "about someone else" in done.text  # the DID-bound one is Alice's DID at the first
    with second.state.inst.db.transaction() as tx:
        mine = store.get_account_by_email(tx, ALICE)
        assert mine is not None
        held = store.list_credentials(tx, mine.id)
    # as the first served them: each JSON-LD one with its proof as a one-item list
    served = [
        c | {"proof": [c["proof"]]} if isinstance(c, dict) else c for c in (*by_email, by_jwt)
    ]
    assert sorted(r.content_hash for r in held) == sorted(map(store.credential_hash, served))
    assert {r.verdict for r in held} == {"verified"}
    assert {r.source for r in held} == {"ob-import:LER wallet"}
    # the same answer again imports nothing twice
    again = at_second.get(_path(back.headers["location"]))
    assert "4 credentials imported" in again.text
    with second.state.inst.db.transaction() as tx:
        assert len(store.list_credentials(tx, mine.id)) == 4


def test_paging_across_pages(wallet_app: WalletFactory, issuer_service: FastAPI) -> None:
    """More credentials than one page of the consumer (it follows rel="next")."""
    from wallet.host import importing

    first, second = _two_wallets(wallet_app, issuer_service)
    at_first = sign_up(TestClient(first, base_url=FIRST), ALICE)
    platform = ObClient(TestClient(first, base_url=FIRST))
    tokens = platform.tokens(at_first, ALL)
    issuer = issuer_client(issuer_service)
    count = 5
    original = importing.PAGE_SIZE
    importing.PAGE_SIZE = 2
    try:
        for _ in range(count):
            credential = issue(issuer, "eddsa-rdfc-2022", recipient={"email": ALICE})["credential"]
            answer = platform.api.post("/ims/ob/v3p0/credentials", json=credential,
                                       headers=bearer(tokens["access_token"]))  # fmt: skip
            assert answer.status_code == 201
        at_second = sign_up(browser(second), ALICE)
        started = at_second.post("/import/ob", data={"csrf": csrf(at_second), "host": FIRST},
                                 follow_redirects=False)  # fmt: skip
        back = _consent(at_first.get(_path(started.headers["location"])), at_first)
        done = at_second.get(_path(back.headers["location"]))
    finally:
        importing.PAGE_SIZE = original
    assert f"{count} credentials imported" in done.text


def test_refusals_and_a_denied_consent(wallet_app: WalletFactory, issuer_service: FastAPI) -> None:
    first, second = _two_wallets(wallet_app, issuer_service)
    at_first = sign_up(TestClient(first, base_url=FIRST), ALICE)
    at_second = sign_up(browser(second), ALICE)
    # not a host: the issuer answers no discovery
    refused = at_second.post(
        "/import/ob", data={"csrf": csrf(at_second), "host": "https://issuer.test"}
    )
    assert refused.status_code == 422 and "not an Open Badges host" in refused.text
    not_a_url = at_second.post("/import/ob", data={"csrf": csrf(at_second), "host": "wallet-a"})
    assert not_a_url.status_code == 422
    # the learner says no at the first wallet: nothing is imported, and the page says why
    started = at_second.post("/import/ob", data={"csrf": csrf(at_second), "host": FIRST},
                             follow_redirects=False)  # fmt: skip
    page = at_first.get(_path(started.headers["location"]))
    denied = _consent(page, at_first, decision="deny")
    done = at_second.get(_path(denied.headers["location"]))
    assert "did not happen" in done.text and "did not allow" in done.text
    # an answer for an import that is not this learner's
    bob = sign_up(browser(second), "bob@example.org")
    assert bob.get(_path(denied.headers["location"])).status_code == 404


def _killed_holder() -> str:
    """The lease holder name of a process that was killed (``kill -9``) on this host: a
    real process names itself as every holder does, then is killed before letting go."""
    code = (
        "import time; from servicekit import leases; "
        "print(leases.holder_id(), flush=True); time.sleep(60)"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        holder = child.stdout.readline().strip()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert holder
    return holder


def test_an_import_whose_process_died_says_so_and_starts_again(
    wallet_app: WalletFactory, issuer_service: FastAPI
) -> None:
    """The process that claimed the import (the host's one-time code spent) was killed
    mid-import: the callback, opened again, says the import did not finish and offers to
    start again; starting again imports. A live holder's import is still "under way"."""
    from servicekit import leases
    from wallet.store import oauth as oauth_store

    first, second = _two_wallets(wallet_app, issuer_service)
    at_first = sign_up(TestClient(first, base_url=FIRST), ALICE)
    platform = ObClient(TestClient(first, base_url=FIRST))
    tokens = platform.tokens(at_first, ALL)
    credential = issue(issuer_client(issuer_service), "eddsa-rdfc-2022",
                       recipient={"email": ALICE})["credential"]  # fmt: skip
    assert platform.api.post("/ims/ob/v3p0/credentials", json=credential,
                             headers=bearer(tokens["access_token"])).status_code == 201  # fmt: skip
    at_second = sign_up(browser(second), ALICE)

    def started() -> str:
        go = at_second.post("/import/ob", data={"csrf": csrf(at_second), "host": FIRST},
                            follow_redirects=False)  # fmt: skip
        assert go.status_code == 303, go.text
        consent_page = at_first.get(_path(go.headers["location"]))
        return _path(_consent(consent_page, at_first).headers["location"])

    def left_importing(holder: str) -> None:
        """The database as a process leaves it that claimed the import (in one
        transaction, as :func:`wallet.host.importing.finish` does) and then stopped."""
        now = time.time()
        with second.state.inst.db.transaction() as tx:
            [row] = tx.all("SELECT id FROM host_imports WHERE status = 'authorizing'")
            assert oauth_store.claim_import(tx, row["id"])
            assert leases.claim(tx, LEASE, row["id"], holder, until=now + LEASE_SECONDS, now=now)

    # a live holder (this process, still running it): under way
    back = started()
    left_importing(leases.holder_id())
    assert "under way" in at_second.get(back).text
    # a holder killed mid-import: the page says so, and offers to start again
    back = started()
    left_importing(_killed_holder())
    page = at_second.get(back)
    assert page.status_code == 200
    assert "did not finish" in page.text and "under way" not in page.text
    again = re.search(r'<form method="post" action="/import/ob">(.*?)</form>', page.text, re.S)
    assert again is not None and f'name="host" value="{FIRST}"' in again.group(1)
    assert "Start the import again" in again.group(1)
    assert "did not finish" in at_second.get(back).text  # a reload says the same
    # starting again imports
    done = at_second.get(started())
    assert "1 credential imported" in done.text, done.text
    with second.state.inst.db.transaction() as tx:
        statuses = sorted(r["status"] for r in tx.all("SELECT status FROM host_imports"))
        running = tx.all("SELECT id FROM host_imports WHERE status = 'importing'")
        kept = tx.all("SELECT id FROM leases WHERE kind = ?", (LEASE,))
    assert statuses == ["done", "failed", "importing"]
    assert kept == running  # the finished and the interrupted imports let go of their leases
