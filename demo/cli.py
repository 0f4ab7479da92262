"""``ler demo``: run the story against the running services, or start them first.

    ler demo [--issuer-url URL] [--wallet-url URL] [--verifier-url URL]
             [--issuer-token T | --token-file FILE] [--start] [--no-selective-disclosure]

Exit codes: 0 every step gave the result the story says; 1 some step did not; 2 a service
cannot be reached or used (one line on stderr saying which and how to start it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demo.clients import (
    IssuerClient,
    UnexpectedAnswer,
    Unusable,
    VerifierClient,
    WalletClient,
)
from demo.story import STEPS, Log, Story
from servicekit.demo_seed import TOKEN_FILE, read_password

EXIT_OK, EXIT_STORY, EXIT_SERVICES = 0, 1, 2


def issuer_token(args: argparse.Namespace) -> str:
    """--issuer-token, else $LER_ISSUER_TOKEN, else the file the issuer generated."""
    if args.issuer_token:
        return str(args.issuer_token)
    if os.environ.get("LER_ISSUER_TOKEN") and not args.token_file:
        return os.environ["LER_ISSUER_TOKEN"]  # as the issuer reads it (issuer/settings.py)
    path = Path(
        args.token_file or Path(os.environ.get("LER_DATA_DIR", "var")) / "issuer" / "api-token"
    )
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise Unusable(
            f"no issuer API token: cannot read {path} ({exc.strerror}); "
            "give --issuer-token or --token-file"
        ) from None


def verifier_token_file(data_dir: Path) -> Path:
    return data_dir / "verifier" / TOKEN_FILE


def verifier_token(args: argparse.Namespace, data_dir: Path | None = None) -> str | None:
    """--verifier-token, else $LER_VERIFIER_TOKEN, else the demo employer's token that the
    verifier's demo seed wrote (None: there is none; the story says so once the services
    answer)."""
    if getattr(args, "verifier_token", None):
        return str(args.verifier_token)
    if os.environ.get("LER_VERIFIER_TOKEN"):
        return os.environ["LER_VERIFIER_TOKEN"]
    folder = data_dir or Path(os.environ.get("LER_DATA_DIR", "var"))
    return read_password(verifier_token_file(folder), "token")


@contextmanager
def _services(args: argparse.Namespace) -> Iterator[tuple[str, str, str, str]]:
    if not args.start:
        args.found_verifier_token = verifier_token(args)
        yield args.issuer_url, args.wallet_url, args.verifier_url, issuer_token(args)
        return
    from demo.servers import started

    with started() as running:
        args.found_verifier_token = verifier_token(args, running.data_dir)
        print(f"started issuer {running.issuer_url}, wallet {running.wallet_url}, "
              f"verifier {running.verifier_url} (data in {running.data_dir})")  # fmt: skip
        yield running.issuer_url, running.wallet_url, running.verifier_url, running.issuer_token


def run(args: argparse.Namespace) -> int:
    try:
        with _services(args) as (issuer_url, wallet_url, verifier_url, token):
            return _story(args, issuer_url, wallet_url, verifier_url, token)
    except Unusable as exc:
        print(f"ler demo: {exc}. Start the services with `make up` (or `ler up`), "
              "or run `ler demo --start`.", file=sys.stderr)  # fmt: skip
        return EXIT_SERVICES


def _story(args: argparse.Namespace, issuer_url: str, wallet_url: str, verifier_url: str,
           token: str) -> int:  # fmt: skip
    issuer, wallet = IssuerClient(issuer_url, token), WalletClient(wallet_url)
    verifier = VerifierClient(verifier_url, getattr(args, "found_verifier_token", None))
    try:
        for service in (issuer, wallet, verifier):
            service.ready()
        if verifier.token is None:
            where = verifier_token_file(Path(os.environ.get("LER_DATA_DIR", "var")))
            raise Unusable(
                f"no verifier API token: cannot read {where}; give --verifier-token "
                "(`ler tokens add` makes one)"
            )
        try:
            issuer.check_token()
        except UnexpectedAnswer as exc:
            raise Unusable(f"the issuer at {issuer_url} refused the API token ({exc})") from None
        print(f"LER demo: issuer {issuer_url}, wallet {wallet_url}, verifier {verifier_url}")
        story = Story(issuer, wallet, verifier, Log(), selective=args.selective)
        ok = story.run()
    finally:
        for service in (issuer, wallet, verifier):
            service.close()
    print("")
    if ok:
        print(f"ler demo: all {STEPS} steps gave the expected result")
        return EXIT_OK
    print(f"ler demo: {len(story.log.missed)} expectation(s) not met:")
    for missed in story.log.missed:
        print(f"  - {missed}")
    return EXIT_STORY
