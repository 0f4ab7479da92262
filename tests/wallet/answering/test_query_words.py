"""Queries in words (wallet.answering.query_words): pure functions. A field's value in words is
:mod:`vckit.ob.field_words` (tests/test_field_words.py)."""

from __future__ import annotations

from wallet.answering import query_words


def test_query_titles() -> None:
    ob = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
    vc = "https://www.w3.org/2018/credentials#VerifiableCredential"
    vct = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
    assert query_words.title("ldp_vc", [ob, vc]) == "Open Badges credentials (signed JSON-LD)"
    assert query_words.title("dc+sd-jwt", [vct]) == "Open Badges credentials as SD-JWT"
    assert query_words.technical("ldp_vc", [ob, vc]) == "ldp_vc · OpenBadgeCredential"
    assert query_words.title("", ["NursingLicenceCredential"]) == "Nursing licence credentials"
    assert query_words.title("ldp_vc", [vc]) == "credentials (signed JSON-LD)"
