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

Paths are tuples of object member names and array indices, e.g. ``("address", "locality")`` or
``("nationalities", 0)``; an array index is the element's position in the issuer-signed array
(before withheld elements are removed). Algorithms are pinned as in :mod:`vckit.jose`: ``none``
and HMAC never verify (reported as :class:`~vckit.errors.JwtAlgorithmError`); a bad signature is
:class:`~vckit.errors.InvalidSignatureError`; every other failure is an ``SdJwtError``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from vckit import multibase
from vckit.document import MAX_DEPTH, parse_json
from vckit.errors import (
    InputError,
    KeyBindingAudienceError,
    KeyBindingError,
    KeyBindingHashError,
    KeyBindingMissingError,
    KeyBindingNonceError,
    KeyBindingTimeError,
    KeyFormatError,
    SdJwtDigestRepeatedError,
    SdJwtDisclosureError,
    SdJwtDuplicateDisclosureError,
    SdJwtFormatError,
    SdJwtHashAlgorithmError,
    SdJwtTimeError,
    SdJwtUnreferencedDisclosureError,
)
from vckit.jose import SUPPORTED_ALGS, check_alg_fits_key, check_header, verify_signature
from vckit.keys import JWS_ALG, KeyPair, PublicKey

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

Path = tuple[str | int, ...]
IssuerKeyLookup = Callable[[Mapping[str, Any], Mapping[str, Any]], PublicKey]

#: IANA "Named Information Hash Algorithm" names we support (RFC 9901 §4.1.1).
HASH_ALGS: dict[str, Callable[[bytes], Any]] = {"sha-256": hashlib.sha256}
DEFAULT_HASH_ALG = "sha-256"
SD_JWT_VC_TYP = "dc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
#: SD-JWT VC "Registered JWT Claims" (draft-ietf-oauth-sd-jwt-vc, anchor #claims): these claims
#: and their sub-claims MUST NOT be selectively disclosed.
NEVER_DISCLOSED_VC = frozenset(
    {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status"}
)
RESERVED_NAMES = frozenset({"_sd", "..."})


@dataclass(frozen=True)
class Disclosure:
    """One disclosure (RFC 9901 §4.2): ``name`` is ``None`` for an array element."""

    encoded: str
    salt: str
    name: str | None
    value: Any


class SdJwtVerification(NamedTuple):
    """What a verified SD-JWT says: the processed claims (``_sd``, ``_sd_alg`` and withheld
    ``...`` removed), the paths disclosed, and how many digests stayed hidden (decoys count).

    ``disclosed_paths`` use issuer-signed array positions (as :func:`present` takes them);
    ``view_paths[i]`` is where ``disclosed_paths[i]`` sits in ``claims`` (array positions
    after withheld elements are removed). ``top_withheld`` counts the undisclosed digests of
    the payload's own ``_sd`` (members that may have been hidden at the top level)."""

    claims: dict[str, Any]
    disclosed_paths: tuple[Path, ...]
    withheld: int
    view_paths: tuple[Path, ...] = ()
    top_withheld: int = 0


def _b64(data: bytes) -> str:
    return multibase.base64url_nopad_encode(data)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _default_salt() -> str:
    """RFC 9901 §4.2.1 / §9.3: 128 bits from a CSPRNG, base64url."""
    return _b64(secrets.token_bytes(16))


def _hash_function(alg: str) -> Callable[[bytes], Any]:
    """RFC 9901 §4.1.1 / §7.1 step 3: only supported ``_sd_alg`` values are accepted."""
    if not isinstance(alg, str) or alg not in HASH_ALGS:
        raise SdJwtHashAlgorithmError(f"_sd_alg {alg!r} is not supported ({', '.join(HASH_ALGS)})")
    return HASH_ALGS[alg]


def disclosure_digest(encoded: str, alg: str = DEFAULT_HASH_ALG) -> str:
    """RFC 9901 §4.2.3: base64url of the hash over the ASCII bytes of the encoded disclosure."""
    return _b64(_hash_function(alg)(encoded.encode("ascii")).digest())


def encode_disclosure(salt: str, name: str | None, value: Any) -> str:
    """RFC 9901 §4.2.1 (``[salt, name, value]``) and §4.2.2 (``[salt, value]``)."""
    if name is not None and name in RESERVED_NAMES:
        raise SdJwtDisclosureError(f"the claim name {name!r} cannot be disclosed (§4.2.1)")
    items = [salt, value] if name is None else [salt, name, value]
    return _b64(_json_bytes(items))


def parse_disclosure(encoded: str) -> Disclosure:
    """RFC 9901 §4.2 and §7.1 step 4: a JSON array of 3 (object property) or 2 (array
    element) with a string salt and a string claim name other than ``_sd`` and ``...``."""
    try:
        items = parse_json(multibase.base64url_nopad_decode(encoded).decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError) as exc:
        raise SdJwtDisclosureError(
            f"disclosure {encoded[:16]}... is not usable JSON: {exc}"
        ) from exc
    if not isinstance(items, list) or len(items) not in (2, 3) or not isinstance(items[0], str):
        raise SdJwtDisclosureError("a disclosure must be [salt, name, value] or [salt, value]")
    if len(items) == 2:
        return Disclosure(encoded, items[0], None, items[1])
    if not isinstance(items[1], str):
        raise SdJwtDisclosureError("a disclosure's claim name must be a string")
    if items[1] in RESERVED_NAMES:
        raise SdJwtDisclosureError(f"a disclosure must not name the claim {items[1]!r}")
    return Disclosure(encoded, items[0], items[1], items[2])


# --- issuance (RFC 9901 §4.1-4.2, §5) ------------------------------------------------------


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
            _b64(_hash_function(self.alg)(secrets.token_bytes(16)).digest())
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


def _sign(header: Mapping[str, Any], payload: Mapping[str, Any], key: KeyPair) -> str:
    """RFC 7515 §5.1 compact JWS."""
    signing_input = _b64(_json_bytes(header)) + "." + _b64(_json_bytes(payload))
    return signing_input + "." + _b64(key.sign(signing_input.encode("ascii")))


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
    _hash_function(hash_alg)
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
    jwt = _sign(header, payload, key)
    return jwt + "~" + "".join(d + "~" for d in issuer.disclosures)


# --- parsing and disclosure processing (RFC 9901 §4, §7.1) --------------------------------


def split(sd_jwt: str) -> tuple[str, list[str], str | None]:
    """RFC 9901 §4 / §7.1 step 1: issuer-signed JWT, disclosures, optional KB-JWT."""
    if not isinstance(sd_jwt, str) or "~" not in sd_jwt:
        raise SdJwtFormatError("an SD-JWT has the form <jwt>~<disclosure>~...~[<kb-jwt>]")
    parts = sd_jwt.strip().split("~")
    jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if not jwt or any(not d for d in disclosures):
        raise SdJwtFormatError("an SD-JWT has an empty component")
    return jwt, disclosures, (last or None)


def _decode_segment(segment: str, what: str) -> dict[str, Any]:
    try:
        value = parse_json(multibase.base64url_nopad_decode(segment).decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError) as exc:
        raise SdJwtFormatError(f"the {what} is not usable base64url JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise SdJwtFormatError(f"the {what} is not a JSON object")
    return value


def _jwt_parts(jwt: str, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    segments = jwt.split(".")
    if len(segments) != 3:
        raise SdJwtFormatError(f"the {what} is not a compact JWS")
    return _decode_segment(segments[0], f"{what} header"), _decode_segment(segments[1], what)


@dataclass
class _Processor:
    """RFC 9901 §7.1 steps 3-5 over one payload."""

    by_digest: dict[str, Disclosure]
    seen: set[str]
    used: set[str]
    paths: list[Path]
    used_in_order: list[str]
    view_paths: list[Path]
    withheld: int = 0

    def _claim(self, digest: object) -> Disclosure | None:
        if not isinstance(digest, str):
            raise SdJwtFormatError("a digest must be a string")
        if digest in self.seen:
            raise SdJwtDigestRepeatedError(f"the digest {digest} appears more than once")
        self.seen.add(digest)
        found = self.by_digest.get(digest)
        if found is None:
            self.withheld += 1
        else:
            self.used.add(digest)
        return found

    def process(self, value: Any, path: Path, view: Path) -> Any:
        """``path`` is where ``value`` sits in the issuer-signed payload, ``view`` where it
        lands in the processed claims. Disclosures nest inside each other, so the depth of
        the result is bounded here too (each disclosure alone is by :func:`parse_json`)."""
        if len(path) > MAX_DEPTH:
            raise SdJwtFormatError(f"the processed claims nest deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            return self._object(value, path, view)
        if isinstance(value, list):
            return self._array(value, path, view)
        return value

    def _object(self, value: dict[str, Any], path: Path, view: Path) -> dict[str, Any]:
        """§7.1 step 3.2.1-3.2.3: ``_sd`` digests become claims; names must be new."""
        out = {
            name: self.process(member, (*path, name), (*view, name))
            for name, member in value.items()
            if name != "_sd" and not (not path and name == "_sd_alg")
        }
        digests = value.get("_sd", [])
        if not isinstance(digests, list):
            raise SdJwtFormatError(f"'_sd' at {list(path)} is not an array")
        for digest in digests:
            disclosure = self._claim(digest)
            if disclosure is None:
                continue
            if disclosure.name is None:
                raise SdJwtDisclosureError("an array-element disclosure is referenced from _sd")
            if disclosure.name in out:
                raise SdJwtDisclosureError(f"the disclosed claim {disclosure.name!r} exists")
            child = (*path, disclosure.name)
            self.paths.append(child)
            self.view_paths.append((*view, disclosure.name))
            self.used_in_order.append(disclosure.encoded)
            out[disclosure.name] = self.process(disclosure.value, child, (*view, disclosure.name))
        return out

    def _array(self, value: list[Any], path: Path, view: Path) -> list[Any]:
        """§7.1 step 3.3: ``{"...": digest}`` elements are replaced or removed."""
        out: list[Any] = []
        for index, element in enumerate(value):
            if isinstance(element, dict) and "..." in element:
                if len(element) != 1:
                    raise SdJwtFormatError("an array element digest must be the only key")
                disclosure = self._claim(element["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise SdJwtDisclosureError("an object-property disclosure is in an array")
                self.paths.append((*path, index))
                self.view_paths.append((*view, len(out)))
                self.used_in_order.append(disclosure.encoded)
                out.append(self.process(disclosure.value, (*path, index), (*view, len(out))))
            else:
                out.append(self.process(element, (*path, index), (*view, len(out))))
        return out


def process_disclosures(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> SdJwtVerification:
    """RFC 9901 §7.1 steps 3-5 (see :func:`_process`)."""
    return _process(payload, disclosures)[0]


def _process(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> tuple[SdJwtVerification, list[str]]:
    """RFC 9901 §7.1 steps 3-5: no duplicate disclosures, every digest once, every
    disclosure referenced, ``_sd``/``_sd_alg`` and withheld elements removed."""
    alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    _hash_function(alg)
    by_digest: dict[str, Disclosure] = {}
    for encoded in disclosures:
        digest = disclosure_digest(encoded, alg)
        if digest in by_digest:
            raise SdJwtDuplicateDisclosureError("the same disclosure is presented twice")
        by_digest[digest] = parse_disclosure(encoded)
    processor = _Processor(by_digest, set(), set(), [], [], [])
    claims = processor._object(dict(payload), (), ())
    top = payload.get("_sd", [])
    top_withheld = sum(1 for d in top if d not in by_digest) if isinstance(top, list) else 0
    unused = set(by_digest) - processor.used
    if unused:
        raise SdJwtUnreferencedDisclosureError(
            f"{len(unused)} disclosure(s) are not referenced by this SD-JWT (modified or foreign)"
        )
    result = SdJwtVerification(
        claims,
        tuple(processor.paths),
        processor.withheld,
        tuple(processor.view_paths),
        top_withheld,
    )
    return result, processor.used_in_order


def _time(now: datetime | int) -> int:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return int(now.timestamp())
    return int(now)


def check_time_claims(claims: Mapping[str, Any], now: int, leeway: int) -> None:
    """RFC 7519 §4.1.4-4.1.6 with an injected ``now``: exp, nbf, and iat not in the future."""
    for name in ("exp", "nbf", "iat"):
        if name in claims and (
            isinstance(claims[name], bool) or not isinstance(claims[name], int | float)
        ):
            raise SdJwtTimeError(f"'{name}' is not a NumericDate")
    if "exp" in claims and now >= claims["exp"] + leeway:
        raise SdJwtTimeError("the SD-JWT has expired (exp)")
    if "nbf" in claims and now < claims["nbf"] - leeway:
        raise SdJwtTimeError("the SD-JWT is not yet valid (nbf)")
    if "iat" in claims and now < claims["iat"] - leeway:
        raise SdJwtTimeError("the SD-JWT is issued in the future (iat)")


# --- presentation (RFC 9901 §4.3, §7.2) ------------------------------------------------------


def sd_hash(presentation_without_kb: str, alg: str = DEFAULT_HASH_ALG) -> str:
    """RFC 9901 §4.3.1: hash over the ASCII of ``<jwt>~<disclosure>~...~``."""
    return _b64(_hash_function(alg)(presentation_without_kb.encode("ascii")).digest())


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
    _, payload = _jwt_parts(jwt, "issuer-signed JWT")
    alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    result, encoded = _process(payload, disclosures)
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
    claims = {"iat": _time(iat), "aud": aud, "nonce": nonce, "sd_hash": sd_hash(presentation, alg)}
    return presentation + _sign(header, claims, holder_key)


# --- verification (RFC 9901 §7) ------------------------------------------------------------


def verify_issuer_jwt(
    jwt: str, issuer_key: IssuerKeyLookup, allowed_algs: Sequence[str]
) -> dict[str, Any]:
    """RFC 9901 §7.1 step 2: alg pinned (never ``none``), signature with the issuer's key."""
    header, payload = _jwt_parts(jwt, "issuer-signed JWT")
    alg = check_header(header, allowed_algs)
    public = issuer_key(header, payload)
    check_alg_fits_key(alg, public)
    verify_signature(jwt, alg, public)
    return payload


def holder_key(claims: Mapping[str, Any]) -> PublicKey:
    """RFC 9901 §4.1.2 / RFC 7800 §3.2: the holder's key from ``cnf.jwk``."""
    cnf = claims.get("cnf")
    if not isinstance(cnf, Mapping) or not isinstance(cnf.get("jwk"), Mapping):
        raise KeyBindingError("the SD-JWT has no cnf.jwk to check key binding against")
    if "d" in cnf["jwk"]:
        raise KeyBindingError("cnf.jwk holds a private key")
    try:
        return PublicKey.from_jwk(cnf["jwk"])
    except KeyFormatError as exc:
        raise KeyBindingError(f"cnf.jwk is not a usable key: {exc}") from exc


def verify_key_binding(
    kb_jwt: str,
    presentation_without_kb: str,
    claims: Mapping[str, Any],
    *,
    hash_alg: str,
    now: int,
    expected_nonce: str | None,
    expected_aud: str | None,
    max_age: int,
    leeway: int,
    allowed_algs: Sequence[str],
) -> None:
    """RFC 9901 §7.3 step 5: typ ``kb+jwt``, signature with the ``cnf`` key, ``iat`` in the
    acceptable window, ``nonce``/``aud`` as expected, ``sd_hash`` over the presentation."""
    header, payload = _jwt_parts(kb_jwt, "Key Binding JWT")
    if header.get("typ") != KB_JWT_TYP:
        raise KeyBindingError(f"the KB-JWT typ is {header.get('typ')!r}, not 'kb+jwt'")
    alg = check_header(header, allowed_algs)
    public = holder_key(claims)
    check_alg_fits_key(alg, public)
    verify_signature(kb_jwt, alg, public)
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise KeyBindingError("the KB-JWT has no NumericDate 'iat'")
    if iat > now + leeway or iat < now - max_age - leeway:
        raise KeyBindingTimeError("the KB-JWT iat is outside the acceptable window")
    for name in ("nonce", "aud", "sd_hash"):
        if not isinstance(payload.get(name), str):
            raise KeyBindingError(f"the KB-JWT has no string {name!r} (RFC 9901 §4.3)")
    if expected_nonce is not None and payload.get("nonce") != expected_nonce:
        raise KeyBindingNonceError("the KB-JWT nonce is not the expected one (replayed?)")
    if expected_aud is not None and payload.get("aud") != expected_aud:
        raise KeyBindingAudienceError("the KB-JWT aud is not this verifier")
    if payload.get("sd_hash") != sd_hash(presentation_without_kb, hash_alg):
        raise KeyBindingHashError("the KB-JWT sd_hash does not match the presentation")


def verify(
    sd_jwt: str,
    issuer_key: IssuerKeyLookup,
    *,
    now: datetime | int,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    require_key_binding: bool = False,
    expected_typ: str | None = None,
    max_kb_age: timedelta = timedelta(minutes=5),
    leeway: timedelta = timedelta(0),
    allowed_algs: Sequence[str] = SUPPORTED_ALGS,
) -> SdJwtVerification:
    """RFC 9901 §7.1 (+ §7.3 when a KB-JWT is present or ``require_key_binding``).
    ``issuer_key(header, payload)`` returns the issuer's public key (it may raise).
    ``expected_typ`` (e.g. ``dc+sd-jwt``) pins the issuer JWT's ``typ``."""
    now_s, leeway_s = _time(now), int(leeway.total_seconds())
    jwt, disclosures, kb_jwt = split(sd_jwt)
    if expected_typ is not None:
        header, _ = _jwt_parts(jwt, "issuer-signed JWT")
        if header.get("typ") != expected_typ:
            raise SdJwtFormatError(f"typ {header.get('typ')!r} is not {expected_typ!r}")
    payload = verify_issuer_jwt(jwt, issuer_key, allowed_algs)
    hash_alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    result = process_disclosures(payload, disclosures)
    check_time_claims(result.claims, now_s, leeway_s)
    if kb_jwt is None:
        if require_key_binding:
            raise KeyBindingMissingError("key binding is required but there is no KB-JWT")
        return result
    if require_key_binding and (expected_nonce is None or expected_aud is None):
        raise KeyBindingError("key binding needs expected_nonce and expected_aud")
    verify_key_binding(
        kb_jwt,
        sd_jwt.strip()[: -len(kb_jwt)],
        result.claims,
        hash_alg=hash_alg,
        now=now_s,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        max_age=int(max_kb_age.total_seconds()),
        leeway=leeway_s,
        allowed_algs=allowed_algs,
    )
    return result
