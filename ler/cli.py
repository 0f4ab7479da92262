"""``ler``: the command line for HR vendors and solution providers.

    ler verify FILE|- [--json] [--allow-did-web] [--allow-status-fetch]
                      [--challenge C] [--domain D] [--now TIME] [--registry FILE]
    ler keys new [--type ed25519|p256|p384|rsa] [--out FILE]
    ler keys rotate-kek [--service issuer|wallet|verifier] [--data-dir DIR]
    ler sign FILE --key KEYFILE [--format eddsa-rdfc-2022|ecdsa-rdfc-2019|vc-jwt|ob3-jwt]
    ler up
    ler serve issuer|wallet|verifier|landing [--host H] [--port P] [--workers N]
    ler demo [--start] [--issuer-url URL] [--wallet-url URL] [--verifier-url URL]
    ler batch FILE.csv --issuer SLUG --achievement ID [--issuer-url URL] [--token T]
    ler staff add --org NAME --email EMAIL
    ler tokens add|list|revoke --org NAME [--name N] [--scope S ...] [TOKEN_ID]
    ler jose-cose issue|verify --input FILE --key VM.json --feature F [--sd PATHS] --output OUT

One module per sub-command (``ler/verify.py``, ``keys.py``, ``sign.py``, ``up.py``, ``serve.py``,
``batch.py``, ``demo.py``, ``accounts.py``: staff and tokens; ``jose_cose.py``: the W3C
vc-jose-cose test suite's command line); ``demo`` and ``accounts`` import
the services only when run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ler import accounts, batch, demo, jose_cose, keys, serve, sign, up, verify
from ler.errors import EXIT_FAIL, EXIT_INPUT, EXIT_PASS, EXIT_UNCHECKED, UsageError
from vckit import VckitError

__all__ = ["EXIT_FAIL", "EXIT_INPUT", "EXIT_PASS", "EXIT_UNCHECKED", "main", "parser"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ler", description="LER credential demonstrator")
    sub = top.add_subparsers(dest="command", required=True)
    for command in (verify, keys, sign, up, batch, demo, serve, accounts, jose_cose):
        command.add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (UsageError, VckitError) as exc:
        print(f"ler: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback: one line, and "unusable input"
        print(f"ler: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return code


if __name__ == "__main__":
    sys.exit(main())
