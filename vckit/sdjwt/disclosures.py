"""SD-JWT disclosures (RFC 9901 §4.2) and their processing by a verifier or holder (§7.1 steps 3-5).

A disclosure is the base64url of ``[salt, name, value]`` (§4.2.1, an object property) or
``[salt, value]`` (§4.2.2, an array element); its digest (§4.2.3, with the ``_sd_alg`` of §4.1.1)
sits in an ``_sd`` array or a ``{"...": digest}`` array element of the issuer-signed payload.
:func:`process_disclosures` puts the disclosed claims back in place and enforces every §7.1 rule:
no disclosure twice, no digest twice, every disclosure referenced, no claim overwritten.

Paths are tuples of object member names and array indices, e.g. ``("address", "locality")`` or
``("nationalities", 0)``; an array index is the element's position in the issuer-signed array
(before withheld elements are removed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from vckit.document import MAX_DEPTH, parse_json
from vckit.errors import (
    InputError,
    SdJwtDigestRepeatedError,
    SdJwtDisclosureError,
    SdJwtDuplicateDisclosureError,
    SdJwtFormatError,
    SdJwtHashAlgorithmError,
    SdJwtUnreferencedDisclosureError,
)
from vckit.keys import multibase
from vckit.sdjwt.compact import b64url, json_bytes

__all__ = [
    "DEFAULT_HASH_ALG",
    "HASH_ALGS",
    "RESERVED_NAMES",
    "Disclosure",
    "Path",
    "SdJwtVerification",
    "disclosure_digest",
    "encode_disclosure",
    "hash_function",
    "parse_disclosure",
    "process_disclosures",
    "process_in_order",
]

Path = tuple[str | int, ...]

#: IANA "Named Information Hash Algorithm" names we support (RFC 9901 §4.1.1).
HASH_ALGS: dict[str, Callable[[bytes], Any]] = {"sha-256": hashlib.sha256}
DEFAULT_HASH_ALG = "sha-256"
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

    ``disclosed_paths`` use issuer-signed array positions (as :func:`vckit.sdjwt.present`
    takes them); ``view_paths[i]`` is where ``disclosed_paths[i]`` sits in ``claims`` (array
    positions after withheld elements are removed). ``top_withheld`` counts the undisclosed
    digests of the payload's own ``_sd`` (members that may have been hidden at the top level)."""

    claims: dict[str, Any]
    disclosed_paths: tuple[Path, ...]
    withheld: int
    view_paths: tuple[Path, ...] = ()
    top_withheld: int = 0


def hash_function(alg: str) -> Callable[[bytes], Any]:
    """RFC 9901 §4.1.1 / §7.1 step 3: only supported ``_sd_alg`` values are accepted."""
    if not isinstance(alg, str) or alg not in HASH_ALGS:
        raise SdJwtHashAlgorithmError(f"_sd_alg {alg!r} is not supported ({', '.join(HASH_ALGS)})")
    return HASH_ALGS[alg]


def disclosure_digest(encoded: str, alg: str = DEFAULT_HASH_ALG) -> str:
    """RFC 9901 §4.2.3: base64url of the hash over the ASCII bytes of the encoded disclosure."""
    return b64url(hash_function(alg)(encoded.encode("ascii")).digest())


def encode_disclosure(salt: str, name: str | None, value: Any) -> str:
    """RFC 9901 §4.2.1 (``[salt, name, value]``) and §4.2.2 (``[salt, value]``)."""
    if name is not None and name in RESERVED_NAMES:
        raise SdJwtDisclosureError(f"the claim name {name!r} cannot be disclosed (§4.2.1)")
    items = [salt, value] if name is None else [salt, name, value]
    return b64url(json_bytes(items))


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

    def process(self, value: Any, path: _Trail, view: _Trail, depth: int) -> Any:
        """``path`` is where ``value`` sits in the issuer-signed payload, ``view`` where it
        lands in the processed claims (each ``()`` or ``(parent, key)``: a tuple per step,
        made flat only for a disclosure), ``depth`` their length. Disclosures nest inside
        each other, so the depth of the result is bounded here too (each disclosure alone
        is by :func:`parse_json`)."""
        if depth > MAX_DEPTH:
            raise SdJwtFormatError(f"the processed claims nest deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            return self._object(value, path, view, depth)
        if isinstance(value, list):
            return self._array(value, path, view, depth)
        return value

    def _object(
        self, value: dict[str, Any], path: _Trail, view: _Trail, depth: int
    ) -> dict[str, Any]:
        """§7.1 step 3.2.1-3.2.3: ``_sd`` digests become claims; names must be new.

        The members are copied at once (in C, in their order) and only the containers among
        them are replaced by their processed copies: scalars, most of a credential, are
        passed over with one type test."""
        out = dict(value)
        out.pop("_sd", None)
        if not depth:
            out.pop("_sd_alg", None)
        if out and depth >= MAX_DEPTH:  # any member would be deeper than the limit
            raise SdJwtFormatError(f"the processed claims nest deeper than {MAX_DEPTH} levels")
        for name, item in out.items():
            kind = type(item)
            if kind is str:
                continue
            if kind is dict:
                out[name] = self._object(item, (path, name), (view, name), depth + 1)
            elif kind is list:
                out[name] = self._array(item, (path, name), (view, name), depth + 1)
            elif isinstance(item, _NESTED):
                out[name] = self.process(item, (path, name), (view, name), depth + 1)
        digests = value.get("_sd", [])
        if not isinstance(digests, list):
            raise SdJwtFormatError(f"'_sd' at {list(_flat(path))} is not an array")
        for digest in digests:
            disclosure = self._claim(digest)
            if disclosure is None:
                continue
            if disclosure.name is None:
                raise SdJwtDisclosureError("an array-element disclosure is referenced from _sd")
            if disclosure.name in out:
                raise SdJwtDisclosureError(f"the disclosed claim {disclosure.name!r} exists")
            child, shown = (path, disclosure.name), (view, disclosure.name)
            self.paths.append(_flat(child))
            self.view_paths.append(_flat(shown))
            self.used_in_order.append(disclosure.encoded)
            out[disclosure.name] = self.process(disclosure.value, child, shown, depth + 1)
        return out

    def _array(self, value: list[Any], path: _Trail, view: _Trail, depth: int) -> list[Any]:
        """§7.1 step 3.3: ``{"...": digest}`` elements are replaced or removed."""
        out: list[Any] = []
        deep = depth >= MAX_DEPTH
        for index, element in enumerate(value):
            kind = type(element)
            if kind is str and not deep:
                out.append(element)
            elif isinstance(element, dict) and "..." in element:
                if len(element) != 1:
                    raise SdJwtFormatError("an array element digest must be the only key")
                disclosure = self._claim(element["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise SdJwtDisclosureError("an object-property disclosure is in an array")
                child, shown = (path, index), (view, len(out))
                self.paths.append(_flat(child))
                self.view_paths.append(_flat(shown))
                self.used_in_order.append(disclosure.encoded)
                out.append(self.process(disclosure.value, child, shown, depth + 1))
            elif deep:
                raise SdJwtFormatError(f"the processed claims nest deeper than {MAX_DEPTH} levels")
            elif kind is dict:
                out.append(self._object(element, (path, index), (view, len(out)), depth + 1))
            elif isinstance(element, _NESTED):
                out.append(self.process(element, (path, index), (view, len(out)), depth + 1))
            else:
                out.append(element)
        return out


_Trail = tuple[Any, ...]
"""A path as ``()`` or ``(parent's trail, key)``: one small tuple per step."""


def _flat(trail: _Trail) -> Path:
    parts: list[str | int] = []
    while trail:
        trail, key = trail
        parts.append(key)
    return tuple(reversed(parts))


_NESTED = (dict, list)


def process_disclosures(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> SdJwtVerification:
    """RFC 9901 §7.1 steps 3-5 (see :func:`process_in_order`)."""
    return process_in_order(payload, disclosures)[0]


def process_in_order(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> tuple[SdJwtVerification, list[str]]:
    """RFC 9901 §7.1 steps 3-5: no duplicate disclosures, every digest once, every
    disclosure referenced, ``_sd``/``_sd_alg`` and withheld elements removed. Also returns
    the encoded disclosures in ``disclosed_paths`` order (what §7.2 presentation picks from)."""
    alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    hash_function(alg)
    by_digest: dict[str, Disclosure] = {}
    for encoded in disclosures:
        digest = disclosure_digest(encoded, alg)
        if digest in by_digest:
            raise SdJwtDuplicateDisclosureError("the same disclosure is presented twice")
        by_digest[digest] = parse_disclosure(encoded)
    processor = _Processor(by_digest, set(), set(), [], [], [])
    claims = processor._object(dict(payload), (), (), 0)
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
