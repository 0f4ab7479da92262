"""Whether every presentation of one OpenID4VP answer comes from the same holder.

A ``vp_token`` may carry several presentations (an ``ldp_vp`` per Data Integrity credential,
an SD-JWT+KB per SD-JWT VC). Each is bound on its own: the ``ldp_vp`` by its holder's
``authentication`` proof over the request's nonce and client_id, the SD-JWT by its Key
Binding JWT, signed with the key in the issuer-signed ``cnf.jwk`` (RFC 9901 §4.3, §7.3).
Whether each binding holds is checked by :mod:`vckit.verification` (``holder-binding``,
``challenge``, ``domain``); here only who they are:

- the holder of an ``ldp_vp`` is its ``holder`` DID;
- the holder of an SD-JWT is its ``cnf.jwk`` public key;
- the holder of a VC-JOSE-COSE ``vp+jwt`` is its ``holder`` (else the DID its ``kid`` names),
  as for an ``ldp_vp``.

**Same holder** means: every ``ldp_vp`` names the same holder DID, and every SD-JWT's
``cnf`` key is one of that DID's ``authentication`` keys (its DID document, resolved as any
DID is: did:key and did:jwk offline, did:web through the verifier's fetch policy). Without an
``ldp_vp``, every SD-JWT must carry the same ``cnf`` key. An SD-JWT's ``sub`` is not used: it
is an issuer's statement, not something the holder proved. One presentation has nothing to
compare: no ``same-holder`` check is added then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vckit import sdjwt as sd_jwt
from vckit.did.resolver import DidResolver
from vckit.errors import VckitError
from vckit.jose import vc_jwt as jose
from vckit.jose.vp_jwt import holder_of, is_vp_jwt
from vckit.keys.keypair import PublicKey
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckId

CHECK_ID: CheckId = "same-holder"


def _holder_did(presentation: Mapping[str, Any]) -> str | None:
    holder = presentation.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def _vp_jwt_payload(item: Any) -> dict[str, Any] | None:
    """A ``vp+jwt``'s presentation, its holder the one it names or whose ``kid`` signed it
    (whether that holder signed is the ``proof``/``holder-key`` checks' business); None
    for anything else."""
    if not isinstance(item, str) or "~" in item:
        return None
    try:
        header, payload = jose.peek(item)
    except VckitError:
        return None
    if not is_vp_jwt(header, payload):
        return None
    kid = header.get("kid")
    if holder_of(payload) is None and isinstance(kid, str) and kid.startswith("did:"):
        payload["holder"] = kid.partition("#")[0]
    return payload


def _cnf_key(token: str) -> PublicKey:
    jwt, _, _ = sd_jwt.split(token)
    _, payload = jose.peek(jwt)
    return sd_jwt.holder_key(payload)


def _same_key(a: PublicKey, b: PublicKey) -> bool:
    return a.to_jwk() == b.to_jwk()


def _authentication_keys(did: str, resolver: DidResolver) -> list[PublicKey]:
    document = resolver.resolve(did)
    listed = document.document.get("authentication", [])
    keys = []
    for entry in listed if isinstance(listed, list) else []:
        ref = entry.get("id") if isinstance(entry, Mapping) else entry
        if isinstance(ref, str):
            try:
                keys.append(document.find(ref).public_key)
            except VckitError:
                continue
    return keys


def same_holder(presentations: Sequence[Any], resolver: DidResolver) -> Check | None:
    """The ``same-holder`` check for the presentations of one answer (None for one)."""
    if len(presentations) < 2:
        return None
    presentations = [_vp_jwt_payload(p) or p for p in presentations]
    named = [_holder_did(p) for p in presentations if isinstance(p, Mapping)]
    dids = sorted({did for did in named if did is not None})
    if None in named:
        return Check(CHECK_ID, FAIL, "a presentation names no holder")
    if len(dids) > 1:
        return Check(CHECK_ID, FAIL, f"the presentations name different holders: {dids}")
    try:
        keys = [_cnf_key(p) for p in presentations if isinstance(p, str)]
    except VckitError as exc:
        return Check(CHECK_ID, FAIL, f"an SD-JWT names no holder key: {exc}")
    if not dids:
        if any(not _same_key(keys[0], k) for k in keys[1:]):
            return Check(CHECK_ID, FAIL, "the SD-JWTs are bound to different holder keys (cnf)")
        return Check(CHECK_ID, PASS, f"all {len(keys)} SD-JWTs are bound to one holder key (cnf)")
    [did] = dids
    try:
        known = _authentication_keys(did, resolver)
    except VckitError as exc:
        return Check(CHECK_ID, UNCHECKED, f"the holder {did} could not be resolved: {exc}")
    stranger = [n for n, key in enumerate(keys, 1) if not any(_same_key(key, k) for k in known)]
    if stranger:
        which = ", ".join(f"#{n}" for n in stranger)
        detail = f"SD-JWT {which} is bound to a key that is not an authentication key of {did}"
        return Check(CHECK_ID, FAIL, detail)
    return Check(CHECK_ID, PASS, f"all {len(presentations)} presentations are {did}'s")
