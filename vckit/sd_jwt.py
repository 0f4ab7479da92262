"""SD-JWT (RFC 9901, Selective Disclosure for JWTs) and SD-JWT VC (typ ``dc+sd-jwt``).

Compact form (RFC 9901 §4): ``<issuer-signed JWT>~<disclosure>~...~[<KB-JWT>]``.

``issue``
    Makes the disclosures of the claims named by ``disclosable`` paths (§4.2.1 object properties,
    §4.2.2 array elements, recursively: inner disclosures first), hides their digests in ``_sd``
    arrays (sorted, §4.2.4.1) or ``{"...": digest}`` array elements (§4.2.4.2), adds decoys on
    request (§4.2.5), ``_sd_alg`` (§4.1.1) and ``cnf`` (§4.1.2), and signs with ``vckit.keys``.
``present``
    §7.2: keeps the chosen disclosures (plus the parents they need) and appends a Key Binding JWT
    (§4.3: ``typ`` ``kb+jwt``, ``iat``, ``aud``, ``nonce``, ``sd_hash``).
``verify``
    §7.1 (issuer-signed JWT and every disclosure rule), §7.3 (key binding), and the time claims
    against an injected ``now``.

The RFC's seams are modules: :mod:`vckit.sd_jwt_compact` (§4 compact form, JWS parts),
:mod:`vckit.sd_jwt_disclosures` (§4.2 disclosures, §7.1 steps 3-5 processing),
:mod:`vckit.sd_jwt_verify` (§7.1 issuer JWT, §7.3 key binding); this module issues (§4/§5)
and presents (§7.2), and re-exports the others' public names.

Paths are tuples of object member names and array indices, e.g. ``("address", "locality")`` or
``("nationalities", 0)``; an array index is the element's position in the issuer-signed array
(before withheld elements are removed). Algorithms are pinned as in :mod:`vckit.jose`: ``none``
and HMAC never verify (reported as :class:`~vckit.errors.JwtAlgorithmError`); a bad signature is
:class:`~vckit.errors.InvalidSignatureError`; every other failure is an ``SdJwtError``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit.errors import KeyBindingError, SdJwtDisclosureError, SdJwtFormatError
from vckit.keys import JWS_ALG, KeyPair
from vckit.sd_jwt_compact import b64url, jwt_parts, sign_jws
from vckit.sd_jwt_compact import split as split
from vckit.sd_jwt_disclosures import DEFAULT_HASH_ALG as DEFAULT_HASH_ALG
from vckit.sd_jwt_disclosures import HASH_ALGS as HASH_ALGS
from vckit.sd_jwt_disclosures import RESERVED_NAMES as RESERVED_NAMES
from vckit.sd_jwt_disclosures import Disclosure as Disclosure
from vckit.sd_jwt_disclosures import Path as Path
from vckit.sd_jwt_disclosures import SdJwtVerification as SdJwtVerification
from vckit.sd_jwt_disclosures import disclosure_digest as disclosure_digest
from vckit.sd_jwt_disclosures import encode_disclosure as encode_disclosure
from vckit.sd_jwt_disclosures import hash_function, process_in_order
from vckit.sd_jwt_disclosures import parse_disclosure as parse_disclosure
from vckit.sd_jwt_disclosures import process_disclosures as process_disclosures
from vckit.sd_jwt_verify import KB_JWT_TYP as KB_JWT_TYP
from vckit.sd_jwt_verify import IssuerKeyLookup as IssuerKeyLookup
from vckit.sd_jwt_verify import check_time_claims as check_time_claims
from vckit.sd_jwt_verify import holder_key as holder_key
from vckit.sd_jwt_verify import numeric_date
from vckit.sd_jwt_verify import sd_hash as sd_hash
from vckit.sd_jwt_verify import verify as verify
from vckit.sd_jwt_verify import verify_issuer_jwt as verify_issuer_jwt
from vckit.sd_jwt_verify import verify_key_binding as verify_key_binding

__all__ = [
    "HASH_ALGS",
    "Disclosure",
    "SdJwtVerification",
    "disclosure_digest",
    "issue",
    "parse_disclosure",
    "present",
    "process_disclosures",
    "sd_hash",
    "split",
    "verify",
]

SD_JWT_VC_TYP = "dc+sd-jwt"

#: SD-JWT VC "Registered JWT Claims" (draft-ietf-oauth-sd-jwt-vc, anchor #claims): these claims
#: and their sub-claims MUST NOT be selectively disclosed.
NEVER_DISCLOSED_VC = frozenset(
    {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status"}
)


# --- issuance (RFC 9901 §4.1-4.2, §5) ------------------------------------------------------


def _default_salt() -> str:
    """RFC 9901 §4.2.1 / §9.3: 128 bits from a CSPRNG, base64url."""
    return b64url(secrets.token_bytes(16))


@dataclass
class _Issuer:
    disclosable: set[Path]
    salt: Callable[[], str]
    decoys: int
    alg: str
    disclosures: list[str]

    def disclose(self, name: str | None, value: Any) -> str:
        encoded = encode_disclosure(self.salt(), name, value)
        self.disclosures.append(encoded)
        return disclosure_digest(encoded, self.alg)

    def decoy_digests(self) -> list[str]:
        """RFC 9901 §4.2.5: digests over random data, indistinguishable from real ones."""
        return [
            b64url(hash_function(self.alg)(secrets.token_bytes(16)).digest())
            for _ in range(self.decoys)
        ]

    def build(self, value: Any, path: Path) -> Any:
        """Inner disclosures first (§4.2.6 recursive), then this level's."""
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            digests: list[str] = []
            for name, member in value.items():
                if name in RESERVED_NAMES or (not path and name == "_sd_alg"):
                    raise SdJwtDisclosureError(f"the claim name {name!r} is reserved (§4.1)")
                child = self.build(member, (*path, name))
                if (*path, name) in self.disclosable:
                    digests.append(self.disclose(name, child))
                else:
                    out[name] = child
            if digests:
                out["_sd"] = sorted(digests + self.decoy_digests())
            return out
        if isinstance(value, list):
            items: list[Any] = []
            for index, element in enumerate(value):
                child = self.build(element, (*path, index))
                if (*path, index) in self.disclosable:
                    items.append({"...": self.disclose(None, child)})
                else:
                    items.append(child)
            return items
        return value


def _all_paths(value: Any, path: Path = ()) -> set[Path]:
    if isinstance(value, Mapping):
        found = {(*path, name) for name in value}
        for name, member in value.items():
            found |= _all_paths(member, (*path, name))
        return found
    if isinstance(value, list):
        found = {(*path, index) for index in range(len(value))}
        for index, element in enumerate(value):
            found |= _all_paths(element, (*path, index))
        return found
    return set()


def issue(
    claims: Mapping[str, Any],
    key: KeyPair,
    *,
    kid: str | None,
    disclosable: Collection[Path],
    holder_jwk: Mapping[str, Any] | None = None,
    cnf: Mapping[str, Any] | None = None,
    typ: str = SD_JWT_VC_TYP,
    salt: Callable[[], str] | None = None,
    decoys: int = 0,
    hash_alg: str = DEFAULT_HASH_ALG,
) -> str:
    """RFC 9901 §4 / §5: the compact SD-JWT ``<jwt>~<disclosure>~...~`` over ``claims`` with
    the claims at ``disclosable`` paths selectively disclosable. ``holder_jwk`` (or a full
    ``cnf``) binds a holder key (§4.1.2). For ``dc+sd-jwt`` the claims of SD-JWT VC "Registered JWT
    Claims" (``iss``, ``nbf``, ``exp``, ``cnf``, ``vct``, ``aka_vcts``, ``status``, and their
    sub-claims) are never disclosable."""
    hash_function(hash_alg)
    if holder_jwk is not None and cnf is not None:
        raise SdJwtFormatError("pass holder_jwk or cnf, not both")
    if decoys < 0:
        raise SdJwtFormatError("decoys must not be negative")
    wanted = {tuple(path) for path in disclosable}
    if () in wanted:
        raise SdJwtFormatError("the empty path (the whole payload) cannot be disclosable")
    missing = wanted - _all_paths(claims)
    if missing:
        raise SdJwtFormatError(f"disclosable paths not in the claims: {sorted(map(str, missing))}")
    if typ == SD_JWT_VC_TYP:
        fixed = {path for path in wanted if path[0] in NEVER_DISCLOSED_VC}
        if fixed:
            raise SdJwtFormatError(f"SD-JWT VC: {sorted(map(str, fixed))} must not be disclosable")
    if "cnf" in claims and (holder_jwk is not None or cnf is not None):
        raise SdJwtFormatError("the claims already carry 'cnf'")
    issuer = _Issuer(wanted, salt or _default_salt, decoys, hash_alg, [])
    payload = issuer.build(claims, ())
    if decoys and "_sd" not in payload:
        payload["_sd"] = sorted(issuer.decoy_digests())
    payload["_sd_alg"] = hash_alg
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": dict(holder_jwk)}
    elif cnf is not None:
        payload["cnf"] = dict(cnf)
    header: dict[str, Any] = {"alg": JWS_ALG[key.public.kind], "typ": typ}
    if kid is not None:
        header["kid"] = kid
    jwt = sign_jws(header, payload, key)
    return jwt + "~" + "".join(d + "~" for d in issuer.disclosures)


# --- presentation (RFC 9901 §4.3, §7.2) ------------------------------------------------------


def present(
    sd_jwt: str,
    disclose: Collection[Path],
    holder_key: KeyPair | None,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    iat: datetime | int | None = None,
) -> str:
    """RFC 9901 §7.2 (holder, for presentation): keep the disclosures at the ``disclose``
    paths (and those of their parent claims, which recursive disclosure needs), then with
    ``holder_key`` append a KB-JWT (§4.3) over ``nonce``, ``aud``, ``iat`` and ``sd_hash``.
    The holder checks the SD-JWT it received with :func:`verify` (§7.2 step 1); this
    function only reads it, and refuses an SD-JWT+KB (§7.2)."""
    jwt, disclosures, kb = split(sd_jwt)
    if kb is not None:
        raise SdJwtFormatError("the SD-JWT already carries a Key Binding JWT")
    _, payload = jwt_parts(jwt, "issuer-signed JWT")
    alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    result, encoded = process_in_order(payload, disclosures)
    by_path = dict(zip(result.disclosed_paths, encoded, strict=True))
    wanted = {tuple(p) for p in disclose}
    unknown = wanted - set(by_path)
    if unknown:
        raise SdJwtFormatError(f"no disclosure at {sorted(map(str, unknown))}")
    keep = {path[:n] for path in wanted for n in range(1, len(path) + 1)} & set(by_path)
    chosen = [by_path[p] for p in result.disclosed_paths if p in keep]
    presentation = jwt + "~" + "".join(d + "~" for d in chosen)
    if holder_key is None:
        return presentation
    if nonce is None or aud is None or iat is None:
        raise KeyBindingError("a Key Binding JWT needs nonce, aud and iat")
    header = {"alg": JWS_ALG[holder_key.public.kind], "typ": KB_JWT_TYP}
    claims = {
        "iat": numeric_date(iat),
        "aud": aud,
        "nonce": nonce,
        "sd_hash": sd_hash(presentation, alg),
    }
    return presentation + sign_jws(header, claims, holder_key)
