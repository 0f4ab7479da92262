"""A job on the learner's request page (issue 16): its skills pre-select the credentials that
show them, as the verifier will judge them; its conditions are said in words. The real
issuer, wallet and verifier in-process (:mod:`tests.wallet.sharing.test_disclose`'s world).

* the job names a skill in other case and spacing than the credentials do: the verifier's
  requirement check accepts them (:class:`verifier.checking.policy.Skill`), so the wallet
  ticks them too (:mod:`wallet.answering.prefer`), while DCQL matching stays exact;
* SD-JWT VC credentials are pre-selected the same way: the verifier's ``dc+sd-jwt`` query
  asks for the skill claims too (:mod:`verifier.jobs.dcql_request`);
* "accredited issuers only" and "issued within N years" are said in words at the top of the
  request page (the request's ``ler_requirements`` extension parameter).
"""

from __future__ import annotations

import html
import re
from typing import Any

from tests.wallet.conftest import csrf
from tests.wallet.sharing.test_disclose import NURSING_1, NURSING_2, World, world  # noqa: F401
from vckit.protocols.dcql import parse_query, selected_claims
from verifier.checking.policy import Skill
from verifier.jobs.dcql_request import SD_JWT_QUERY, dcql_query
from wallet.answering.query_words import conditions

SKILL_AS_THE_JOB_SAYS = "  patient DATA privacy "  # the credentials say "Patient data privacy"


def open_job_request(
    world: World,  # noqa: F811
    skills: list[str],
) -> str:
    """The request page of a fresh OpenID4VP request for a job asking for ``skills``."""
    job = world.employer.post("/api/jobs", json={"title": "Care assistant", "requirements": {
        "types": ["OpenBadgeCredential"], "skills": skills}})  # fmt: skip
    assert job.status_code == 201, job.text
    made = world.employer.post(f"/api/jobs/{job.json()['id']}/requests", json={"kind": "openid4vp"})
    opened = world.learner.post(
        "/requests",
        data={"csrf": csrf(world.learner), "request": made.json()["links"]["by_reference"]},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    page: str = world.learner.get(opened.headers["location"]).text
    return page


def ticked(page: str, query: str) -> set[str]:
    return set(re.findall(rf'name="c:{query}:([^"]+)" value="on" checked', page))


def food_handler(world: World) -> str:  # noqa: F811
    food = world.issuer.post(
        "/issuers/food-safety/credentials",
        json={"achievement": "food-handler", "recipient": {"did": world.did}},
    )
    assert food.status_code == 201, food.text
    found: str = world.receive(food.json()["credential"])["id"]
    return found


def test_a_skill_named_in_another_case_pre_selects_what_the_verifier_accepts(
    world: World,  # noqa: F811
) -> None:
    held = [world.receive(world.issue("ecdsa-sd-2023", a)) for a in (NURSING_1, NURSING_2)]
    food_id = food_handler(world)
    page = open_job_request(world, [SKILL_AS_THE_JOB_SAYS])
    assert ticked(page, "learning_records") == {h["id"] for h in held}
    assert f'name="c:learning_records:{food_id}" value="on">' in page  # listed, not ticked
    # the verifier's own check agrees on each: the same comparison on both sides
    skill = Skill(name=SKILL_AS_THE_JOB_SAYS)
    for h in held:
        alignments = h["credential"]["credentialSubject"]["achievement"]["alignment"]
        assert any(skill.matches(a) for a in alignments)
    # and DCQL itself stays exact (§6.3): only the type-only option is met by the query
    query = parse_query(dcql_query(["OpenBadgeCredential"], [SKILL_AS_THE_JOB_SAYS]))
    chosen = selected_claims(query.credentials[0], held[0]["credential"])
    assert chosen is not None and [c.id for c in chosen] == ["type"]


def test_sd_jwt_credentials_that_show_the_skill_are_pre_selected(
    world: World,  # noqa: F811
) -> None:
    held = [world.receive(world.issue("sd-jwt-vc", a))["id"] for a in (NURSING_1, NURSING_2)]
    food = world.issuer.post(
        "/issuers/food-safety/credentials",
        json={
            "achievement": "food-handler",
            "recipient": {"did": world.did},
            "format": "sd-jwt-vc",
        },
    )
    assert food.status_code == 201, food.text
    food_id = world.receive(food.json()["credential"])["id"]
    page = open_job_request(world, ["Patient data privacy"])
    assert ticked(page, SD_JWT_QUERY) == set(held)
    assert f'name="c:{SD_JWT_QUERY}:{food_id}" value="on">' in page
    query: dict[str, Any] = dcql_query(["OpenBadgeCredential"], ["Patient data privacy"])
    sd_jwt_query = next(q for q in query["credentials"] if q["id"] == SD_JWT_QUERY)
    assert ["type", "skill_name"] in sd_jwt_query["claim_sets"]


def test_the_request_page_says_the_jobs_conditions_in_words(world: World) -> None:  # noqa: F811
    """Accredited issuers only and issued within N years: DCQL cannot say them, so the
    verifier sends them as an extension parameter and the wallet says them at the top, by
    reference and by value; a job without them says nothing of the kind."""
    world.receive(world.issue("ecdsa-sd-2023", NURSING_1))
    requirements = {
        "types": ["OpenBadgeCredential"],
        "accreditedOnly": True,
        "issuedWithinYears": 3,
    }
    job = world.employer.post(
        "/api/jobs", json={"title": "Night nurse", "requirements": requirements}
    )
    made = world.employer.post(f"/api/jobs/{job.json()['id']}/requests", json={"kind": "openid4vp"})
    for link in made.json()["links"].values():
        opened = world.learner.post(
            "/requests", data={"csrf": csrf(world.learner), "request": link}, follow_redirects=False
        )
        assert opened.status_code == 303, opened.text
        page = world.learner.get(opened.headers["location"]).text
        top = page.split('<details class="technical">', 1)[0]
        words = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", top)))
        assert (
            "Their conditions: only credentials from issuers they have accredited count; "
            "only credentials issued within the last 3 years count." in words
        ), words
    plain = open_job_request(world, ["Patient data privacy"])
    assert "Their conditions" not in plain


def test_conditions_in_words_and_nothing_for_a_malformed_value() -> None:
    assert conditions({"issuedWithinYears": 1}) == (
        "only credentials issued within the last year count",
    )
    assert conditions('{"accreditedOnly": true}') == (
        "only credentials from issuers they have accredited count",
    )
    bad: object
    for bad in (None, [], "not json", '{"accreditedOnly": "yes"}', {"issuedWithinYears": True},
                {"issuedWithinYears": 0}, {"issuedWithinYears": 10**9}, "x" * 5000):  # fmt: skip
        assert conditions(bad) == (), bad
