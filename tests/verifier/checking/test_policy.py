"""The employer's policy, pure: requirements parsing, the registry file, trusted-issuer and
requirements-met over hand-made reports (no HTTP, no signatures)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from verifier.checking import policy, registry
from verifier.checking.policy import Requirements, RequirementsError, Skill, evaluate
from verifier.checking.registry import REGISTRY_FILE, Registry, RegistryError

ISSUER_URL = "http://localhost:8001"
FOOD = "did:web:localhost%3A8001:issuers:food-safety"
BOARD = "did:web:localhost%3A8001:issuers:nursing-board"
FOOD_HANDLER = f"{ISSUER_URL}/issuers/food-safety/achievements/food-handler"
LPN = f"{ISSUER_URL}/issuers/nursing-board/achievements/licensed-practical-nurse"
SAFE_FOOD_URL = "https://competencies.example.org/ctdl/food-safety/safe-food-handling"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
OWN_CHECKS = ("format", "proof", "issuer-key", "validity-period", "status", "schema")


@pytest.fixture(scope="module")
def demo() -> Registry:
    return registry.load(REGISTRY_FILE, ISSUER_URL)


def credential(
    issuer: str = FOOD,
    achievement: str = FOOD_HANDLER,
    *,
    name: str = "Food Handler",
    valid_from: str = "2026-01-10T00:00:00Z",
    alignment: tuple[tuple[str, str], ...] = (("Safe food handling", SAFE_FOOD_URL),),
) -> dict[str, Any]:
    return {
        "id": f"urn:uuid:{name.lower().replace(' ', '-')}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"]},
        "validFrom": valid_from,
        "credentialSubject": {
            "id": "did:example:ana",
            "achievement": {
                "id": achievement,
                "name": name,
                "alignment": [{"targetName": n, "targetUrl": u} for n, u in alignment],
            },
        },
    }


def report_of(document: dict[str, Any], failing: str | None = None) -> Report:
    checks = tuple(Check(c, FAIL if c == failing else PASS, "made by the test") for c in OWN_CHECKS)
    return Report(kind="credential", format="eddsa-rdfc-2022", checks=checks, document=document)


def presentation_of(*inner: Report) -> Report:
    checks = (Check("proof", PASS, "ok"), Check("holder-binding", PASS, "ok"))
    return Report(kind="presentation", format="eddsa-rdfc-2022", checks=checks, credentials=inner)


# --- requirements ----------------------------------------------------------------------


def test_requirements_from_json_reads_every_field() -> None:
    found = Requirements.from_json(
        {
            "types": ["OpenBadgeCredential"],
            "skills": [SAFE_FOOD_URL, "Medication administration", {"name": "Safe food handling"}],
            "accreditedOnly": True,
            "issuedWithinYears": 3,
        }
    )
    assert found == Requirements(
        types=("OpenBadgeCredential",),
        skills=(
            Skill(target_url=SAFE_FOOD_URL),
            Skill(name="Medication administration"),
            Skill(name="Safe food handling"),
        ),
        accredited_only=True,
        issued_within_years=3,
    )
    assert Requirements.from_json(json.dumps(found.to_json())) == found


def test_requirements_default_to_nothing_required() -> None:
    assert Requirements.from_json({}) == Requirements()


@pytest.mark.parametrize(
    ("data", "names"),
    [
        pytest.param("[1, 2", "not JSON", id="bad-json"),
        pytest.param([], "JSON object", id="not-an-object"),
        pytest.param({"salary": 1}, "salary", id="unknown-field"),
        pytest.param({"types": "OpenBadgeCredential"}, "'types'", id="types-not-a-list"),
        pytest.param({"types": [""]}, "'types'", id="empty-type"),
        pytest.param({"skills": {}}, "'skills'", id="skills-not-a-list"),
        pytest.param({"skills": [7]}, "skills[0]", id="skill-a-number"),
        pytest.param({"skills": [{}]}, "skills[0] needs", id="skill-empty"),
        pytest.param({"skills": [{"code": "x"}]}, "code", id="skill-unknown-field"),
        pytest.param({"skills": [{"name": " "}]}, "skills[0].name", id="skill-blank-name"),
        pytest.param({"accreditedOnly": "yes"}, "'accreditedOnly'", id="accredited-not-bool"),
        pytest.param({"issuedWithinYears": True}, "'issuedWithinYears'", id="years-bool"),
        pytest.param({"issuedWithinYears": 2.5}, "'issuedWithinYears'", id="years-fraction"),
        pytest.param({"issuedWithinYears": 0}, "between 1 and 100", id="years-zero"),
        pytest.param({"issuedWithinYears": 2030}, "between 1 and 100", id="years-2030"),
        pytest.param({"types": ["T"] * 21}, "'types' may list at most 20", id="types-too-many"),
        pytest.param({"skills": ["s"] * 51}, "'skills' may list at most 50", id="skills-too-many"),
        pytest.param({"types": ["\ud800"]}, "types[0] must be UTF-8", id="type-surrogate"),
    ],
)
def test_bad_requirements_are_refused_naming_the_field(data: Any, names: str) -> None:
    with pytest.raises(RequirementsError, match=names.replace("[", r"\[").replace("]", r"\]")):
        Requirements.from_json(data)


# --- the registry file -----------------------------------------------------------------


def test_demo_registry_dids_follow_the_issuer_url(demo: Registry) -> None:
    food = demo.find(FOOD)
    assert food is not None and food.name == "SafeServe Food Safety Training"
    assert food.achievements == (FOOD_HANDLER,)
    other = registry.load(REGISTRY_FILE, "https://issuer.example:8443")
    assert other.find("did:web:issuer.example%3A8443:issuers:food-safety") is not None
    assert other.find(FOOD) is None


def test_demo_registry_covers_the_demo_issuers_and_their_achievements(demo: Registry) -> None:
    issuers = json.loads((REGISTRY_FILE.parent / "issuers.json").read_text())
    for entry in issuers:
        found = demo.find(registry.issuer_did(ISSUER_URL, entry["slug"]))
        assert found is not None, entry["slug"]
        prefix = f"{ISSUER_URL}/issuers/{entry['slug']}/achievements/"
        assert found.achievements == tuple(prefix + a for a in entry["achievements"])
    assert len(demo.issuers) == len(issuers)


def test_an_issuer_can_be_given_by_did_with_absolute_achievement_ids() -> None:
    found = registry.parse(
        {
            "issuers": [
                {
                    "did": "did:key:z6Mkexample",
                    "name": "Elsewhere",
                    "accreditor": "Someone",
                    "achievements": ["https://elsewhere.example/a/1"],
                }
            ]
        },
        ISSUER_URL,
    )
    entry = found.find("did:key:z6Mkexample")
    assert entry is not None and entry.allows("https://elsewhere.example/a/1")


ENTRY = {"slug": "x", "name": "X", "accreditor": "Y", "achievements": ["a"]}


@pytest.mark.parametrize(
    ("data", "names"),
    [
        pytest.param([], "JSON object", id="not-an-object"),
        pytest.param({"issuers": {}}, "'issuers'", id="issuers-not-a-list"),
        pytest.param(
            {"issuers": [{**ENTRY, "did": "did:key:z"}]}, "exactly one", id="slug-and-did"
        ),
        pytest.param({"issuers": [{"name": "X"}]}, "exactly one", id="neither-slug-nor-did"),
        pytest.param({"issuers": [{**ENTRY, "name": ""}]}, r"issuers\[0\].name", id="no-name"),
        pytest.param({"issuers": [{**ENTRY, "achievements": "a"}]}, "achievements", id="ach-str"),
        pytest.param(
            {"issuers": [{k: v for k, v in ENTRY.items() if k != "slug"} | {"did": "did:key:z"}]},
            "absolute achievement ids",
            id="did-entry-with-slugs",
        ),
        pytest.param({"issuers": [{**ENTRY, "slug": 3}]}, "slug", id="slug-not-text"),
        pytest.param({"issuers": [ENTRY, ENTRY]}, "twice", id="duplicate"),
        pytest.param(
            {"issuers": [{**ENTRY, "alwaysDiscloses": ["validUntil", "evidence"]}]},
            r"issuers\[0\].alwaysDiscloses names 'evidence'",
            id="always-discloses-unknown-member",
        ),
        pytest.param(
            {"issuers": [{**ENTRY, "alwaysDiscloses": "validUntil"}]},
            "alwaysDiscloses must be a list",
            id="always-discloses-not-a-list",
        ),
    ],
)
def test_bad_registries_are_refused_naming_the_field(data: Any, names: str) -> None:
    with pytest.raises(RegistryError, match=names):
        registry.parse(data, ISSUER_URL)


def test_the_demo_registry_attests_its_issuers_always_disclose_status_and_end_date(
    demo: Registry,
) -> None:
    """issuer/issuing/sd_issue.py makes validUntil and credentialStatus mandatory in every
    selectively disclosable credential; the registry says so of each demo issuer."""
    for entry in demo.issuers:
        assert demo.always_disclosed(entry.did) == {"credentialStatus", "validUntil"}
    assert demo.always_disclosed("did:key:z6Mkunknown") == frozenset()
    plain = registry.parse({"issuers": [ENTRY]}, ISSUER_URL)
    assert plain.always_disclosed(plain.issuers[0].did) == frozenset()


def test_an_unreadable_registry_file_is_a_registry_error(tmp_path: Any) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        registry.load(tmp_path / "missing.json", ISSUER_URL)


# --- trusted-issuer --------------------------------------------------------------------


def test_trusted_issuer_passes_for_an_accredited_issuer_and_its_achievement(
    demo: Registry,
) -> None:
    check = policy.trusted_issuer(report_of(credential()), demo)
    assert check.status == PASS
    assert "SafeServe" in check.detail and "Example Food Protection" in check.detail


def test_trusted_issuer_fails_an_achievement_the_issuer_may_not_award(demo: Registry) -> None:
    check = policy.trusted_issuer(report_of(credential(FOOD, LPN)), demo)
    assert check.status == FAIL
    assert check.detail == (
        f"issuer SafeServe Food Safety Training ({FOOD}) is not allowed to issue achievement {LPN}"
    )


def test_trusted_issuer_names_an_unknown_issuer_not_a_forgery(demo: Registry) -> None:
    check = policy.trusted_issuer(report_of(credential("did:key:z6MkStranger")), demo)
    assert check.status == FAIL
    assert "unknown issuer did:key:z6MkStranger" in check.detail
    assert "not a forgery" in check.detail


@pytest.mark.parametrize("failing", ["proof", "issuer-key"])
def test_trusted_issuer_is_not_checked_when_the_issuer_is_not_established(
    demo: Registry, failing: str
) -> None:
    check = policy.trusted_issuer(report_of(credential(), failing=failing), demo)
    assert check.status == UNCHECKED


def test_trusted_issuer_does_not_depend_on_unrelated_checks(demo: Registry) -> None:
    """An expired credential's issuer is still established by its signature."""
    check = policy.trusted_issuer(report_of(credential(), failing="validity-period"), demo)
    assert check.status == PASS


# --- evaluate ---------------------------------------------------------------------------


def ids(report: Report) -> list[str]:
    return [c.id for c in report.checks]


def test_evaluate_adds_trusted_issuer_to_a_credential(demo: Registry) -> None:
    found = evaluate(report_of(credential()), None, demo, NOW)
    assert ids(found) == [*OWN_CHECKS, "trusted-issuer"]
    assert ids(evaluate(found, None, demo, NOW)) == ids(found)  # never twice


def test_evaluate_adds_trusted_issuer_to_each_credential_of_a_presentation(
    demo: Registry,
) -> None:
    vp = presentation_of(report_of(credential()), report_of(credential("did:key:z6MkX")))
    found = evaluate(vp, None, demo, NOW)
    assert ids(found) == ids(vp)
    assert [c.check("trusted-issuer").status for c in found.credentials] == [PASS, FAIL]  # type: ignore[union-attr]
    assert found.verdict == FAIL


def test_evaluate_without_a_registry_adds_no_trusted_issuer() -> None:
    assert ids(evaluate(report_of(credential()), None, None, NOW)) == list(OWN_CHECKS)


def test_evaluate_adds_requirements_met_only_for_requirements(demo: Registry) -> None:
    vp = presentation_of(report_of(credential()))
    found = evaluate(vp, Requirements(types=("OpenBadgeCredential",)), demo, NOW)
    assert ids(found)[-1] == "requirements-met"
    assert "requirements-met" not in ids(evaluate(vp, None, demo, NOW))


# --- requirements-met ------------------------------------------------------------------


def met(requirements: Requirements, *inner: Report, registry: Registry | None) -> Check:
    found = evaluate(presentation_of(*inner), requirements, registry, NOW).check("requirements-met")
    assert found is not None
    return found


def test_requirements_met_lists_which_credential_evidences_each(demo: Registry) -> None:
    lpn = credential(BOARD, LPN, name="Licensed Practical Nurse", alignment=())
    wanted = Requirements(
        types=("OpenBadgeCredential",),
        skills=(Skill(target_url=SAFE_FOOD_URL), Skill(name="SAFE FOOD HANDLING")),
    )
    check = met(wanted, report_of(credential()), report_of(lpn), registry=demo)
    assert check.status == PASS
    assert "type 'OpenBadgeCredential': 'Food Handler'" in check.detail
    assert "'Licensed Practical Nurse'" in check.detail
    assert f"skill <{SAFE_FOOD_URL}>: 'Food Handler'" in check.detail
    assert "skill 'SAFE FOOD HANDLING': 'Food Handler'" in check.detail


def test_requirements_met_names_what_is_missing(demo: Registry) -> None:
    wanted = Requirements(
        types=("OpenBadgeCredential", "LicenseCredential"),
        skills=(Skill(name="Medication administration"), Skill(target_url=SAFE_FOOD_URL)),
    )
    check = met(wanted, report_of(credential()), registry=demo)
    assert check.status == FAIL
    assert check.detail == ("missing: type 'LicenseCredential'; skill 'Medication administration'")


@pytest.mark.parametrize(
    ("wanted", "document", "failing", "why"),
    [
        pytest.param(
            Requirements(skills=(Skill(target_url=SAFE_FOOD_URL),)),
            credential(),
            "status",
            "its own checks did not pass",
            id="revoked-credential-not-counted",
        ),
        pytest.param(
            Requirements(skills=(Skill(target_url=SAFE_FOOD_URL),), accredited_only=True),
            credential("did:key:z6MkStranger"),
            None,
            "its issuer is not accredited for it",
            id="unknown-issuer-when-accredited-only",
        ),
        pytest.param(
            Requirements(skills=(Skill(target_url=SAFE_FOOD_URL),), accredited_only=True),
            credential(FOOD, LPN),
            None,
            "its issuer is not accredited for it",
            id="issuer-not-allowed-when-accredited-only",
        ),
        pytest.param(
            Requirements(skills=(Skill(target_url=SAFE_FOOD_URL),), issued_within_years=2),
            credential(valid_from="2024-03-01T23:59:59Z"),
            None,
            "more than 2 years ago",
            id="issued-too-long-ago",
        ),
    ],
)
def test_requirements_met_only_counts_credentials_that_qualify(
    demo: Registry, wanted: Requirements, document: dict[str, Any], failing: str | None, why: str
) -> None:
    check = met(wanted, report_of(document, failing=failing), registry=demo)
    assert check.status == FAIL
    assert check.detail.startswith(f"missing: skill <{SAFE_FOOD_URL}>")
    assert why in check.detail


def test_unknown_issuer_counts_when_accreditation_is_not_required(demo: Registry) -> None:
    wanted = Requirements(skills=(Skill(target_url=SAFE_FOOD_URL),))
    check = met(wanted, report_of(credential("did:key:z6MkStranger")), registry=demo)
    assert check.status == PASS


def test_issued_within_years_counts_a_credential_just_inside(demo: Registry) -> None:
    wanted = Requirements(skills=(Skill(target_url=SAFE_FOOD_URL),), issued_within_years=2)
    inside = credential(valid_from="2024-03-02T10:00:00Z")
    assert met(wanted, report_of(inside), registry=demo).status == PASS


def test_no_required_items_is_a_pass_that_says_so(demo: Registry) -> None:
    check = met(Requirements(), report_of(credential()), registry=demo)
    assert check.status == PASS and "no required" in check.detail


def test_requirements_met_on_a_single_credential(demo: Registry) -> None:
    found = evaluate(
        report_of(credential()), Requirements(types=("OpenBadgeCredential",)), demo, NOW
    )
    assert ids(found) == [*OWN_CHECKS, "trusted-issuer", "requirements-met"]
    assert found.verdict == PASS
