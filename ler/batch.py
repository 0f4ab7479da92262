"""``ler batch``: upload a CSV to an issuer's HTTP API and follow it with a progress bar.

    ler batch FILE.csv --issuer-url http://localhost:8001 --issuer SLUG --achievement ID
              [--token TOKEN] [--format eddsa-rdfc-2022|ecdsa-rdfc-2019|vc-jwt|ob3-jwt]

The token defaults to ``$LER_ISSUER_TOKEN`` (a token on the command line shows in the
process list). The CSV's columns are the issuer's (``issuer/batches/batch.py``): recipient_did or
email, and optional name, valid_until, suspension. This module speaks HTTP only: the
verifier package never imports the issuer's code.

Exit codes: 0 every row issued, 1 the batch failed or its rows were refused (each problem
printed with its row number), 2 unusable input or an unreachable issuer.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import httpx

FORMATS = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt")
EXIT_DONE, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
BAR_WIDTH = 30


class BatchClientError(Exception):
    """The issuer could not be used (one line for the user)."""


def progress_bar(done: int, total: int, state: str, width: int = BAR_WIDTH) -> str:
    """``[#######.......]  120/300  40%  running``."""
    share = done / total if total else 1.0
    filled = min(width, int(share * width))
    percent = int(share * 100)
    bar = "#" * filled + "." * (width - filled)
    return f"[{bar}] {done:>{len(str(total))}}/{total} {percent:3d}%  {state}"


def _problem_lines(response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return [f"the issuer answered {response.status_code}: {response.text[:200]}"]
    if not isinstance(body, dict):
        return [f"the issuer answered {response.status_code}"]
    lines = [f"{body.get('title', 'error')} ({response.status_code}): {body.get('detail', '')}"]
    for item in body.get("problems") or []:
        column = f" [{item.get('column')}]" if item.get("column") else ""
        lines.append(f"  row {item.get('row')}{column}: {item.get('message')}")
    return lines


def upload(
    client: httpx.Client, issuer: str, achievement: str, data: bytes, format: str
) -> dict[str, Any] | list[str]:
    """POST the CSV; the batch's status, or the issuer's refusal as printable lines."""
    response = client.post(
        f"/issuers/{quote(issuer, safe='')}/batches",
        params={"achievement": achievement, "format": format},
        content=data,
        headers={"Content-Type": "text/csv; charset=utf-8"},
    )
    if response.status_code != 202:
        return _problem_lines(response)
    body: dict[str, Any] = response.json()
    return body


def follow(
    client: httpx.Client,
    issuer: str,
    batch_id: str,
    on_progress: Callable[[dict[str, Any]], None],
    *,
    interval: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Poll the batch's status until it is no longer ``running``; returns the last status."""
    url = f"/issuers/{quote(issuer, safe='')}/batches/{quote(batch_id, safe='')}"
    while True:
        response = client.get(url)
        if response.status_code != 200:
            raise BatchClientError("; ".join(_problem_lines(response)))
        status: dict[str, Any] = response.json()
        on_progress(status)
        if status.get("state") != "running":
            return status
        sleep(interval)


def run(
    args: argparse.Namespace, client: httpx.Client | None = None, out: TextIO | None = None
) -> int:
    """The command, with an injectable client (tests pass one) and output stream."""
    out = out or sys.stderr
    token = args.token or os.environ.get("LER_ISSUER_TOKEN")
    if not token:
        print("ler: give --token or set LER_ISSUER_TOKEN", file=out)
        return EXIT_INPUT
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"ler: cannot read {args.file}: {exc.strerror}", file=out)
        return EXIT_INPUT
    own = client is None
    client = client or httpx.Client(base_url=args.issuer_url, timeout=30.0)
    client.headers["Authorization"] = f"Bearer {token}"
    tty = out.isatty()

    def show(status: dict[str, Any]) -> None:
        line = progress_bar(
            int(status.get("done", 0)), int(status.get("total", 0)), str(status.get("state"))
        )
        print(("\r" + line) if tty else line, end="" if tty else "\n", file=out, flush=True)

    try:
        created = upload(client, args.issuer, args.achievement, data, args.format)
        if isinstance(created, list):
            print("\n".join(created), file=out)
            return EXIT_FAILED
        print(f"batch {created['id']}: {created['total']} rows", file=out)
        final = follow(client, args.issuer, created["id"], show, interval=args.interval)
    except (httpx.HTTPError, BatchClientError) as exc:
        print(f"\nler: {exc}", file=out)
        return EXIT_INPUT
    finally:
        if own:
            client.close()
    if tty:
        print(file=out)
    for error in final.get("errors") or []:
        print(f"error: {error}", file=out)
    return EXIT_DONE if final.get("state") == "done" else EXIT_FAILED


def cmd_batch(args: argparse.Namespace) -> int:
    return run(args)


def add_parser(sub: Any) -> None:
    """Register ``ler batch`` on the CLI's subparsers."""
    b = sub.add_parser("batch", help="issue one credential per CSV row on an issuer")
    b.add_argument("file", help="the CSV: recipient_did or email, [name, valid_until, suspension]")
    b.add_argument("--issuer-url", default="http://localhost:8001", help="the issuer service")
    b.add_argument("--issuer", required=True, help="the issuer's slug, e.g. community-college")
    b.add_argument("--achievement", required=True, help="an achievement slug or id")
    b.add_argument("--token", help="the issuer's API token (default: $LER_ISSUER_TOKEN)")
    b.add_argument("--format", choices=FORMATS, default="eddsa-rdfc-2022")
    b.add_argument("--interval", type=float, default=0.5, help="seconds between progress polls")
    b.set_defaults(run=cmd_batch)
