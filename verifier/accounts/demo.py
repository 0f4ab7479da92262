"""The demo's employers (``LER_DEMO_SEED=1``, which ``ler up`` sets): Maple Grove Care Home
and Harbour View Hospital, a staff member of the care home (their generated password in
``<data>/verifier/demo-staff.txt``, mode 0600) and an API token of the care home for the
story's HR system (``<data>/verifier/demo-token.txt``). Idempotent: a second start reuses
what the files and the database hold.
"""

from __future__ import annotations

from contextlib import suppress

from servicekit import passwords
from servicekit.api_tokens import token_hash
from servicekit.db import ConflictError
from servicekit.demo_seed import (
    EMPLOYER,
    SECOND_EMPLOYER,
    STAFF_EMAIL,
    STAFF_FILE,
    TOKEN_FILE,
    password_once,
)
from vckit.errors import InputError
from verifier import store
from verifier.accounts import JOBS_READ, JOBS_WRITE, RESULTS_READ, WEBHOOKS_WRITE
from verifier.accounts import staff as staff_accounts
from verifier.accounts.tokens import PREFIX
from verifier.installation import Installation
from verifier.store.organisations import OrganisationRecord

TOKEN_NAME = "Demo applicant tracking"
TOKEN_SCOPES = (JOBS_READ, JOBS_WRITE, RESULTS_READ, WEBHOOKS_WRITE)


def seed(inst: Installation) -> OrganisationRecord:
    """The two employers, the care home's staff member and token; the care home."""
    care_home = staff_accounts.add_organisation(inst, EMPLOYER)
    staff_accounts.add_organisation(inst, SECOND_EMPLOYER)
    data = inst.settings.data_dir
    password = password_once(data / STAFF_FILE, email=STAFF_EMAIL)
    with inst.db.transaction() as tx:
        member = store.get_staff_by_email(tx, STAFF_EMAIL)
    if member is None:
        with suppress(InputError):  # another worker added them first
            staff_accounts.add_staff(inst, care_home.id, STAFF_EMAIL, password)
    elif not passwords.verify(member.password_hash, password):
        staff_accounts.reset_password(inst, STAFF_EMAIL, password)
    secret = password_once(data / TOKEN_FILE, email=STAFF_EMAIL, label="token", prefix=PREFIX + "_")
    try:
        with inst.db.transaction() as tx:
            if store.find_token(tx, token_hash(secret)) is None:
                store.add_token(
                    tx, care_home.id, TOKEN_NAME, token_hash(secret), TOKEN_SCOPES,
                    created=inst.stamp(),
                )  # fmt: skip
    except ConflictError:  # another worker stored it first
        pass
    return care_home
