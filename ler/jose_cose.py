"""``ler jose-cose issue|verify``: the command line the W3C vc-jose-cose test suite drives
(https://github.com/w3c/vc-jose-cose-test-suite, ``tests/test-util.js``)::

    ler jose-cose issue|verify --input FILE --key VM.json --feature FEATURE [--sd PATHS]
                               --output OUT.json

``VM.json`` is a verification method with ``id``, ``publicKeyJwk`` and (to issue)
``secretKeyJwk``; ``--sd`` is a JSON array of dotted paths (``credentialSubject.address.city``,
``phoneNumbers[0]``) to make selectively disclosable. ``OUT.json`` gets
``{"result": "success"|"failure"|"indeterminate"|"error", "data": ...}``: what the suite reads.
The exit code is 0 whenever the output file was written (the result is in it).

Features, and what each one is in vckit:

=================== ======================================================================
credential_jose     ``vc+jwt`` (VC-JOSE-COSE §3.1.1), :func:`vckit.jose.vc_jwt.sign_jwt_vc`
presentation_jose   ``vp+jwt`` (§3.1.2), :func:`vckit.jose.vp_jwt.sign_vp_jwt`
credential_sdjwt    ``vc+sd-jwt`` (§3.2.1), :func:`vckit.sdjwt.issue` over the credential
presentation_sdjwt  ``vp+sd-jwt`` (§3.2.2), the same over the presentation, by the holder
credential_cose     ``application/vc+cose`` (§3.3.1), :func:`vckit.cose.vc_cose.sign_vc_cose`
presentation_cose   ``application/vp+cose`` (§3.3.2), :func:`vckit.cose.vc_cose.sign_vp_cose`
=================== ======================================================================

COSE travels as base64 of the COSE_Sign1 bytes (what the suite's vectors are). The ``kid`` we
sign with is the verification method's ``id``; a credential is checked against the VC Data
Model (:func:`vckit.data_model.violations`) before it is signed, as the issuer does.

``verify`` checks the input with :func:`vckit.verify`, the suite's public key supplied
(``VerifyOptions.supplied_key``: the vectors' ``kid`` is a JWK thumbprint, not a URL anything
can dereference). The input must be the feature's secured form (an unsecured JSON document is a
``failure``: VC-JOSE-COSE "ignore all JWT Claims Sets that have no integrity protection"), and a
credential feature takes a credential, a presentation feature a presentation. Then:
``failure`` when any check fails (the document's own or a credential's inside it);
``success`` when the signature verifies with the supplied key and nothing fails -- what could not
be checked (the key binding of a key the caller supplied, a status list out of reach, the
credentials inside a presentation whose keys were not given) is listed in ``data``;
``indeterminate`` otherwise (no signature could be checked).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ler.errors import EXIT_PASS, UsageError
from vckit import VerifyOptions, data_model, sdjwt, verify
from vckit.cose import vc_cose
from vckit.credential import issuer_id
from vckit.errors import InputError, VckitError
from vckit.jose.vc_jwt import sign_jwt_vc
from vckit.jose.vp_jwt import holder_of, sign_vp_jwt
from vckit.keys.keypair import KeyPair, PublicKey
from vckit.report import FAIL, PASS, Report
from vckit.sdjwt.disclosures import Path as SdPath

FEATURES = (
    "credential_jose",
    "presentation_jose",
    "credential_sdjwt",
    "presentation_sdjwt",
    "credential_cose",
    "presentation_cose",
)
_PATH_STEP = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


class Refused(Exception):
    """The input is not what the feature secures or verifies: the result is ``failure``."""


def parse_sd_path(text: str) -> SdPath:
    """``credentialSubject.phoneNumbers[0]`` -> ``("credentialSubject", "phoneNumbers", 0)``."""
    steps: list[str | int] = []
    for part in text.split("."):
        match = _PATH_STEP.fullmatch(part)
        if match is None:
            raise UsageError(f"--sd: {text!r} is not a dotted path (name.name[0])")
        steps.append(match.group(1))
        steps.extend(int(index) for index in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(steps)


def _sd_paths(value: str | None) -> list[SdPath]:
    if value is None:
        return []
    try:
        paths = json.loads(value)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--sd is not JSON: {exc}") from None
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise UsageError("--sd must be a JSON array of path strings")
    return [parse_sd_path(p) for p in paths]


def _method(path: str) -> dict[str, Any]:
    try:
        method = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"--key {path}: {exc}") from None
    if not isinstance(method, dict) or not isinstance(method.get("id"), str):
        raise UsageError(f"--key {path}: not a verification method with an 'id'")
    return method


def _document(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text())
    except ValueError as exc:
        raise Refused(f"the input is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise Refused("the input is not a JSON object")
    return document


# --- issue ----------------------------------------------------------------------------------


def _check_credential(document: Mapping[str, Any]) -> None:
    broken = data_model.violations(document)
    if broken:
        raise Refused("; ".join(str(v) for v in broken))


def _sd_jwt(document: dict[str, Any], key: KeyPair, kid: str, paths: list[SdPath], typ: str) -> str:
    signer = holder_of(document) if typ == "vp+sd-jwt" else issuer_id(document)
    claims = {**document, "iss": signer} if signer is not None else dict(document)
    return sdjwt.issue(claims, key, kid=kid, disclosable=paths, typ=typ)


def _cose_text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def issue(
    feature: str, document: dict[str, Any], key: KeyPair, kid: str, paths: list[SdPath]
) -> str:
    """The secured form of ``document`` for ``feature``, signed by ``key`` as ``kid``."""
    if feature.startswith("credential_"):
        _check_credential(document)
    signers: dict[str, Callable[[], str]] = {
        "credential_jose": lambda: sign_jwt_vc(document, key, kid=kid, profile="vc-jose-cose"),
        "presentation_jose": lambda: sign_vp_jwt(document, key, kid=kid),
        "credential_sdjwt": lambda: _sd_jwt(document, key, kid, paths, "vc+sd-jwt"),
        "presentation_sdjwt": lambda: _sd_jwt(document, key, kid, paths, "vp+sd-jwt"),
        "credential_cose": lambda: _cose_text(vc_cose.sign_vc_cose(document, key, kid=kid)),
        "presentation_cose": lambda: _cose_text(vc_cose.sign_vp_cose(document, key, kid=kid)),
    }
    return signers[feature]()


# --- verify ---------------------------------------------------------------------------------


def _secured_input(feature: str, text: str) -> str | bytes:
    """The input as the feature's secured form, or Refused."""
    if text.startswith(("{", "[")):
        raise Refused("the input is an unsecured JSON document, not a secured one")
    if feature.endswith("_cose"):
        try:
            return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Refused(f"a COSE input must be base64: {exc}") from None
    jws = text.partition("~")[0]
    if jws.count(".") != 2:
        raise Refused("the input is not a compact JWS")
    if feature.endswith("_sdjwt") != ("~" in text):
        raise Refused("an SD-JWT feature takes an SD-JWT, a JOSE feature a compact JWS")
    return text


def judge(feature: str, report: Report) -> tuple[str, dict[str, Any]]:
    """The suite's result for ``report`` (the rules in the module docstring)."""
    wanted = "presentation" if feature.startswith("presentation_") else "credential"
    checks = report.all_checks()
    failed = [c.to_json() for c in checks if c.status == FAIL and not c.advisory]
    unchecked = [c.to_json() for c in checks if c.status not in (PASS, FAIL) and not c.advisory]
    data: dict[str, Any] = {"format": report.format, "failed": failed, "not checked": unchecked}
    if report.kind != wanted:
        data["failed"].append({"id": "format", "detail": f"a {report.kind}, not a {wanted}"})
        return "failure", data
    if failed:
        return "failure", data
    proof = report.check("proof")
    if proof is not None and proof.status == PASS:
        return "success", data
    return "indeterminate", data


def check(feature: str, text: str, public: PublicKey) -> tuple[str, Any]:
    """Verify ``text`` as ``feature`` with the suite's key ``public``."""
    secured = _secured_input(feature, text.strip())
    try:
        report = verify(secured, VerifyOptions(supplied_key=public))
    except InputError as exc:
        raise Refused(f"{exc.code}: {exc}") from None
    return judge(feature, report)


# --- the command ----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> tuple[str, Any]:
    method = _method(args.key)
    try:
        if args.fn == "issue":
            secret = method.get("secretKeyJwk") or method.get("privateKeyJwk")
            if not isinstance(secret, dict):
                raise UsageError(f"--key {args.key}: no secretKeyJwk to sign with")
            key = KeyPair.from_private_jwk(secret)
            paths = _sd_paths(args.sd)
            return "success", issue(args.feature, _document(args.input), key, method["id"], paths)
        public = method.get("publicKeyJwk")
        if not isinstance(public, dict):
            raise UsageError(f"--key {args.key}: no publicKeyJwk to verify with")
        return check(args.feature, Path(args.input).read_text(), PublicKey.from_jwk(public))
    except Refused as exc:
        return "failure", str(exc)
    except VckitError as exc:
        return "failure", f"{exc.code}: {exc}"


def cmd_jose_cose(args: argparse.Namespace) -> int:
    try:
        result, data = run(args)
    except UsageError as exc:
        result, data = "error", str(exc)
    except OSError as exc:
        result, data = "error", f"{type(exc).__name__}: {exc}"
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"result": result, "data": data}, indent=2))
    print(json.dumps({"fn": args.fn, "feature": args.feature, "result": result}))
    return EXIT_PASS


def add_parser(sub: Any) -> None:
    s = sub.add_parser(
        "jose-cose", help="issue or verify as the W3C vc-jose-cose test suite asks (its CLI)"
    )
    s.add_argument("fn", choices=["issue", "verify"])
    s.add_argument("--input", required=True, help="the document (issue) or secured form (verify)")
    s.add_argument("--key", required=True, help="a verification method JSON with JWKs")
    s.add_argument("--feature", required=True, choices=FEATURES)
    s.add_argument("--sd", help="JSON array of dotted paths to make selectively disclosable")
    s.add_argument("--output", required=True, help="where to write {result, data}")
    s.set_defaults(run=cmd_jose_cose)
