"""``ler keys new``: a key pair as a private JWK whose ``kid`` is its DID URL;
``ler keys rotate-kek``: a service's new key-encryption key (:mod:`ler.kek`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ler import kek
from ler.errors import EXIT_PASS, UsageError
from vckit import new_key_file
from vckit.keys.keyfile import KEY_TYPES


def cmd_keys_new(args: argparse.Namespace) -> int:
    text = json.dumps(new_key_file(args.type), indent=2) + "\n"
    if args.out:
        try:  # created with mode 600 from the start: the private key is never world-readable
            descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote {args.type} key to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_PASS


def add_parser(sub: Any) -> None:
    keys = sub.add_parser("keys", help="key pairs").add_subparsers(dest="keys", required=True)
    new = keys.add_parser("new", help="generate a key pair (private JWK with a DID kid)")
    new.add_argument("--type", choices=KEY_TYPES, default="ed25519")
    new.add_argument("--out", help="write here (mode 600) instead of stdout")
    new.set_defaults(run=cmd_keys_new)
    kek.add_parser(keys)
