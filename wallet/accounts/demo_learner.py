"""The demo learner that ``ler up`` seeds (``LER_DEMO_SEED=1``): one account, the same on
every start.

Its email is ``servicekit.demo_seed.LEARNER_EMAIL``; its password is generated once and kept
in ``<data>/wallet/demo-learner.txt`` (mode 0600), so a person can sign in with it and a
restart changes nothing. The account is made and checked with :mod:`wallet.accounts` like
any other (argon2id). The wallet keeps no display name, so the learner's name appears only
in the credentials issued to them.
"""

from __future__ import annotations

from pathlib import Path

from servicekit.demo_seed import LEARNER_EMAIL, LEARNER_FILE, password_once
from wallet import accounts
from wallet.errors import ConflictError, SignInRefused
from wallet.installation import Installation
from wallet.store import AccountRecord


def password_file(inst: Installation) -> Path:
    return inst.settings.data_dir / LEARNER_FILE


def seed(inst: Installation) -> AccountRecord:
    """The demo learner's account, made on first start. When the account is there but the
    password file was lost or replaced, the account takes the file's (new) password."""
    password = password_once(password_file(inst))
    try:  # seeded before: one password check on a restart, no wasted hash
        return accounts.sign_in(inst, LEARNER_EMAIL, password)
    except SignInRefused:
        pass
    try:
        return accounts.sign_up(inst, LEARNER_EMAIL, password)
    except ConflictError:  # the account is there, the password file is new
        return accounts.reset_password(inst, LEARNER_EMAIL, password)
