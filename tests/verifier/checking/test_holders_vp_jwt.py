"""``same-holder`` over an answer with VC-JOSE-COSE ``vp+jwt`` presentations: a vp+jwt's
holder is the DID it names (as an ``ldp_vp``'s), not an SD-JWT whose ``cnf`` key is missing."""

from __future__ import annotations

from tests import scenarios as s
from vckit.did.resolver import DidResolver
from vckit.jose.vp_jwt import envelop, sign_vp_jwt
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation
from verifier.checking.holders import same_holder


def vp_jwt(signer: KeyPair = s.HOLDER) -> str:
    vp = build_presentation([envelop(s.jwt_credential())], holder=s.did_of(signer))
    return sign_vp_jwt(vp, signer, kid=s.vm_of(signer), nonce="n", aud="a")


def test_two_vp_jwts_of_one_holder_are_the_same_holder() -> None:
    found = same_holder([vp_jwt(), vp_jwt()], DidResolver())
    assert found is not None and found.status == "pass", found


def test_a_vp_jwt_and_an_ldp_vp_of_one_holder() -> None:
    ldp = s.presentation(challenge="n", domain="a").presentation
    found = same_holder([vp_jwt(), ldp], DidResolver())
    assert found is not None and found.status == "pass", found


def test_a_vp_jwt_of_someone_else_is_not_the_same_holder() -> None:
    ldp = s.presentation(challenge="n", domain="a").presentation
    found = same_holder([vp_jwt(s.OTHER), ldp], DidResolver())
    assert found is not None and found.status == "fail"
    assert "different holders" in found.detail
