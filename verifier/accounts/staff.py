"""Organisations and their staff: add them (the operator's CLI, the demo seed), sign in.

::

    from verifier.accounts import staff
    org = staff.add_organisation(inst, "Maple Grove Care Home")
    member, password = staff.add_staff(inst, org.id, "hr@maplegrove.example")  # generated
    member = staff.sign_in(inst, "HR@maplegrove.example", password)       # SignInRefused
    staff.session_staff(inst, member.id, epoch)    # StaffRecord, or None: gone or signed out
    staff.end_sessions(inst, member.id)            # sign-out: every session of the member ends

Passwords are argon2id (:mod:`servicekit.passwords`, the wallet's rules); a staff member
signs in with the email and password; the same refusal whether the email is unknown or
the password wrong, at the same cost.
"""

from __future__ import annotations

import secrets

from servicekit import passwords
from servicekit.db import ConflictError as DuplicateKey
from vckit.errors import InputError
from verifier import store
from verifier.errors import NotFoundError
from verifier.installation import Installation
from verifier.store.organisations import OrganisationRecord
from verifier.store.organisations import StaffRecord as StaffRecord


class SignInRefused(Exception):
    """The email and password do not match a staff member."""


def add_organisation(inst: Installation, name: str) -> OrganisationRecord:
    """The organisation of that name: the one there already, or a new one."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InputError("an organisation needs a name of at most 200 characters")
    with inst.db.transaction() as tx:
        found = store.find_organisation(tx, name)
        return found or store.add_organisation(tx, name, created=inst.stamp())


def organisation(inst: Installation, name_or_id: str) -> OrganisationRecord:
    with inst.db.transaction() as tx:
        found = store.get_organisation(tx, name_or_id) or store.find_organisation(tx, name_or_id)
    if found is None:
        raise NotFoundError(f"no organisation {name_or_id!r}")
    return found


def add_staff(
    inst: Installation, organisation_id: str, email: str, password: str | None = None
) -> tuple[StaffRecord, str]:
    """A staff member of the organisation and their password (generated when not given:
    24 URL-safe characters). InputError for a bad email or password or a taken email."""
    address = passwords.normalise_email(email)
    if address is None:
        raise InputError("enter an email address, like hr@example.org")
    password = password or secrets.token_urlsafe(18)
    problem = passwords.password_problem(password)
    if problem:
        raise InputError(problem)
    password_hash = passwords.hash_password(password)
    try:
        with inst.db.transaction() as tx:
            if store.get_organisation(tx, organisation_id) is None:
                raise NotFoundError("no such organisation")
            if store.get_staff_by_email(tx, address) is not None:
                raise InputError("a staff member with this email exists already")
            member = store.add_staff(
                tx, organisation_id, address, password_hash, created=inst.stamp()
            )
    except DuplicateKey:
        raise InputError("a staff member with this email exists already") from None
    return member, password


def reset_password(inst: Installation, email: str, password: str) -> StaffRecord:
    """A new password for the staff member (their open sessions end)."""
    problem = passwords.password_problem(password)
    if problem:
        raise InputError(problem)
    with inst.db.transaction() as tx:
        member = store.get_staff_by_email(tx, passwords.normalise_email(email) or "")
        if member is None:
            raise NotFoundError("no such staff member")
        store.set_staff_password(
            tx, member.id, passwords.hash_password(password), end_sessions=True
        )
        found = store.get_staff(tx, member.id)
    return found or member


def sign_in(inst: Installation, email: str, password: str) -> StaffRecord:
    address = passwords.normalise_email(email)
    with inst.db.transaction() as tx:
        member = store.get_staff_by_email(tx, address) if address else None
    refused = SignInRefused("that email and password do not match a staff member")
    if not passwords.verify(None if member is None else member.password_hash, password):
        raise refused  # an unknown email costs what a wrong password does
    if member is None:
        raise refused
    if passwords.needs_rehash(member.password_hash):
        with inst.db.transaction() as tx:
            new_hash = passwords.hash_password(password)
            store.set_staff_password(tx, member.id, new_hash, end_sessions=False)
    return member


def session_staff(inst: Installation, staff_id: str, epoch: int) -> StaffRecord | None:
    """The staff member a session names, if still there and the session of their current
    epoch (a sign-out counts it up); else None."""
    with inst.db.transaction() as tx:
        member = store.get_staff(tx, staff_id)
    if member is None or member.session_epoch != epoch:
        return None
    return member


def end_sessions(inst: Installation, staff_id: str) -> None:
    with inst.db.transaction() as tx:
        store.bump_staff_epoch(tx, staff_id)
