"""vckit.disclosure.fields: the fields a holder may show or hide, and exactly what a verifier
sees."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests import sd_scenarios as sc
from vckit import sdjwt as sd_jwt
from vckit.di import ecdsa_sd
from vckit.disclosure.disclose import disclose_ecdsa_sd, disclose_sd_jwt, preview
from vckit.disclosure.fields import (
    WHY_ECDSA_SD,
    WHY_PLAIN,
    WHY_SD_JWT,
    credential_view,
    fields_of_ecdsa_sd,
    fields_of_plain,
    fields_of_sd_jwt,
    path_to_pointer,
    pointer_to_path,
)
from vckit.errors import SdPointerError
from vckit.keys import multibase
from vckit.keys.keyfile import key_id
from vckit.sdjwt import compact as sd_jwt_compact
from vckit.verification import VerifyOptions, verify

SD_JWT = sc.issue_sd_jwt()
BASE = sc.issue_ecdsa_sd()


def _by_pointer(fields: list[Any]) -> dict[str, Any]:
    return {f.pointer: f for f in fields}


@pytest.mark.parametrize(
    ("pointer", "path"),
    [
        ("/credentialSubject/identifier/1", ("credentialSubject", "identifier", 1)),
        ("/awardedDate", ("awardedDate",)),
        ("/a~1b/c~0d", ("a/b", "c~d")),
    ],
)
def test_pointer_and_path_round_trip(pointer: str, path: tuple[str | int, ...]) -> None:
    assert pointer_to_path(pointer) == path
    assert path_to_pointer(path) == pointer


def test_pointer_must_start_with_slash() -> None:
    with pytest.raises(SdPointerError):
        pointer_to_path("awardedDate")


def test_sd_jwt_fields_lock_what_is_not_a_disclosure() -> None:
    fields = _by_pointer(fields_of_sd_jwt(SD_JWT))
    labels = {p: f.label for p, f in fields.items() if not f.mandatory}
    assert labels == {
        sc.NAME: "Recipient name",
        sc.BIRTH: "Date of birth",
        sc.EMAIL: "Email (hashed)",
        sc.GRADE: "Grade",
        sc.EVIDENCE: "Evidence",
        sc.AWARDED: "Awarded date",
    }
    locked = {p for p, f in fields.items() if f.mandatory}
    assert locked == {
        "/issuer",
        "/validFrom",
        "/name",
        "/credentialSubject/achievement",
        "/credentialSchema",
    }
    assert all(fields[p].why == WHY_SD_JWT for p in locked)
    assert fields[sc.NAME].value["identityHash"] == "Alex Rivera"
    assert not any(p in fields for p in ("/iss", "/vct", "/cnf", "/@context", "/id", "/type"))


def test_ecdsa_sd_fields_follow_the_mandatory_pointers() -> None:
    fields = _by_pointer(fields_of_ecdsa_sd(BASE))
    free = {p for p, f in fields.items() if not f.mandatory}
    assert free == {sc.NAME, sc.BIRTH, sc.EMAIL, sc.GRADE, sc.EVIDENCE, sc.AWARDED}
    assert fields["/credentialSubject/achievement"].why == WHY_ECDSA_SD
    assert fields[sc.GRADE].label == "Grade"
    assert fields[sc.EVIDENCE].label == "Evidence"


def test_ecdsa_sd_field_under_a_mandatory_pointer_is_locked() -> None:
    secured = ecdsa_sd.create_base_proof(
        sc.credential(),
        {k: v for k, v in BASE["proof"].items() if k != "proofValue"},
        sc.ISSUER,
        [*sc.MANDATORY, "/credentialSubject/identifier"],
    )
    fields = _by_pointer(fields_of_ecdsa_sd(secured))
    assert fields[sc.NAME].mandatory and fields[sc.EMAIL].mandatory
    assert not fields[sc.GRADE].mandatory


def test_plain_fields_are_all_locked_and_not_split() -> None:
    fields = fields_of_plain(sc.credential())
    assert fields and all(f.mandatory and f.why == WHY_PLAIN for f in fields)
    assert "/credentialSubject/identifier" in {f.pointer for f in fields}


def test_sd_jwt_disclose_matches_preview() -> None:
    chosen = [sc.BIRTH, sc.GRADE]
    token = disclose_sd_jwt(SD_JWT, chosen, None)
    _jwt, disclosures, kb = sd_jwt.split(token)
    assert kb is None and len(disclosures) == 2
    header, payload = sd_jwt_compact.jwt_parts(_jwt, "jwt")
    seen = credential_view(sd_jwt.process_disclosures(payload, disclosures).claims)
    expected = preview(fields_of_sd_jwt(SD_JWT), chosen, credential=seen)
    assert seen == expected
    assert [i["identityType"] for i in seen["credentialSubject"]["identifier"]] == [
        "ext:dateOfBirth"
    ]
    assert "awardedDate" not in seen and "evidence" not in seen


def test_sd_jwt_disclose_with_key_binding() -> None:
    token = disclose_sd_jwt(SD_JWT, [sc.NAME], sc.HOLDER, nonce="n-1", aud="https://v", iat=sc.NOW)
    assert sd_jwt.split(token)[2] is not None


def test_sd_jwt_disclose_refuses_unknown_pointer() -> None:
    with pytest.raises(SdPointerError):
        disclose_sd_jwt(SD_JWT, ["/credentialSubject/nickname"], None)


def test_ecdsa_sd_disclose_matches_preview() -> None:
    chosen = [sc.EMAIL, sc.EVIDENCE]
    derived = disclose_ecdsa_sd(BASE, chosen)
    ecdsa_sd.verify_derived_proof(derived, sc.ISSUER.public)
    seen = {k: v for k, v in derived.items() if k != "proof"}
    assert seen == preview(fields_of_ecdsa_sd(BASE), chosen, credential=BASE)
    assert seen["credentialSubject"]["identifier"][0]["identityType"] == "emailAddress"
    assert "result" not in seen["credentialSubject"]


def test_preview_without_credential_has_only_fields() -> None:
    view = preview(fields_of_sd_jwt(SD_JWT), [])
    assert "credentialSubject" in view and "identifier" not in view["credentialSubject"]
    assert "@context" not in view


# --- arrays whose issuer-signed positions differ from the holder's view ----------------------


def _identifier_sd_jwt(decoy_first: bool, locked_first: bool) -> str:
    """An SD-JWT whose identifier array holds, before the disclosable name / birth / e-mail
    elements, a decoy digest (RFC 9901 §4.2.5) and/or an element that is not disclosable."""
    claims = sc.credential()
    claims |= {"iss": sc.ISSUER_DID, "iat": 1756684800, "vct": sc.VCT}
    subject = claims["credentialSubject"]
    people = subject["identifier"]
    extra = {"type": "IdentityObject", "identityType": "sourcedId", "hashed": False}
    subject["identifier"] = ([extra | {"identityHash": "S-1"}] if locked_first else []) + people
    offset = 1 if locked_first else 0
    token = sd_jwt.issue(
        claims,
        sc.ISSUER,
        kid=key_id(sc.ISSUER.public),
        disclosable=[("credentialSubject", "identifier", offset + i) for i in range(3)],
        holder_jwk=sc.HOLDER.public.to_jwk(),
    )
    if not decoy_first:
        return token
    jwt, disclosures, _ = sd_jwt.split(token)
    _header, payload = sd_jwt_compact.jwt_parts(jwt, "jwt")
    decoy = multibase.base64url_nopad_encode(hashlib.sha256(b"decoy").digest())
    payload["credentialSubject"]["identifier"].insert(0, {"...": decoy})
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "kid": key_id(sc.ISSUER.public)}
    return (
        sd_jwt_compact.sign_jws(header, payload, sc.ISSUER)
        + "~"
        + "".join(d + "~" for d in disclosures)
    )


@pytest.mark.parametrize(
    ("decoy_first", "locked_first"),
    [(True, False), (False, True), (True, True)],
    ids=["decoy", "undisclosable-element", "both"],
)
def test_sd_jwt_sends_exactly_the_field_the_preview_shows(
    decoy_first: bool, locked_first: bool
) -> None:
    token = _identifier_sd_jwt(decoy_first, locked_first)
    fields = fields_of_sd_jwt(token)
    by_label = {f.label: f for f in fields}
    assert not by_label["Date of birth"].mandatory and not by_label["Recipient name"].mandatory
    # pointers are positions in the holder's view: the value found there is the field's
    view = credential_view(sd_jwt.process_disclosures(*_payload_and_disclosures(token)).claims)
    for field in fields:
        assert _at(view, field.pointer) == field.value
    chosen = [by_label["Email (hashed)"].pointer]
    expected = preview(fields, chosen)["credentialSubject"]["identifier"]
    sent = disclose_sd_jwt(token, chosen, sc.HOLDER, nonce="n", aud="a", iat=sc.NOW)
    report = verify(sent, VerifyOptions(now=sc.NOW, challenge="n", domain="a"))
    (inner,) = report.credentials
    assert [c.status for c in inner.checks if c.id == "disclosures"] == ["pass"]
    assert inner.document is not None
    assert inner.document["credentialSubject"]["identifier"] == expected
    kinds = [i["identityType"] for i in expected]
    assert kinds == (["sourcedId"] if locked_first else []) + ["emailAddress"]


def _payload_and_disclosures(token: str) -> tuple[dict[str, Any], list[str]]:
    jwt, disclosures, _ = sd_jwt.split(token)
    return sd_jwt_compact.jwt_parts(jwt, "jwt")[1], disclosures


def _at(document: Any, pointer: str) -> Any:
    for part in pointer_to_path(pointer):
        document = document[part]
    return document


def test_sd_jwt_disclose_refuses_a_presentation_that_differs_from_the_preview(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth: if presenting ever went wrong, nothing unexpected is sent."""
    real = sd_jwt.present

    def drops_one(token: str, paths: Any, *args: Any, **kwargs: Any) -> str:
        return real(token, list(paths)[1:], *args, **kwargs)

    monkeypatch.setattr(sd_jwt, "present", drops_one)
    with pytest.raises(SdPointerError, match="differ from the preview"):
        disclose_sd_jwt(SD_JWT, [sc.BIRTH, sc.GRADE], None)


def test_ecdsa_sd_disclose_refuses_a_derived_credential_that_differs_from_the_preview(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ecdsa_sd.add_derived_proof

    def adds_one(secured: Any, pointers: Any) -> dict[str, Any]:
        return real(secured, [*pointers, sc.NAME])

    monkeypatch.setattr(ecdsa_sd, "add_derived_proof", adds_one)
    with pytest.raises(SdPointerError, match="differ from the preview"):
        disclose_ecdsa_sd(BASE, [sc.EMAIL])


def test_an_sd_jwt_shared_with_nothing_optional_chosen_is_sent_and_verifies() -> None:
    """The SD-JWT keeps an array whose every element is withheld (``identifier: []``); the
    preview does not list it, and the defence check once refused the whole share."""
    sent = disclose_sd_jwt(SD_JWT, [], sc.HOLDER, nonce="n", aud="a", iat=sc.NOW)
    assert sd_jwt.split(sent)[1] == []  # no disclosure sent
    report = verify(sent, VerifyOptions(now=sc.NOW, challenge="n", domain="a"))
    (inner,) = report.credentials
    assert inner.document is not None
    assert inner.document["credentialSubject"]["identifier"] == []
    assert [c.status for c in inner.checks if c.id == "disclosures"] == ["pass"]
