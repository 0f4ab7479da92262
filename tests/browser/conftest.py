"""Browser test fixtures: the real services, and Debian's Chromium driven by Playwright.

* ``services``  (session) ``ler up`` in a subprocess on free ports, its data in a temporary
                folder, the issuer's staff token known; the landing page too once ``landing/``
                exists. Each service is a real uvicorn server reached over http://localhost,
                so the issuers' did:web documents and status lists are fetched for real by
                the wallet and the verifier (``ler up`` lets them use plain http to localhost).
* ``browser``   (pytest-playwright) Chromium from /usr/bin/chromium, never a downloaded build,
                with the flags that keep it off the network; ``browser_type_launch_args``
                below says how it starts. ``make test`` installs the Debian package.
* ``actor``     ``actor(name)``: a fresh browser context (its own cookies: staff, learner and
                employer never share a session) and a page in it whose console errors (a
                Content-Security-Policy violation is one), page errors, failed requests and
                requests to any host but this machine's are recorded in ``page.problems``
                (such requests are blocked, never sent).
* ``shoot``     ``shoot(page, name)``: a screenshot into build/screenshots/ (``make screenshots``:
                into examples/screenshots/, which the README shows).

The verifier's status list cache is off (``LER_STATUS_CACHE=0``, an operator setting) so a
revocation shows on the next verification rather than up to a minute later.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    FloatRect,
    Locator,
    Page,
    Request,
    Route,
    ViewportSize,
    expect,
)

from servicekit.demo_seed import STAFF_EMAIL, STAFF_FILE, read_password

ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to build/screenshots/ (not tracked), so a test run leaves the tree clean;
# `make screenshots` writes the README's copies into examples/screenshots/ instead.
SCREENSHOTS = ROOT / os.environ.get("LER_SCREENSHOTS", "build/screenshots")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
STAFF_TOKEN = "browser-staff-token-0123456789"
VIEWPORT: ViewportSize = {"width": 1100, "height": 800}
MAX_SHOT_HEIGHT = 1400
START_SECONDS = 90

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
expect.set_options(timeout=20_000)  # a shared, loaded machine: assertions wait up to 20 s


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (``-m "not browser"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


# --- the services ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Services:
    issuer: str
    wallet: str
    verifier: str
    landing: str | None  # None until the landing page exists
    staff_token: str
    data: Path | None = None  # `ler up`'s data folder (the demo seed's files)

    def employer_staff(self) -> tuple[str, str]:
        """The demo employer's staff member at the verifier: email and password (the
        verifier's demo seed wrote them to ``<data>/verifier/demo-staff.txt``)."""
        assert self.data is not None
        path = self.data / "verifier" / STAFF_FILE
        password = read_password(path)
        assert password, f"no demo staff password in {path}"
        return STAFF_EMAIL, password

    def main(self) -> dict[str, str]:
        found = {"issuer": self.issuer, "wallet": self.wallet, "verifier": self.verifier}
        if self.landing:
            found["landing"] = self.landing
        return found


def _owns_ports(data: Path, process: subprocess.Popen[bytes]) -> bool:
    """``ler up`` wrote ``urls.json`` once its port check passed (so the services that
    answer are ours, not another run's on the same ports); False when it exited first."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if (data / "urls.json").exists():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def _free_base_port(taken: Collection[int] = ()) -> int:
    """A base port that is free, with the next three (``ler up``: landing, then +1..+3);
    ``make up``'s own 8000 when it is free, so the screenshots show the README's addresses."""
    # 8000 only for `make screenshots`: other runs on this machine may hold it meanwhile
    first = (8000,) if "LER_SCREENSHOTS" in os.environ else ()
    for base in (*first, *range(31_000, 60_000, 10)):
        if base in taken:
            continue
        try:
            for offset in range(4):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no four free ports in a row")


def _wait_for(url: str, deadline: float, process: subprocess.Popen[bytes]) -> None:
    while True:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"`ler up` exited with {process.returncode} before {url} answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in {START_SECONDS} s")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    """``ler up`` on free ports with a fresh data folder; stopped with Ctrl-C at the end."""
    data = Path(tempfile.mkdtemp(prefix="ler-browser-"))
    env = {
        **os.environ,
        "LER_DATA_DIR": str(data),
        "LER_ISSUER_TOKEN": STAFF_TOKEN,
        "LER_STATUS_CACHE": "0",
        "LER_WALLET_RECHECK_INTERVAL": "0",
        # the machine may be shared and loaded: generous outbound timeouts (what is tested is
        # what the pages do, not how fast; a verification took 5.8 s under load 18)
        "LER_WALLET_FETCH_TIMEOUT": "30",
        "LER_FETCH_TIMEOUT": "30",
        "LER_STATS_TIMEOUT": "15",
        "PYTHONPATH": str(ROOT),
    }
    log = (data / "ler-up.log").open("wb")
    taken: set[int] = set()
    for _attempt in range(5):  # another run on this machine may take the ports meanwhile
        base = _free_base_port(taken)
        urls = [f"http://localhost:{base + offset}" for offset in range(4)]
        for name, url in zip(("landing", "issuer", "wallet", "verifier"), urls, strict=True):
            env[f"LER_{name.upper()}_URL"] = url
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "ler.cli", "up", "--port", str(base)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        ]
        if _owns_ports(data, processes[0]):
            break
        taken.add(base)  # `ler up` found a port busy (exit 2): try others
    else:
        raise RuntimeError("`ler up` found its ports busy five times")
    try:
        deadline = time.monotonic() + START_SECONDS
        for url in urls[1:]:
            _wait_for(f"{url}/healthz", deadline, processes[0])
        landing = None
        if (ROOT / "landing" / "app.py").exists():
            if not _answers(f"{urls[0]}/", time.monotonic() + 10):  # `ler up` without it
                processes.append(_uvicorn("landing", base, env, log))
            _wait_for(f"{urls[0]}/", deadline, processes[-1])
            landing = urls[0]
        yield Services(urls[1], urls[2], urls[3], landing, STAFF_TOKEN, data)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _answers(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2).status_code < 500
        except httpx.TransportError:
            time.sleep(0.2)
    return False


def _uvicorn(name: str, port: int, env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    """One service as ``ler up`` starts it: ``<name>.app:create_app`` under uvicorn."""
    command = [sys.executable, "-m", "uvicorn", f"{name}.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def employer_signs_in(page: Page, services: Services, next_path: str = "/jobs") -> None:
    """The demo employer's staff member signs in at the verifier (its staff pages are
    closed to strangers) and lands on ``next_path``."""
    email, password = services.employer_staff()
    page.goto(f"{services.verifier}{next_path}")  # a stranger is sent to the sign-in page
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{services.verifier}{next_path}")


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments: Debian's Chromium, off the network."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@dataclass
class Problems:
    """What went wrong on a page: the console test asserts this stays empty."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console]
            + [f"request failed: {m}" for m in self.failed]
            + [f"blocked, not on this machine: {m}" for m in self.outside]
        )


def _watch(page: Page, problems: Problems) -> None:
    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.console.append(f"{page.url}: {message.text}")

    def on_failed(request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and request.resource_type != "document":
            return  # a stylesheet still loading when the test moved on: cancelled, not failed
        if urlsplit(request.url).hostname in LOCAL_HOSTS:
            problems.failed.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.failed.append(f"{response.request.method} {response.url}: {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.console.append(f"{page.url}: {error}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)


Actor = Callable[[str], Page]


@pytest.fixture
def actor(browser: Browser) -> Iterator[Actor]:
    """``actor(name)``: a page in a fresh context; ``page.problems`` records what went wrong."""
    contexts = []

    def make(name: str) -> Page:
        context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC")
        context.set_default_timeout(30_000)
        problems = Problems()

        def guard(route: Route) -> None:
            url = route.request.url
            scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
            if scheme in ("data", "blob", "about") or host in LOCAL_HOSTS:
                route.continue_()
            else:
                problems.outside.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", guard)
        page = context.new_page()
        _watch(page, problems)
        page.problems = problems  # type: ignore[attr-defined]
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def problems_of(page: Page) -> Problems:
    found: Problems = page.problems  # type: ignore[attr-defined]
    return found


class Shoot(Protocol):
    def __call__(self, page: Page, name: str, *, part: Locator | None = None) -> Path: ...


@pytest.fixture
def shoot() -> Shoot:
    """``shoot(page, name)``: the top of the page (at most MAX_SHOT_HEIGHT pixels, no empty
    space below a short page) as <SCREENSHOTS>/<name>.png; with ``part``, the page
    from that element's top down (at most MAX_SHOT_HEIGHT pixels)."""

    def take(page: Page, name: str, *, part: Locator | None = None) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        height = page.evaluate("document.documentElement.scrollHeight")
        top = 0.0
        if part is not None:
            box = part.bounding_box()
            assert box is not None, f"{name}: the element to shoot is not on the page"
            scrolled = page.evaluate("window.scrollY")
            top = max(box["y"] + scrolled - 16, 0)
        clip: FloatRect = {
            "x": 0,
            "y": top,
            "width": VIEWPORT["width"],
            "height": min(height - top, MAX_SHOT_HEIGHT),
        }
        page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
        return path

    return take
