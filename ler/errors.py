"""What every ``ler`` sub-command shares: exit codes, the usage error, reading a file or stdin."""

from __future__ import annotations

import sys
from pathlib import Path

EXIT_PASS, EXIT_FAIL, EXIT_INPUT, EXIT_UNCHECKED = 0, 1, 2, 3


class UsageError(Exception):
    """Unusable input or arguments: reported in one line, exit code 2."""


def read_file(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
