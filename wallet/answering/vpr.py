"""W3C CCG Verifiable Presentation Request (VPR), as used by the VC-API.

A request is ``{"query": <query or [queries]>, "challenge": ..., "domain": ...}``, or the
same wrapped in ``{"verifiablePresentationRequest": ...}`` (VC-API exchanges). Supported
query types: ``QueryByExample`` (``credentialQuery``: one or a list, each with an
``example`` whose ``type`` the credential must carry; ``reason`` shown to the learner)
and ``DIDAuthentication`` (prove control of the holder DID: a presentation signed with
the challenge, credentials optional). Any other query type is refused by name. The
challenge is required here: without one the answer could be replayed.

How the answer is secured: a Data Integrity presentation (``ldp_vp``), unless every
``credentialQuery`` lists ``application/vp+jwt`` in its ``acceptedEnvelopes`` (the VPR
member Digital Bazaar's exchanges use for enveloping formats) and none lists
``acceptedCryptosuites``: then a VC-JOSE-COSE ``vp+jwt`` (:attr:`VprRequest.vp_jwt`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wallet.errors import InvalidInputError
from wallet.sharing.present import Held

SUPPORTED = ("QueryByExample", "DIDAuthentication")
VP_JWT = "application/vp+jwt"


@dataclass(frozen=True)
class VprRequest:
    request: dict[str, Any]  # the VPR itself (unwrapped)
    challenge: str
    domain: str | None
    examples: tuple[tuple[str, frozenset[str]], ...]  # (label, types wanted)
    did_auth: bool
    reason: str | None
    vp_jwt: bool = False  # answer with a VC-JOSE-COSE vp+jwt (module docstring)


def _types(value: object) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return frozenset(value)
    return frozenset()


def parse_vpr(value: Mapping[str, Any]) -> VprRequest:
    """Validate a VPR; InvalidInputError names what is missing or unsupported."""
    request = value.get("verifiablePresentationRequest", value)
    if not isinstance(request, dict):
        raise InvalidInputError("verifiablePresentationRequest must be a JSON object")
    challenge = request.get("challenge")
    if not isinstance(challenge, str) or not challenge:
        raise InvalidInputError("the presentation request has no challenge")
    domain = request.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise InvalidInputError("the presentation request's domain must be a string")
    queries = request.get("query")
    queries = queries if isinstance(queries, list) else [queries]
    examples: list[tuple[str, frozenset[str]]] = []
    did_auth = False
    reasons = []
    envelopes: list[bool] = []  # per credentialQuery: it asks for a vp+jwt only
    for query in queries:
        if not isinstance(query, dict):
            raise InvalidInputError("the presentation request has no query object")
        kind = query.get("type")
        if kind not in SUPPORTED:
            raise InvalidInputError(f"query type {kind!r} is not supported (only {SUPPORTED})")
        if kind == "DIDAuthentication":
            did_auth = True
            continue
        items = query.get("credentialQuery")
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict):
                raise InvalidInputError("a QueryByExample needs a credentialQuery object")
            example = item.get("example")
            wanted = _types(example.get("type")) if isinstance(example, dict) else frozenset()
            if not wanted:
                raise InvalidInputError("a QueryByExample credentialQuery needs example.type")
            if isinstance(item.get("reason"), str):
                reasons.append(item["reason"])
            accepted = item.get("acceptedEnvelopes")
            envelopes.append(
                isinstance(accepted, list)
                and VP_JWT in accepted
                and "acceptedCryptosuites" not in item
            )
            examples.append((" + ".join(sorted(wanted)), wanted))
    reason = " ".join(reasons) or None
    vp_jwt = bool(envelopes) and all(envelopes)
    return VprRequest(dict(request), challenge, domain, tuple(examples), did_auth, reason, vp_jwt)


def vpr_matches(vpr: VprRequest, holdings: Sequence[Held]) -> list[tuple[str, tuple[Held, ...]]]:
    """Per QueryByExample: the learner's credentials whose ``type`` includes every type of
    the example (compared as written, as QueryByExample does). An SD-JWT VC does not go
    into a W3C presentation, so it matches no QueryByExample; nor does a credential the
    wallet cannot read (no candidate: it could not be signed into a presentation)."""
    out = []
    for label, wanted in vpr.examples:
        matches = tuple(
            h
            for h in holdings
            if h.credential is not None
            and h.candidate is not None
            and h.record.format != "dc+sd-jwt"
            and wanted <= _types(h.credential.get("type"))
        )
        out.append((label, matches))
    return out
