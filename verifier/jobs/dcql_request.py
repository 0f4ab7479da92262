"""What a job's OpenID4VP request asks for (§6 DCQL, §11.1 ``vp_formats_supported``), and
whether a ``vp_token`` answers it in the formats asked.

Two credential queries, for the same Open Badges 3.0 achievements in two formats:

================================  =========================================================
``learning_records``              ``ldp_vc`` (Appendix B.1): W3C credentials with Data
                                  Integrity proofs (``eddsa-rdfc-2022``, ``ecdsa-rdfc-2019``,
                                  and ``ecdsa-sd-2023`` derived proofs), inside the holder's
                                  signed ``ldp_vp``; ``type_values`` = the job's types
``learning_records_sd_jwt``       ``dc+sd-jwt`` (Appendix B.3): SD-JWT VCs whose ``vct`` is
                                  the OB 3.0 AchievementCredential, each with a Key Binding
                                  JWT over the request's nonce and client_id
================================  =========================================================

One required ``credential_sets`` entry (§6.2) lets the wallet answer with both, or either:
its options are ``[both]``, ``[ldp_vc]``, ``[dc+sd-jwt]``, most wanted first.

A job that names skills says so in both queries (:func:`skill_claims`): claims queries (§6.3)
for its alignments' ``targetName`` / ``targetUrl`` with the job's values, and ``claim_sets``
(§6.4.1) whose first options carry them and whose last asks only for the credential's
``type``. The path is the same in both formats: an OB 3.0 SD-JWT VC carries the credential's
members as its claims (:mod:`issuer.issuing.sd_issue`), so ``credentialSubject.achievement.
alignment[*].targetName`` addresses the same alignment (Appendix B.3: JSON claims paths into
the SD-JWT's claims, disclosures applied). Any credential of the types still matches; one
aligned to a wanted skill matches the first options, and a wallet can put it forward (the
learner's wallet pre-selects it). Whether the answer meets the job is still the verifier's
own check.

The ``values`` are the skills as the job names them. DCQL compares them exactly (§6.3), while
the job's requirement compares a skill's name ignoring case and surrounding spaces
(:class:`verifier.checking.policy.Skill`): the verifier cannot know how every issuer spells a
skill, so it sends the job's words and the learner's wallet, when it ranks what it puts
forward, compares names the same way (:mod:`wallet.answering.match`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vckit.errors import InputError
from vckit.protocols.dcql import expanded_types, parse_query

LDP_QUERY = "learning_records"
SD_JWT_QUERY = "learning_records_sd_jwt"
LDP_VC = "ldp_vc"
SD_JWT_VC = "dc+sd-jwt"
FORMATS: dict[str, str] = {LDP_QUERY: LDP_VC, SD_JWT_QUERY: SD_JWT_VC}
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
JWS_ALGS = ["ES256", "EdDSA"]


ALIGNMENT = ("credentialSubject", "achievement", "alignment", None)
SKILL_CLAIMS = {"skill_name": "targetName", "skill_url": "targetUrl"}
TYPE_CLAIM = "type"


def skill_claims(names: Sequence[str], urls: Sequence[str]) -> dict[str, Any]:
    """§6.3 / §6.4.1: ``claims`` and ``claim_sets`` preferring credentials aligned to one of
    the skills (by name, or by URL), then any credential (its ``type``); {} without skills."""
    wanted = {"skill_name": list(names), "skill_url": list(urls)}
    claims: list[dict[str, Any]] = [{"id": TYPE_CLAIM, "path": ["type"]}]
    claim_sets: list[list[str]] = []
    for claim_id, values in wanted.items():
        if values:
            path = [*ALIGNMENT, SKILL_CLAIMS[claim_id]]
            claims.append({"id": claim_id, "path": path, "values": values})
            claim_sets.append([TYPE_CLAIM, claim_id])
    if not claim_sets:
        return {}
    return {"claims": claims, "claim_sets": [*claim_sets, [TYPE_CLAIM]]}


def dcql_query(
    types: Sequence[str], skill_names: Sequence[str] = (), skill_urls: Sequence[str] = ()
) -> dict[str, Any]:
    """§6: the two credential queries (several credentials may answer each, ``multiple``;
    each bound to the holder, the default) and the set saying either or both will do; the
    job's skills as preferred claims of both queries (:func:`skill_claims`)."""
    shell = {"@context": [VC_V2, OB_V3], "type": list(types)}
    type_values = sorted(expanded_types(shell))
    query = {
        "credentials": [
            {
                "id": LDP_QUERY,
                "format": LDP_VC,
                "multiple": True,
                "meta": {"type_values": [type_values]},
                **skill_claims(skill_names, skill_urls),
            },
            {
                "id": SD_JWT_QUERY,
                "format": SD_JWT_VC,
                "multiple": True,
                "meta": {"vct_values": [OB_VCT]},
                **skill_claims(skill_names, skill_urls),
            },
        ],
        "credential_sets": [
            {"options": [[LDP_QUERY, SD_JWT_QUERY], [LDP_QUERY], [SD_JWT_QUERY]]},
        ],
    }
    parse_query(query)  # what we ask must be a valid query
    return query


def vp_formats_supported() -> dict[str, Any]:
    """§11.1 client metadata: the proofs and algorithms this verifier checks."""
    return {
        LDP_VC: {
            "proof_type_values": ["DataIntegrityProof"],
            "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "ecdsa-sd-2023"],
        },
        SD_JWT_VC: {"sd-jwt_alg_values": JWS_ALGS, "kb-jwt_alg_values": JWS_ALGS},
    }


def check_answer(presentations: Mapping[str, Sequence[Any]]) -> None:
    """The ``vp_token`` answers only our queries, each in its own format (§8.1: an ``ldp_vc``
    query with ``ldp_vp`` objects typed VerifiablePresentation, a ``dc+sd-jwt`` one with
    SD-JWT+KB strings); InputError."""
    unknown = sorted(set(presentations) - set(FORMATS))
    if unknown:
        raise InputError(f"vp_token answers unknown credential queries: {unknown}")
    for query_id, items in presentations.items():
        if FORMATS[query_id] == LDP_VC and not all(_is_presentation(i) for i in items):
            raise InputError(
                f"vp_token[{query_id!r}] must hold ldp_vp presentations "
                "(objects of type VerifiablePresentation, signed by the holder)"
            )
        if FORMATS[query_id] == SD_JWT_VC and not all(
            isinstance(i, str) and "~" in i for i in items
        ):
            raise InputError(f"vp_token[{query_id!r}] must hold SD-JWT presentations (strings)")


def _is_presentation(item: Any) -> bool:
    """An ``ldp_vp`` (§B.1.3.2): an object whose ``type`` includes VerifiablePresentation —
    a bare credential is no answer (it carries no holder proof over the nonce)."""
    if not isinstance(item, dict):
        return False
    kinds = item.get("type")
    return "VerifiablePresentation" in (kinds if isinstance(kinds, list) else [kinds])
