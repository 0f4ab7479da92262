"""``ler demo``: run the story (``demo/``) against the running services, or ``--start`` them.

Only :func:`run` imports ``demo``, which imports the services' app factories: ``ler verify``
and the other sub-commands never pay for it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ler.ports import read_urls

DEFAULTS = {
    "issuer": "http://localhost:8001",
    "wallet": "http://localhost:8002",
    "verifier": "http://localhost:8003",
}


def add_parser(sub: Any) -> None:
    """Add ``demo`` to the ``ler`` command's sub-parsers."""
    d = sub.add_parser("demo", help="run the whole story against the services (or --start them)")
    written = read_urls(Path(os.environ.get("LER_DATA_DIR", "var")))  # what `ler up` serves
    for role, url in DEFAULTS.items():
        variable = f"LER_{role.upper()}_URL"
        d.add_argument(
            f"--{role}-url",
            default=os.environ.get(variable) or written.get(role) or url,
            help=f"the {role} (default: ${variable}, else what `ler up` wrote to "
            f"$LER_DATA_DIR/urls.json, else {url})",
        )
    d.add_argument("--issuer-token", help="the issuer's API token (default: $LER_ISSUER_TOKEN)")
    d.add_argument(
        "--token-file",
        help="file holding the issuer's API token (default: $LER_DATA_DIR/issuer/api-token)",
    )
    d.add_argument(
        "--verifier-token",
        help="an API token of the demo employer at the verifier (default: $LER_VERIFIER_TOKEN, "
        "else the token line of $LER_DATA_DIR/verifier/demo-token.txt, which `ler up` writes)",
    )
    d.add_argument(
        "--start", action="store_true", help="start the three services here, on free ports"
    )
    d.add_argument(
        "--no-selective-disclosure",
        dest="selective",
        action="store_false",
        help="issue eddsa-rdfc-2022 credentials and share them whole",
    )
    d.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from demo.cli import run as run_story  # the demo imports the services: only when asked

    return run_story(args)
