"""Issue 18 end to end in Chromium, over real servers: the college sends a nursing credential
to the learner's wallet through the Open Badges 3.0 API ("send to my backpack": the learner
consents at the wallet), the learner sees it verified there, and a second wallet instance (its
own process and database) imports it from the first through the same API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, Actor, Services, Shoot, problems_of

COLLEGE = "community-college"
NURSING_1 = "Fundamentals of Nursing I"
PASSWORD = "a long and memorable passphrase"
EMAIL = "backpack@example.org"


def _sign_up(page: Page, wallet: str) -> None:
    page.goto(f"{wallet}/sign-up")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_text(f"Signed in as {EMAIL}")).to_be_visible()


def _sign_in_if_asked(page: Page) -> None:
    """A redirect from another site (127.0.0.1 and localhost are two sites) leaves a
    SameSite=Strict session cookie behind: the wallet asks to sign in, then goes on."""
    page.wait_for_load_state("networkidle")
    if page.get_by_role("heading", name="Sign in").count():
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _second_wallet(log_dir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    # 127.0.0.1, not localhost: cookies tell hosts apart, not ports, and both wallets name
    # their session cookie alike
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LER_DATA_DIR": str(log_dir), "LER_WALLET_URL": url,
           "LER_WALLET_ALLOW_HTTP_LOCALHOST": "1", "LER_WALLET_RECHECK_INTERVAL": "0",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    log = log_dir / "wallet-2.log"
    command = [sys.executable, "-m", "uvicorn", "wallet.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return url, process
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the second wallet did not start")


def test_send_to_backpack_then_import_into_a_second_wallet(
    services: Services, actor: Actor, shoot: Shoot
) -> None:
    issuer, wallet = services.issuer, services.wallet
    staff = actor("backpack-staff")
    staff.goto(f"{issuer}/sign-in?next=/issuers/{COLLEGE}/issue")
    staff.get_by_label("API token").fill(services.staff_token)
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_label("Achievement").select_option(label=NURSING_1)
    staff.get_by_label("Offer to the learner's wallet").check()
    staff.get_by_role("button", name="Issue").click()
    expect(staff.get_by_role("heading", name="Credential offer")).to_be_visible()
    backpack_link = staff.get_by_role("link", name="send to my backpack").get_attribute("href")
    assert backpack_link is not None

    learner = actor("backpack-learner")
    _sign_up(learner, wallet)
    learner.goto(backpack_link if backpack_link.startswith("http") else issuer + backpack_link)
    learner.get_by_label("Your backpack's address").fill(wallet)
    learner.get_by_label("Your email address there").fill(EMAIL)
    learner.get_by_role("button", name="Send to my backpack").click()
    # at the wallet: the consent page names the college and what it may do
    expect(learner.get_by_role("heading", level=1)).to_contain_text("to use your wallet?")
    expect(learner.get_by_text("add Open Badges to your wallet")).to_be_visible()
    shoot(learner, "ob-backpack-consent")
    learner.get_by_role("button", name="Allow").click()
    expect(learner.get_by_text("now holds your credential")).to_be_visible()
    learner.goto(f"{wallet}/credentials")
    expect(learner.get_by_text(NURSING_1).first).to_be_visible()
    expect(learner.get_by_text("Verified").first).to_be_visible()
    shoot(learner, "ob-backpack-in-the-wallet")

    with tempfile.TemporaryDirectory(prefix="ler-wallet-2-") as folder:
        second, process = _second_wallet(Path(folder))
        try:
            _sign_up(learner, second)
            learner.goto(f"{second}/import/ob")
            learner.get_by_label("The other host's address").fill(wallet)
            learner.get_by_role("button", name="Continue to that host").click()
            _sign_in_if_asked(learner)  # at the first wallet
            expect(learner.get_by_text("read the Open Badges in your wallet")).to_be_visible()
            learner.get_by_role("button", name="Allow").click()
            _sign_in_if_asked(learner)  # back at the second
            expect(learner.get_by_text("1 credential imported")).to_be_visible()
            shoot(learner, "ob-import-done")
            learner.goto(f"{second}/credentials")
            expect(learner.get_by_text(NURSING_1).first).to_be_visible()
        finally:
            process.terminate()
            process.wait(timeout=20)
    problems = problems_of(learner)
    assert problems.console == [] and problems.outside == [], problems.all()
