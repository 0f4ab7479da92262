"""What ``ler up`` seeds for the demo, named once for the runner and the services.

``LER_DEMO_SEED=1`` (which ``ler up`` sets; off by default, so a production deployment
starts empty) makes the wallet create the demo learner account and the verifier the demo
job at start, both idempotently. The learner's generated password is written once to
``<data>/wallet/demo-learner.txt`` (mode 0600); ``ler up`` prints where.

The verifier seeds the two demo employers (:data:`EMPLOYER`, :data:`SECOND_EMPLOYER`), a
staff member of the first (password in ``<data>/verifier/demo-staff.txt``) and an API token
of it (``<data>/verifier/demo-token.txt``, its ``token:`` line) that ``ler demo`` sends.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SEED_VARIABLE = "LER_DEMO_SEED"
LEARNER_EMAIL = "alex.rivera@demo.example"
LEARNER_NAME = "Alex Rivera"
LEARNER_FILE = "demo-learner.txt"  # in the wallet's data folder
JOB_TITLE = "Care assistant, Maple Grove Care Home"
JOB_SKILL = "Patient data privacy"
EMPLOYER = "Maple Grove Care Home"
SECOND_EMPLOYER = "Harbour View Hospital"
STAFF_EMAIL = "hiring@maplegrove.demo.example"
STAFF_FILE = "demo-staff.txt"  # in the verifier's data folder
TOKEN_FILE = "demo-token.txt"  # in the verifier's data folder


def seeding(environ: dict[str, str] | None = None) -> bool:
    """Whether ``LER_DEMO_SEED`` asks for the demo seed (``1``, ``true``, ``yes``, ``on``)."""
    value = (os.environ if environ is None else environ).get(SEED_VARIABLE, "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def read_password(path: Path, label: str = "password") -> str | None:
    """The password in a demo learner file (its ``password:`` line, or ``label``); None
    without one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == label and value.strip():
            return value.strip()
    return None


def password_once(
    path: Path, email: str = LEARNER_EMAIL, label: str = "password", prefix: str = ""
) -> str:
    """The password (or ``label``) kept in ``path``; when there is none, a new one (24
    URL-safe characters, 144 bits, after ``prefix``) written there with ``email``, mode 0600
    from the start. The file appears whole (written aside, then linked into place), so a
    second process reads it or writes none."""
    kept = read_password(path, label)
    if kept is not None:
        return kept
    password = prefix + secrets.token_urlsafe(18 if not prefix else 32)
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"email: {email}\n{label}: {password}\n")
    try:
        os.link(aside, path)  # refuses when a file is there already
    except FileExistsError:
        kept = read_password(path, label)
        if kept is not None:  # another process was first: its password stands
            return kept
        os.replace(aside, path)  # a file without a password line is replaced
    finally:
        aside.unlink(missing_ok=True)
    return password
