"""``ler verify FILE|-``: a report, one line per check (or ``--json``), and an exit code.

Exit codes: 0 every check passed, 1 a check failed, 3 nothing failed but something could not be
checked, 2 unusable input (one line on stderr, no traceback). ``--registry FILE`` (the format of
``examples/registry.json``; slugs resolve against ``LER_ISSUER_URL``) supplies its
``alwaysDiscloses`` attestations: without it, a selectively disclosed credential with no
``validUntil`` / ``credentialStatus`` could not be checked. ``--key FILE`` (a public JWK)
checks a JWT whose ``kid`` cannot be looked up; its *issuer-key* then stays could-not-check.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ler.errors import EXIT_FAIL, EXIT_PASS, EXIT_UNCHECKED, UsageError, read_file
from vckit import DidResolver, Report, VerifyOptions, verify
from vckit.errors import KeyFormatError
from vckit.keys.keypair import PublicKey
from vckit.ob import baking
from vckit.report import FAIL, PASS
from verifier.checking import registry
from verifier.checking.fetch import FetchPolicy, fetcher
from verifier.settings import Settings

MARKS = {"pass": "PASS", "fail": "FAIL", "could-not-check": "COULD NOT CHECK"}


def _unbake(data: bytes) -> bytes | str | dict[str, Any]:
    """A baked PNG or SVG badge (OB 3.0 §5.3) gives up its credential; other input is unchanged."""
    if baking.image_kind(data) is None:
        return data
    return baking.extract(data)


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now {value!r} is not an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


PART_WORDS = {
    "endorsement": "endorsement",
    "nested": "nested credential",
    "refreshed": "refreshed copy",
    "original": "original copy",
}


def print_report(report: Report, indent: str = "") -> None:
    """The report as a tree: its checks, then the credentials and parts inside it."""
    print(f"{indent}{report.kind} ({report.format}): {report.verdict.upper()}")
    for check in report.checks:
        print(f"{indent}  [{MARKS[check.status]}] {check.title}: {check.detail}")
    for note in report.notes:
        print(f"{indent}  note: {note}")
    if report.disclosure is not None:
        shown = report.disclosure
        withheld = "not revealed" if shown.withheld is None else str(shown.withheld)
        print(f"{indent}  disclosed: {', '.join(shown.disclosed) or 'none'}")
        print(f"{indent}  withheld: {withheld}; absent: {', '.join(shown.absent) or 'none'}")
        print(f"{indent}  note: {shown.note}")
    for number, inner in enumerate(report.credentials, 1):
        print(f"{indent}  credential {number}:")
        print_report(inner, indent + "    ")
    for part in report.parts:
        where = f" at {part.where}" if part.where else ""
        print(f"{indent}  {PART_WORDS[part.role]}{where} (its own verdict):")
        print_report(part.report, indent + "    ")


def cmd_verify(args: argparse.Namespace) -> int:
    policy = FetchPolicy(allow_http_localhost=args.allow_http_localhost)
    fetch = fetcher(policy)
    options = VerifyOptions(
        resolver=DidResolver(fetch if args.allow_did_web else None),
        fetch_status_list=fetch if args.allow_status_fetch else None,
        fetch_refresh=fetch if args.allow_refresh else None,
        now=_parse_now(args.now),
        challenge=args.challenge,
        domain=args.domain,
        always_disclosed=_always_disclosed(args.registry),
        supplied_key=_supplied_key(args.key),
    )
    report = verify(_unbake(read_file(args.file)), options)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print_report(report)
    verdict = report.verdict
    return EXIT_PASS if verdict == PASS else EXIT_FAIL if verdict == FAIL else EXIT_UNCHECKED


def _always_disclosed(path: str | None) -> Callable[[str], frozenset[str]] | None:
    """The ``alwaysDiscloses`` attestations of the registry file at ``path``."""
    if path is None:
        return None
    issuer_url = os.environ.get("LER_ISSUER_URL", Settings.issuer_url)
    try:
        return registry.load(Path(path), issuer_url).always_disclosed
    except registry.RegistryError as exc:
        raise UsageError(f"--registry {path}: {exc}") from None


def _supplied_key(path: str | None) -> PublicKey | None:
    """The public JWK in the file at ``path`` (``--key``), for a token whose kid cannot be looked
    up; *issuer-key* then stays could-not-check (the key is the caller's word)."""
    if path is None:
        return None
    try:
        jwk = json.loads(read_file(path))
    except ValueError as exc:
        raise UsageError(f"--key {path}: not JSON: {exc}") from None
    if not isinstance(jwk, dict) or "d" in jwk:
        raise UsageError(f"--key {path}: must be a public JWK object (no 'd')")
    try:
        return PublicKey.from_jwk(jwk)
    except KeyFormatError as exc:
        raise UsageError(f"--key {path}: {exc}") from None


def add_parser(sub: Any) -> None:
    v = sub.add_parser("verify", help="verify a credential or presentation")
    v.add_argument("file", help="JSON-LD, a VC-JWT or a baked PNG/SVG badge; - for stdin")
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.add_argument("--allow-did-web", action="store_true", help="fetch did:web documents")
    v.add_argument("--allow-status-fetch", action="store_true", help="fetch status lists")
    v.add_argument(
        "--allow-refresh",
        action="store_true",
        help="fetch a newer copy from a 1EdTechCredentialRefresh service (after the proof)",
    )
    v.add_argument(
        "--allow-http-localhost", action="store_true", help="allow plain http to localhost"
    )
    v.add_argument("--challenge", help="the challenge a presentation must carry")
    v.add_argument("--domain", help="the domain a presentation must carry")
    v.add_argument("--now", help="check validity at this ISO 8601 time instead of now")
    v.add_argument(
        "--registry", metavar="FILE", help="a registry JSON whose alwaysDiscloses to trust"
    )
    v.add_argument(
        "--key",
        metavar="FILE",
        help="a public JWK to check a JWT with when its kid cannot be looked up "
        "(issuer-key then stays could-not-check)",
    )
    v.set_defaults(run=cmd_verify)
