"""Write ``cases.json``: SD-JWT inputs, valid and hostile, with the report vckit gave for each
before the issue 15 speed-ups (``tests/vckit/verification/test_sdjwt_reports.py`` checks that
every later version gives exactly the same report).

    PYTHONPATH=. .venv/bin/python tests/vectors/sd-jwt/reports/generate.py

Run it only to add cases, on code whose reports are known to be right: the recorded reports
are the reference. Tokens are written out, so salts and ECDSA signatures need not repeat.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from tests import sd_scenarios as sc  # noqa: E402
from tests.sd_reports import report_json  # noqa: E402
from vckit import sdjwt as sd_jwt  # noqa: E402
from vckit.disclosure.disclose import disclose_sd_jwt  # noqa: E402
from vckit.keys import multibase  # noqa: E402
from vckit.keys.keyfile import key_id  # noqa: E402
from vckit.keys.keypair import KeyPair  # noqa: E402
from vckit.sdjwt.compact import sign_jws  # noqa: E402
from vckit.sdjwt.disclosures import disclosure_digest, encode_disclosure  # noqa: E402

HERE = Path(__file__).resolve().parent
NONCE = "n-7c1e"
AUD = "https://carehome.example"
KID = key_id(sc.ISSUER.public)
OTHER = KeyPair.from_private_jwk(  # a key of the IETF vectors: neither issuer nor holder here
    json.loads((ROOT / "tests/vectors/sd-jwt/keys.json").read_text())["holder_private"]
)


def b64json(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return multibase.base64url_nopad_encode(text.encode("utf-8"))


def signed(payload: Any, header: dict[str, Any] | None = None, key: KeyPair = sc.ISSUER) -> str:
    """A compact JWS over ``payload`` (an object, or JSON text as written)."""
    head = {"alg": "ES256", "typ": "dc+sd-jwt", "kid": KID} | (header or {})
    if isinstance(payload, str):
        signing_input = b64json(head) + "." + b64json(payload)
        return (
            signing_input
            + "."
            + multibase.base64url_nopad_encode(key.sign(signing_input.encode("ascii")))
        )
    return sign_jws(head, payload, key)


def kb(token: str, *, key: KeyPair = sc.HOLDER, **changes: Any) -> str:
    """``token`` (ending in ``~``) with a KB-JWT over it; ``changes`` alter the KB-JWT."""
    header = {"alg": "ES256", "typ": "kb+jwt"} | changes.pop("header", {})
    payload = {
        "iat": int(sc.NOW.timestamp()),
        "aud": AUD,
        "nonce": NONCE,
        "sd_hash": sd_jwt.sd_hash(token, "sha-256"),
    } | changes
    return token + sign_jws(header, payload, key)


def issued(**kw: Any) -> str:
    return sc.issue_sd_jwt(**kw)


def presented(token: str, **kw: Any) -> str:
    return disclose_sd_jwt(
        token,
        kw.pop("shown", [sc.BIRTH, sc.GRADE]),
        kw.pop("holder", sc.HOLDER),
        nonce=kw.pop("nonce", NONCE),
        aud=kw.pop("aud", AUD),
        iat=kw.pop("iat", sc.NOW),
    )


def reencoded(disclosure: str, value: Any) -> str:
    items = json.loads(multibase.base64url_nopad_decode(disclosure))
    items[-1] = value
    return b64json(items)


def with_disclosures(claims: dict[str, Any], made: list[tuple[str, str | None, Any]]) -> str:
    """``claims`` signed with ``_sd`` digests of the disclosures ``made`` (salt, name, value)
    at the top level, and those disclosures."""
    encoded = [encode_disclosure(salt, name, value) for salt, name, value in made]
    top = dict(claims)
    top["_sd"] = [disclosure_digest(e) for e in encoded] + list(claims.get("_sd", []))
    top["_sd_alg"] = "sha-256"
    top["cnf"] = {"jwk": sc.HOLDER.public.to_jwk()}
    return signed(top) + "~" + "".join(e + "~" for e in encoded)


def base_claims(**changes: Any) -> dict[str, Any]:
    return sc.sd_jwt_claims() | changes


PRESENT = {"challenge": NONCE, "domain": AUD}


def cases() -> list[tuple[str, Callable[[], str], dict[str, Any]]]:
    token = issued(decoys=1)
    jwt, disclosures, _ = sd_jwt.split(token)
    shown = presented(token)
    sjwt, sdisc, skb = sd_jwt.split(shown)
    head, sig = sjwt.split(".")[0], sjwt.split(".")[2]
    found: list[tuple[str, Callable[[], str], dict[str, Any]]] = [
        ("credential", lambda: token, {}),
        ("credential-no-registry", lambda: token, {"attested": False}),
        ("presentation", lambda: shown, PRESENT),
        ("presentation-no-expectations", lambda: shown, {}),
        (
            "presentation-all-shown",
            lambda: presented(
                token, shown=[sc.NAME, sc.BIRTH, sc.EMAIL, sc.GRADE, sc.EVIDENCE, sc.AWARDED]
            ),
            PRESENT,
        ),
        ("presentation-none-shown", lambda: kb(jwt + "~"), PRESENT),
        ("stripped-kb-jwt", lambda: token, {"challenge": NONCE}),
        ("stripped-kb-jwt-of-presentation", lambda: shown[: -len(str(skb))], PRESENT),
        ("wrong-nonce", lambda: presented(token, nonce="n-old"), PRESENT),
        ("wrong-aud", lambda: presented(token, aud="https://elsewhere.example"), PRESENT),
        ("kb-too-old", lambda: presented(token, iat=sc.NOW - timedelta(minutes=10)), PRESENT),
        ("kb-ahead", lambda: presented(token, iat=sc.NOW + timedelta(seconds=61)), PRESENT),
        ("kb-wrong-holder-key", lambda: presented(token, holder=OTHER), PRESENT),
        ("kb-wrong-typ", lambda: kb(token, header={"typ": "JWT"}), PRESENT),
        ("kb-alg-none", lambda: kb(token, header={"alg": "none"}), PRESENT),
        ("kb-alg-hs256", lambda: kb(token, header={"alg": "HS256"}), PRESENT),
        ("kb-alg-es384", lambda: kb(token, header={"alg": "ES384"}), PRESENT),
        ("kb-no-sd-hash", lambda: kb(token, sd_hash=None), PRESENT),
        ("kb-sd-hash-mismatch", lambda: jwt + "~" + sdisc[0] + "~" + str(skb), PRESENT),
        ("kb-iat-string", lambda: kb(token, iat="now"), PRESENT),
        ("kb-iat-bool", lambda: kb(token, iat=True), PRESENT),
        (
            "kb-tampered-signature",
            lambda: shown[:-3] + ("AAA" if shown[-3:] != "AAA" else "BBB"),
            PRESENT,
        ),
        ("kb-not-base64", lambda: shown[: -len(str(skb))] + "a.b.c", PRESENT),
        ("kb-crit", lambda: kb(token, header={"crit": ["x"]}), PRESENT),
        (
            "modified-disclosure",
            lambda: (
                jwt
                + "~"
                + reencoded(
                    disclosures[0],
                    {
                        "type": "IdentityObject",
                        "identityType": "name",
                        "hashed": False,
                        "identityHash": "Someone Else",
                    },
                )
                + "~"
                + "".join(d + "~" for d in disclosures[1:])
            ),
            {},
        ),
        (
            "tampered-disclosure-char",
            lambda: (
                jwt
                + "~"
                + disclosures[0][:-2]
                + ("A" if disclosures[0][-2] != "A" else "B")
                + disclosures[0][-1]
                + "~"
                + "".join(d + "~" for d in disclosures[1:])
            ),
            {},
        ),
        ("duplicate-disclosure", lambda: token + disclosures[0] + "~", {}),
        ("foreign-disclosure", lambda: token + sd_jwt.split(issued())[1][0] + "~", {}),
        ("disclosure-not-base64", lambda: token + "!!!~", {}),
        ("disclosure-not-json", lambda: token + b64json("[salt") + "~", {}),
        ("disclosure-wrong-shape", lambda: token + b64json(["salt"]) + "~", {}),
        (
            "disclosure-non-string-name",
            lambda: with_disclosures(base_claims(), [("s", 5, 1)]),  # type: ignore[list-item]
            {},
        ),
        (
            "tampered-issuer-signature",
            lambda: (
                ".".join(
                    [
                        head,
                        sjwt.split(".")[1],
                        sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB"),
                    ]
                )
                + "~"
                + "".join(d + "~" for d in sdisc)
                + str(skb)
            ),
            PRESENT,
        ),
        ("issuer-alg-es384", lambda: signed(base_claims(), {"alg": "ES384"}) + "~", {}),
        ("issuer-alg-none", lambda: signed(base_claims(), {"alg": "none"}) + "~", {}),
        ("issuer-alg-hs256", lambda: signed(base_claims(), {"alg": "HS256"}) + "~", {}),
        ("issuer-alg-eddsa", lambda: signed(base_claims(), {"alg": "EdDSA"}) + "~", {}),
        ("issuer-wrong-typ", lambda: signed(base_claims(), {"typ": "JWT"}) + "~", {}),
        (
            "issuer-vc-sd-jwt",
            lambda: (
                signed({k: v for k, v in base_claims().items() if k != "iss"}, {"typ": "vc+sd-jwt"})
                + "~"
            ),
            {},
        ),
        ("issuer-signed-by-other-key", lambda: signed(base_claims(), key=OTHER) + "~", {}),
        (
            "issuer-kid-of-other",
            lambda: signed(base_claims(), {"kid": key_id(OTHER.public)}) + "~",
            {},
        ),
        ("issuer-no-kid", lambda: signed(base_claims(), {"kid": None}) + "~", {}),
        ("iss-not-issuer", lambda: signed(base_claims(issuer="did:example:other")) + "~", {}),
        ("expired", lambda: issued(valid_until=sc.NOW - timedelta(days=1)), {}),
        ("exp-past", lambda: signed(base_claims(exp=int(sc.NOW.timestamp()) - 10)) + "~", {}),
        ("nbf-future", lambda: signed(base_claims(nbf=int(sc.NOW.timestamp()) + 99)) + "~", {}),
        ("exp-string", lambda: signed(base_claims(exp="tomorrow")) + "~", {}),
        ("valid-until-future", lambda: issued(valid_until=sc.NOW + timedelta(days=30)), {}),
        (
            "status-claim",
            lambda: (
                signed(
                    base_claims(
                        status={
                            "status_list": {
                                "idx": 7,
                                "uri": "https://college.example/statuslists/1",
                            }
                        }
                    )
                )
                + "~"
            ),
            {},
        ),
        ("sd-alg-unsupported", lambda: signed(base_claims(_sd_alg="md5", _sd=[])) + "~", {}),
        ("sd-not-array", lambda: signed(base_claims(_sd="x")) + "~", {}),
        ("sd-digest-not-string", lambda: signed(base_claims(_sd=[5])) + "~", {}),
        (
            "duplicate-digest",
            lambda: (
                signed(base_claims(_sd=[disclosure_digest(disclosures[0])] * 2))
                + "~"
                + disclosures[0]
                + "~"
            ),
            {},
        ),
        ("duplicate-decoy-digest", lambda: signed(base_claims(_sd=["abc", "abc"])) + "~", {}),
        ("array-disclosure-in-sd", lambda: with_disclosures(base_claims(), [("s", None, 1)]), {}),
        (
            "object-disclosure-in-array",
            lambda: (
                lambda d: signed(base_claims(extra=[{"...": disclosure_digest(d)}])) + "~" + d + "~"
            )(encode_disclosure("s", "n", 1)),
            {},
        ),
        (
            "array-digest-with-more-keys",
            lambda: signed(base_claims(extra=[{"...": "abc", "x": 1}])) + "~",
            {},
        ),
        (
            "disclosed-claim-exists",
            lambda: with_disclosures(base_claims(), [("s", "name", "Other")]),
            {},
        ),
        ("disclosure-named-sd", lambda: token + b64json(["s", "_sd", 1]) + "~", {}),
        (
            "never-disclosed-issuer",
            lambda: with_disclosures(
                {k: v for k, v in base_claims().items() if k != "issuer"},
                [("s", "issuer", base_claims()["issuer"])],
            ),
            {},
        ),
        (
            "never-disclosed-iss",
            lambda: with_disclosures(
                {k: v for k, v in base_claims().items() if k != "iss"},
                [("s", "iss", sc.ISSUER_DID)],
            ),
            {},
        ),
        (
            "recursive-disclosures",
            lambda: (
                lambda inner: (
                    lambda outer: (
                        signed(
                            base_claims(
                                _sd=[disclosure_digest(outer)],
                                _sd_alg="sha-256",
                                cnf={"jwk": sc.HOLDER.public.to_jwk()},
                            )
                        )
                        + "~"
                        + outer
                        + "~"
                        + inner
                        + "~"
                    )
                )(encode_disclosure("s2", "extra", {"_sd": [disclosure_digest(inner)], "a": [1]}))
            )(encode_disclosure("s1", "inner", {"deep": [{"x": 1}]})),
            {},
        ),
        (
            "nested-context-in-disclosure",
            lambda: with_disclosures(
                base_claims(),
                [("s", "extra", {"@context": {"@vocab": "https://example.org/#"}, "x": 1})],
            ),
            {},
        ),
        (
            "nested-context-protected",
            lambda: (
                signed(base_claims(extra={"@context": {"id": "https://example.org/#id"}, "x": 1}))
                + "~"
            ),
            {},
        ),
        (
            "big-integers",
            lambda: with_disclosures(
                base_claims(),
                [("s", "extra", [2**70, -(2**70), 2**63 - 1, 1.5, 1e300, True, None])],
            ),
            {},
        ),
        ("big-integer-in-payload", lambda: signed(json.dumps(base_claims(huge=2**64))) + "~", {}),
        (
            "escaped-surrogate-pair",
            lambda: (
                signed(json.dumps(base_claims(name="\U0001f393 Nursing"), ensure_ascii=True)) + "~"
            ),
            {},
        ),
        (
            "lone-surrogate",
            lambda: (
                signed(json.dumps(base_claims()).replace('"name": "', '"name": "\\ud800', 1)) + "~"
            ),
            {},
        ),
        (
            "duplicate-member",
            lambda: signed(json.dumps(base_claims())[:-1] + ', "iss": "did:example:x"}') + "~",
            {},
        ),
        ("payload-not-object", lambda: signed("[1, 2]") + "~", {}),
        ("relative-uri", lambda: signed(base_claims(id="not-a-uri")) + "~", {}),
        (
            "schema-violation",
            lambda: signed(base_claims(credentialSubject={"type": ["x"]})) + "~",
            {},
        ),
        (
            "no-vc-context",
            lambda: signed(base_claims(**{"@context": ["https://example.org"]})) + "~",
            {},
        ),
        (
            "unicode-values",
            lambda: signed(base_claims(name="Pflege \u00e9\u00e8 \u4e2d")) + "~",
            {},
        ),
        ("whitespace-json", lambda: signed(json.dumps(base_claims(), indent=2)) + "~", {}),
        ("no-cnf-with-kb", lambda: kb(signed(base_claims()) + "~"), PRESENT),
        (
            "cnf-private-key",
            lambda: kb(signed(base_claims(cnf={"jwk": sc.HOLDER.to_private_jwk()})) + "~"),
            PRESENT,
        ),
        (
            "cnf-bad-key",
            lambda: kb(
                signed(
                    base_claims(cnf={"jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}})
                )
                + "~"
            ),
            PRESENT,
        ),
        ("empty-component", lambda: jwt + "~~" + disclosures[0] + "~", {}),
    ]
    return found


def main() -> None:
    out = []
    for name, make, case in cases():
        token = make()
        out.append(
            {"id": name, "token": token, "options": case, "report": report_json(token, case)}
        )
    for folder in sorted((ROOT / "tests/vectors/sd-jwt/ietf-draft-examples").iterdir()):
        presentation = folder / "sd_jwt_presentation.txt"
        if presentation.exists():
            token = presentation.read_text().strip()
            case = {"challenge": "XZOUco1u_gEPknxS78sWWg", "domain": "https://verifier.example.org"}
            out.append(
                {
                    "id": f"ietf-{folder.name}",
                    "token": token,
                    "options": case,
                    "report": report_json(token, case),
                }
            )
    lines = ",\n".join(json.dumps(case, ensure_ascii=False, sort_keys=True) for case in out)
    (HERE / "cases.json").write_text("[\n" + lines + "\n]\n")  # a case per line
    print(f"{len(out)} cases")


if __name__ == "__main__":
    main()
