"""``ler staff`` and ``ler tokens``: the verifier's organisations, staff and API tokens, for
the operator (on the machine that holds the verifier's database; ``LER_DATA_DIR`` and
``LER_VERIFIER_DATABASE_URL`` name it as for ``ler serve verifier``).

    ler staff add --org "Maple Grove Care Home" --email hr@maplegrove.example
        -> makes the organisation when it is new; prints the staff member's generated password
    ler tokens add --org "Maple Grove Care Home" --name ATS --scope jobs:read --scope jobs:write
        -> prints the token (shown once: only its hash is kept)
    ler tokens list --org "Maple Grove Care Home"
    ler tokens revoke --org "Maple Grove Care Home" TOKEN_ID

The verifier is imported only when one of these runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from ler.errors import EXIT_PASS, UsageError

DEFAULT_SCOPES = ("jobs:read", "jobs:write", "results:read", "webhooks:write")


def add_parser(sub: Any) -> None:
    staff = sub.add_parser("staff", help="the verifier's staff: add one to an organisation")
    staff_sub = staff.add_subparsers(dest="action", required=True)
    add = staff_sub.add_parser("add", help="add a staff member (prints their password)")
    add.add_argument("--org", required=True, help="the organisation's name (made when new)")
    add.add_argument("--email", required=True)
    add.set_defaults(run=add_staff)

    tokens = sub.add_parser("tokens", help="the verifier's API tokens of an organisation")
    tokens_sub = tokens.add_subparsers(dest="action", required=True)
    make = tokens_sub.add_parser("add", help="make a token (printed once)")
    make.add_argument("--org", required=True, help="the organisation's name (made when new)")
    make.add_argument("--name", default="API token", help="what the token is for")
    make.add_argument(
        "--scope", action="append", dest="scopes",
        help=f"a scope the token holds (repeat; default: {' '.join(DEFAULT_SCOPES)})",
    )  # fmt: skip
    make.set_defaults(run=add_token)
    listing = tokens_sub.add_parser("list", help="the organisation's tokens (never a secret)")
    listing.add_argument("--org", required=True)
    listing.set_defaults(run=list_tokens)
    revoke = tokens_sub.add_parser("revoke", help="revoke one of the organisation's tokens")
    revoke.add_argument("--org", required=True)
    revoke.add_argument("token_id")
    revoke.set_defaults(run=revoke_token)


def _installation() -> Any:
    """The verifier's installation as ``ler serve verifier`` would open it (migrated)."""
    from verifier.app import create_app
    from verifier.settings import Settings

    return create_app(Settings.from_env()).state.inst


def _organisation(inst: Any, name: str, make: bool) -> Any:
    from verifier.accounts import staff
    from verifier.errors import NotFoundError

    if make:
        return staff.add_organisation(inst, name)
    try:
        return staff.organisation(inst, name)
    except NotFoundError:
        raise UsageError(f"no organisation {name!r} at this verifier") from None


def add_staff(args: argparse.Namespace) -> int:
    from vckit.errors import InputError
    from verifier.accounts import staff

    inst = _installation()
    try:
        org = _organisation(inst, args.org, make=True)
        member, password = staff.add_staff(inst, org.id, args.email)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    finally:
        inst.db.close()
    print(f"organisation: {org.name}")
    print(f"staff member: {member.email}")
    print(f"password:     {password}")
    print("(shown once; they sign in at the verifier's /sign-in)")
    return EXIT_PASS


def add_token(args: argparse.Namespace) -> int:
    from vckit.errors import InputError
    from verifier.accounts import tokens

    inst = _installation()
    try:
        org = _organisation(inst, args.org, make=True)
        made, secret = tokens.add_token(inst, org.id, args.name, args.scopes or DEFAULT_SCOPES)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    finally:
        inst.db.close()
    print(f"organisation: {org.name}")
    print(f"token id:     {made.id}  ({made.name}; scopes: {' '.join(made.scopes)})")
    print(f"token:        {secret}")
    print("(shown once: send it as Authorization: Bearer <token>)")
    return EXIT_PASS


def list_tokens(args: argparse.Namespace) -> int:
    from verifier.accounts import tokens

    inst = _installation()
    try:
        org = _organisation(inst, args.org, make=False)
        listed = tokens.list_tokens(inst, org.id)
    finally:
        inst.db.close()
    for token in listed:
        state = f"revoked {token.revoked_at}" if token.revoked_at else "live"
        print(f"{token.id}  {token.name}  [{' '.join(token.scopes)}]  {token.created}  {state}")
    return EXIT_PASS


def revoke_token(args: argparse.Namespace) -> int:
    from verifier.accounts import tokens
    from verifier.errors import NotFoundError

    inst = _installation()
    try:
        org = _organisation(inst, args.org, make=False)
        tokens.revoke(inst, org.id, args.token_id)
    except NotFoundError:
        raise UsageError(f"no live token {args.token_id!r} of {args.org!r}") from None
    finally:
        inst.db.close()
    print(f"revoked {args.token_id}")
    return EXIT_PASS
