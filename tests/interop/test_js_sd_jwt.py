"""SD-JWT VC interop: vckit/sdjwt/ (RFC 9901) against the OpenWallet Foundation's JavaScript.

Independent implementation: ``@sd-jwt/sd-jwt-vc`` (``SDJwtVcInstance``: ``issue``, ``present``,
``verify``) with ES256 from ``@sd-jwt/crypto-nodejs``; exact versions in
tests/interop/js/package-lock.json, script tests/interop/js/sdjwt.mjs.

An OB 3.0 AchievementCredential as a ``dc+sd-jwt`` payload: the three IdentityObjects of
``credentialSubject.identifier`` are array-element disclosures, ``credentialSubject.result``,
``evidence`` and ``awardedDate`` object-property disclosures; the issuer key is the W3C P-256
vector key (did:key), the holder's P-256 key is bound by ``cnf.jwk``. The holder shows the
recipient name, the grade and the awarded date, and withholds the date of birth, the e-mail
and the evidence.

  a) vckit issues -> JS verifies (signature, disclosures) -> JS presents with a KB-JWT ->
     vckit verifies (``sd_jwt.verify``, key binding required, nonce and aud, and the full
     ``vckit.verification.verify`` report); a changed disclosure fails on both sides;
  b) JS issues -> vckit verifies -> vckit presents with a KB-JWT -> JS verifies (key binding
     required, nonce and aud); another nonce or aud, a changed disclosure, a stripped KB-JWT
     and a KB-JWT signed by another key fail in JS;
  c) for the same disclosure choice both sides decode the same claims.

Node runs twice for this module: issue + present + verify vckit's tokens, then verify vckit's
presentations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest

from tests import sd_scenarios as sc
from vckit import sdjwt as sd_jwt
from vckit.did.resolver import DidResolver, did_key
from vckit.errors import KeyBindingNonceError, SdJwtUnreferencedDisclosureError, VckitError
from vckit.keys import multibase
from vckit.keys.keyfile import key_id
from vckit.keys.keypair import KeyPair, PublicKey
from vckit.report import FAIL, PASS, UNCHECKED
from vckit.verification import VerifyOptions, verify

pytestmark = pytest.mark.interop

JsResults = Any  # conftest.JsResults
RunJs = Any  # conftest.RunJs

NOW = sc.NOW
KB_IAT = NOW - timedelta(seconds=30)
NONCE = "n-3f9a1c7e"
AUD = "https://carehome.example"
HOLDER = sc.HOLDER
DISCLOSABLE = sc.DISCLOSABLE
#: The same as a @sd-jwt DisclosureFrame.
DISCLOSURE_FRAME = {
    "_sd": ["evidence", "awardedDate"],
    "credentialSubject": {"_sd": ["result"], "identifier": {"_sd": [0, 1, 2]}},
}
SHOWN: list[sd_jwt.Path] = [
    ("credentialSubject", "identifier", 0),
    ("credentialSubject", "result"),
    ("awardedDate",),
]
#: The same choice as a @sd-jwt PresentationFrame.
PRESENTATION_FRAME = {
    "credentialSubject": {"identifier": {"0": True}, "result": True},
    "awardedDate": True,
}


def shown_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """What a verifier must decode from a presentation of SHOWN: the payload without the
    withheld date of birth, e-mail and evidence, with the holder's cnf."""
    out: dict[str, Any] = json.loads(json.dumps(claims))
    out["credentialSubject"]["identifier"] = out["credentialSubject"]["identifier"][:1]
    del out["evidence"]
    return out | {"cnf": {"jwk": HOLDER.public.to_jwk()}}


def reencode(disclosure: str, value: Any) -> str:
    items = json.loads(multibase.base64url_nopad_decode(disclosure))
    items[-1] = value
    return multibase.base64url_nopad_encode(json.dumps(items).encode())


def tamper(token: str, name: str, value: Any) -> str:
    """``token`` with the disclosure of the identifier named ``name`` changed (re-encoded)."""
    jwt, disclosures, kb = sd_jwt.split(token)
    changed = 0
    for index, encoded in enumerate(disclosures):
        item = sd_jwt.parse_disclosure(encoded).value
        if isinstance(item, dict) and item.get("identityHash") == name:
            disclosures[index] = reencode(encoded, item | {"identityHash": value})
            changed += 1
    assert changed == 1, "the disclosure to change was not found"
    return jwt + "~" + "".join(d + "~" for d in disclosures) + (kb or "")


class Setup:
    """Keys and the two issued tokens, one per issuer implementation."""

    def __init__(self, interop_keys: dict[str, Any]) -> None:
        entry = interop_keys["P-256"]
        self.issuer = KeyPair.from_private_jwk(entry["privateJwk"])
        self.issuer_jwk = entry["privateJwk"]
        self.did = did_key(self.issuer.public)
        self.kid = key_id(self.issuer.public)
        self.claims = sc.sd_jwt_claims(self.did)
        self.ours = sd_jwt.issue(
            self.claims,
            self.issuer,
            kid=self.kid,
            disclosable=DISCLOSABLE,
            holder_jwk=HOLDER.public.to_jwk(),
        )

    def issuer_key(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        assert header.get("kid") == self.kid and payload.get("iss") == self.did
        return self.issuer.public

    def verify_ours(self, token: str, **kwargs: Any) -> sd_jwt.SdJwtVerification:
        options: dict[str, Any] = {
            "now": NOW,
            "expected_nonce": NONCE,
            "expected_aud": AUD,
            "require_key_binding": True,
            "expected_typ": "dc+sd-jwt",
        }
        return sd_jwt.verify(token, self.issuer_key, **(options | kwargs))

    def js_verify(self, case_id: str, token: str, **kwargs: Any) -> dict[str, Any]:
        case = {"id": case_id, "op": "verify", "sdJwt": token, "now": int(NOW.timestamp())}
        public = {k: self.issuer_jwk[k] for k in ("kty", "crv", "x", "y")}
        return case | {"issuerJwk": public} | kwargs


def key_binding(nonce: str = NONCE, aud: str = AUD) -> dict[str, Any]:
    return {"nonce": nonce, "aud": aud, "requireKeyBinding": True}


# --- the two node runs -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def setup(interop_keys: dict[str, Any]) -> Setup:
    return Setup(interop_keys)


@pytest.fixture(scope="module")
def first(run_js: RunJs, setup: Setup) -> JsResults:
    """JS issues, presents vckit's token, and verifies vckit's issued token."""
    holder_jwk = HOLDER.to_private_jwk()
    js_claims = setup.claims | {"cnf": {"jwk": HOLDER.public.to_jwk()}}
    return run_js(
        "sdjwt.mjs",
        [
            {
                "id": "js-issue",
                "op": "issue",
                "claims": js_claims,
                "disclosureFrame": DISCLOSURE_FRAME,
                "issuerJwk": setup.issuer_jwk,
                "kid": setup.kid,
            },
            {
                "id": "js-present",
                "op": "present",
                "sdJwt": setup.ours,
                "presentationFrame": PRESENTATION_FRAME,
                "holderJwk": holder_jwk,
                "nonce": NONCE,
                "aud": AUD,
                "iat": int(KB_IAT.timestamp()),
            },
            setup.js_verify("ours-issued", setup.ours),
            setup.js_verify("ours-issued-tampered", tamper(setup.ours, "Alex Rivera", "Sam Lee")),
        ],
    )


@pytest.fixture(scope="module")
def js_issued(first: JsResults) -> str:
    token: str = first.completed("js-issue")["sdJwt"]
    return token


@pytest.fixture(scope="module")
def js_presented(first: JsResults) -> str:
    token: str = first.completed("js-present")["presentation"]
    return token


@pytest.fixture(scope="module")
def ours_presented(js_issued: str) -> str:
    return sd_jwt.present(js_issued, SHOWN, HOLDER, nonce=NONCE, aud=AUD, iat=KB_IAT)


@pytest.fixture(scope="module")
def second(run_js: RunJs, setup: Setup, js_presented: str, ours_presented: str) -> JsResults:
    """JS verifies vckit's presentations (and its own, for the claims comparison)."""
    stripped = ours_presented[: ours_presented.rindex("~") + 1]
    other_kb = sd_jwt.present(
        stripped, SHOWN, KeyPair.generate("P-256"), nonce=NONCE, aud=AUD, iat=KB_IAT
    )
    return run_js(
        "sdjwt.mjs",
        [
            setup.js_verify("ours-presented", ours_presented, **key_binding()),
            setup.js_verify("ours-presented-other-nonce", ours_presented, **key_binding("n-0")),
            setup.js_verify(
                "ours-presented-other-aud", ours_presented, **key_binding(aud="https://x.example")
            ),
            setup.js_verify(
                "ours-presented-tampered",
                tamper(ours_presented, "Alex Rivera", "Sam Lee"),
                **key_binding(),
            ),
            setup.js_verify("ours-presented-stripped", stripped, **key_binding()),
            setup.js_verify("ours-presented-other-key", other_kb, **key_binding()),
            setup.js_verify("js-presented", js_presented, **key_binding()),
            setup.js_verify(
                "js-presented-tampered",
                tamper(js_presented, "Alex Rivera", "Sam Lee"),
                **key_binding(),
            ),
        ],
    )


def passed(result: Mapping[str, Any]) -> dict[str, Any]:
    assert result["verified"] is True, result["errors"]
    claims: dict[str, Any] = result["claims"]
    return claims


def failed(result: Mapping[str, Any], reason: str) -> None:
    assert result["verified"] is False, "JS accepted what it must refuse"
    assert any(reason in error for error in result["errors"]), result["errors"]


ALWAYS = frozenset({"credentialStatus", "validUntil"})


def full_report(token: str, attested: str | None = None) -> Any:
    """``attested``: the issuer a registry attests always discloses status and end date."""

    def always_disclosed(issuer: str) -> frozenset[str]:
        return ALWAYS if issuer == attested else frozenset()

    options = VerifyOptions(now=NOW, challenge=NONCE, domain=AUD, always_disclosed=always_disclosed)
    return verify(token, options)


# --- a) vckit issues, JS verifies and presents, vckit verifies -------------------------------


def test_a_js_verifies_vckit_issued_credential(first: JsResults, setup: Setup) -> None:
    claims = passed(first.completed("ours-issued"))
    assert claims == setup.claims | {"cnf": {"jwk": HOLDER.public.to_jwk()}}


def test_a_vckit_verifies_js_presentation(setup: Setup, js_presented: str) -> None:
    result = setup.verify_ours(js_presented)
    assert result.claims == shown_claims(setup.claims)
    assert set(result.disclosed_paths) == set(SHOWN)
    assert result.withheld == 3
    with pytest.raises(KeyBindingNonceError):
        setup.verify_ours(js_presented, expected_nonce="n-0")


def test_a_full_report_passes_js_presentation(setup: Setup, js_presented: str) -> None:
    report = full_report(js_presented, setup.did)
    assert report.verdict == PASS, [(c.id, c.status, c.detail) for c in report.all_checks()]
    assert report.format == "dc+sd-jwt+kb"
    (credential,) = report.credentials
    assert credential.disclosure is not None
    assert set(credential.disclosure.disclosed) == {
        "/credentialSubject/identifier/0",
        "/credentialSubject/result",
        "/awardedDate",
    }


def test_a_full_report_without_a_registry_cannot_rule_out_hidden_members(
    js_presented: str,
) -> None:
    """evidence stays hidden at the top level: so could credentialStatus / validUntil."""
    report = full_report(js_presented)
    (credential,) = report.credentials
    assert credential.check("status").status == UNCHECKED
    assert credential.check("validity-period").status == UNCHECKED
    assert "SD-JWT lets a holder withhold it" in credential.check("status").detail
    assert report.verdict == UNCHECKED


def test_a_changed_disclosure_fails_on_both_sides(
    setup: Setup, first: JsResults, second: JsResults, js_presented: str
) -> None:
    tampered = tamper(js_presented, "Alex Rivera", "Sam Lee")
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        setup.verify_ours(tampered)
    failed(second.completed("js-presented-tampered"), "sd_hash")
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        setup.verify_ours(tamper(setup.ours, "Alex Rivera", "Sam Lee"), require_key_binding=False)
    # Without a KB-JWT the library ignores a disclosure no digest references (RFC 9901 §7.1
    # step 5 says reject): it verifies, and the changed value is dropped, never shown.
    # Asserted, so that a library that starts to refuse shows up here.
    js = passed(first.completed("ours-issued-tampered"))
    assert "Sam Lee" not in json.dumps(js)
    assert len(js["credentialSubject"]["identifier"]) == 2


# --- b) JS issues, vckit verifies and presents, JS verifies ----------------------------------


def test_b_vckit_verifies_js_issued_credential(setup: Setup, js_issued: str) -> None:
    header = json.loads(multibase.base64url_nopad_decode(js_issued.split(".", 1)[0]))
    assert header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": setup.kid}
    result = setup.verify_ours(js_issued, require_key_binding=False)
    assert result.claims == setup.claims | {"cnf": {"jwk": HOLDER.public.to_jwk()}}
    assert set(result.disclosed_paths) == set(DISCLOSABLE)
    assert result.withheld == 0
    report = verify(js_issued, VerifyOptions(now=NOW))
    assert report.verdict == PASS, [(c.id, c.status, c.detail) for c in report.all_checks()]


def test_b_js_verifies_vckit_presentation(second: JsResults, setup: Setup) -> None:
    result = second.completed("ours-presented")
    assert passed(result) == shown_claims(setup.claims)
    assert result["kb"]["nonce"] == NONCE and result["kb"]["aud"] == AUD
    assert result["kb"]["iat"] == int(KB_IAT.timestamp())


@pytest.mark.parametrize(
    ("case_id", "reason"),
    [
        ("ours-presented-other-nonce", "Invalid Nonce"),
        ("ours-presented-other-aud", "aud"),
        ("ours-presented-tampered", "sd_hash"),
        ("ours-presented-stripped", "Key Binding JWT not exist"),
        ("ours-presented-other-key", "Invalid JWT Signature"),
    ],
)
def test_b_js_refuses_a_changed_vckit_presentation(
    second: JsResults, case_id: str, reason: str
) -> None:
    failed(second.completed(case_id), reason)


def test_b_vckit_refuses_the_same_changes(setup: Setup, ours_presented: str) -> None:
    stripped = ours_presented[: ours_presented.rindex("~") + 1]
    other = sd_jwt.present(
        stripped, SHOWN, KeyPair.generate("P-256"), nonce=NONCE, aud=AUD, iat=KB_IAT
    )
    for token, kwargs in [
        (ours_presented, {"expected_nonce": "n-0"}),
        (ours_presented, {"expected_aud": "https://x.example"}),
        (tamper(ours_presented, "Alex Rivera", "Sam Lee"), {}),
        (stripped, {}),
        (other, {}),
    ]:
        with pytest.raises(VckitError):
            setup.verify_ours(token, **kwargs)


# --- c) the same disclosure choice decodes to the same claims on both sides ------------------


def test_c_both_sides_decode_the_same_claims(
    setup: Setup, second: JsResults, js_presented: str, ours_presented: str
) -> None:
    expected = shown_claims(setup.claims)
    assert setup.verify_ours(js_presented).claims == expected
    assert passed(second.completed("js-presented")) == expected
    assert setup.verify_ours(ours_presented).claims == expected
    assert passed(second.completed("ours-presented")) == expected


# --- an https issuer: its key from its JWT VC issuer metadata (SD-JWT VC §5) -------------------

HTTPS_ISSUER = "https://issuer.example/tenants/college"
METADATA_URL = "https://issuer.example/.well-known/jwt-vc-issuer/tenants/college"


@pytest.fixture(scope="module")
def js_https_issued(run_js: RunJs, setup: Setup) -> str:
    """The OpenWallet Foundation library issues for an https ``iss`` with a plain ``kid``."""
    claims = setup.claims | {"iss": HTTPS_ISSUER, "cnf": {"jwk": HOLDER.public.to_jwk()}}
    claims["issuer"] = HTTPS_ISSUER
    case = {
        "id": "js-https-issue",
        "op": "issue",
        "claims": claims,
        "disclosureFrame": DISCLOSURE_FRAME,
        "issuerJwk": setup.issuer_jwk,
        "kid": "key-2026",
    }
    token: str = run_js("sdjwt.mjs", [case]).completed("js-https-issue")["sdJwt"]
    return token


def test_an_https_issuer_is_found_through_its_jwt_vc_issuer_metadata(
    setup: Setup, js_https_issued: str
) -> None:
    public = {k: setup.issuer_jwk[k] for k in ("kty", "crv", "x", "y")}
    metadata = {"issuer": HTTPS_ISSUER, "jwks": {"keys": [public | {"kid": "key-2026"}]}}

    def fetch(url: str) -> bytes:
        if url != METADATA_URL:
            raise OSError(f"no route to {url}")
        return json.dumps(metadata).encode()

    online = verify(js_https_issued, VerifyOptions(resolver=DidResolver(fetch), now=NOW))
    assert online.check("proof").status == PASS, online.to_json()
    assert online.check("issuer-key").status == PASS
    assert "JWT VC issuer metadata" in online.check("issuer-key").detail
    offline = verify(js_https_issued, VerifyOptions(now=NOW))
    assert offline.check("issuer-key").status == UNCHECKED  # never a bad signature
    assert offline.check("proof").status == UNCHECKED
    wrong = {"issuer": HTTPS_ISSUER, "jwks": {"keys": [public | {"kid": "another"}]}}
    metadata.update(wrong)
    assert (
        verify(js_https_issued, VerifyOptions(resolver=DidResolver(fetch), now=NOW))
        .check("issuer-key")
        .status
        == FAIL
    )
