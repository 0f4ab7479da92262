"""Who the report says presented an answer (verifier.views.report_view): an OpenID4VP answer of
several presentations, or an SD-JWT+KB, has no VP document naming its holder."""

from __future__ import annotations

from vckit.report import FAIL, PASS, Check, CheckStatus, Report
from verifier.views import report_view

HOLDER = "did:key:z6MkholderHolderHolder"


def credential(subject: str | None) -> Report:
    document = {"name": "Nursing", "credentialSubject": {"id": subject} if subject else {}}
    return Report("credential", "ecdsa-sd-2023", (Check("proof", PASS, "ok"),), document)


def answer(fmt: str, binding: CheckStatus, subjects: list[str | None]) -> Report:
    checks = (Check("proof", PASS, "ok"), Check("holder-binding", binding, "detail"))
    return Report("presentation", fmt, checks, None, tuple(credential(s) for s in subjects))


def test_a_vp_names_its_holder() -> None:
    vp = Report("presentation", "eddsa-rdfc-2022", (), {"holder": {"id": HOLDER}})
    seen = report_view.view(vp)
    assert (seen.holder, seen.holder_note) == (HOLDER, "")


def test_several_ldp_vps_bound_to_one_subject_name_it() -> None:
    seen = report_view.view(answer("ecdsa-sd-2023, eddsa-rdfc-2022", PASS, [HOLDER, HOLDER]))
    assert (seen.holder, seen.holder_note) == (HOLDER, "")


def test_an_sd_jwt_kb_names_the_subject_its_key_was_bound_to() -> None:
    seen = report_view.view(answer("dc+sd-jwt+kb", PASS, [HOLDER]))
    assert seen.holder == HOLDER and "cnf" in seen.holder_note


def test_no_holder_when_the_binding_failed_or_subjects_differ() -> None:
    assert report_view.view(answer("dc+sd-jwt+kb", FAIL, [HOLDER])).holder == ""
    assert report_view.view(answer("ecdsa-sd-2023", PASS, [HOLDER, "did:key:other"])).holder == ""
    assert report_view.view(answer("ecdsa-sd-2023", PASS, [None])).holder == ""
