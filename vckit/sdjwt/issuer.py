"""The SD-JWT issuer (RFC 9901 §4.1-4.2, §5): make the disclosures, hide their digests, sign.

For SD-JWT VC (typ ``dc+sd-jwt``) the registered JWT claims are never disclosable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from vckit.errors import SdJwtDisclosureError, SdJwtFormatError
from vckit.keys.keypair import JWS_ALG, KeyPair
from vckit.sdjwt.compact import b64url, sign_jws
from vckit.sdjwt.disclosures import (
    DEFAULT_HASH_ALG,
    RESERVED_NAMES,
    Path,
    disclosure_digest,
    encode_disclosure,
    hash_function,
)

SD_JWT_VC_TYP = "dc+sd-jwt"

#: SD-JWT VC "Registered JWT Claims" (draft-ietf-oauth-sd-jwt-vc, anchor #claims): these claims
#: and their sub-claims MUST NOT be selectively disclosed.
NEVER_DISCLOSED_VC = frozenset(
    {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status"}
)


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
