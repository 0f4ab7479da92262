"""Digests of related resources whose exact bytes we hold (VC Data Model 2.0 §5.3).

§5.3: "If the digest provided by the issuer does not match the digest computed for the
retrieved resource, the conforming verifier implementation MUST produce an error." vckit
fetches nothing, so it can compare a ``relatedResource`` digest only for a resource whose
bytes it already holds *and* knows to be the bytes W3C serves. Those are the sealed contexts
below: each file in ``contexts/`` whose SHA-256 the VC Data Model 2.0 Recommendation
publishes (w3c/vc-data-model ``transitions/2025/REC/index.html``: Appendix B.1 "Base
Context" gives ``59955ced…`` for the base context; Examples 25 and 26 give the SRI SHA-384
and multihash SHA-256 of the base and examples contexts, which these files reproduce).

For any other URL the answer is ``None`` (could not check): a resource we do not hold is
neither a match nor a mismatch. The W3C vc-data-model-2.0 suite's own "valid" fixture digests
(``sha384-NSOcNpmd…``, ``uJKGMkOm…``) are those of the 2024 Candidate Recommendation's copy
of the base context (``transitions/2024/CR2/index.html``: SHA-256 ``24a18c90…``), which the
Recommendation replaced; they do not match what W3C serves now.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import cache

from vckit.errors import InputError
from vckit.jsonld.contexts import VC_V2_CONTEXT
from vckit.jsonld.expansion import contexts_dir
from vckit.keys import multibase

PUBLISHED: dict[str, tuple[str, str]] = {
    VC_V2_CONTEXT: (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://www.w3.org/ns/credentials/examples/v2": (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
}
"""URL -> (file in ``contexts/``, the SHA-256 the VC DM 2.0 Recommendation publishes for it)."""

_SRI = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
_MULTIHASH = {b"\x12\x20": "sha256", b"\x20\x30": "sha384", b"\x13\x40": "sha512"}
_LENGTHS = {"sha256": 32, "sha384": 48, "sha512": 64}


@cache
def held_bytes(url: str) -> bytes | None:
    """The bytes W3C serves at ``url``, when we hold them (checked against the published
    SHA-256: a file that no longer hashes to it is not held)."""
    known = PUBLISHED.get(url)
    if known is None:
        return None
    try:
        data = (contexts_dir() / known[0]).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == known[1] else None


def _claimed(member: str, value: str) -> tuple[str, bytes] | None:
    """(hash algorithm, digest) a well-formed ``digestSRI``/``digestMultibase`` states."""
    try:
        if member == "digestSRI":
            name, _, encoded = value.partition("-")
            return _SRI[name], base64.b64decode(encoded, validate=True)
        digest = multibase.decode(value)
    except (KeyError, InputError, binascii.Error, ValueError):
        return None
    named = _MULTIHASH.get(digest[:2])
    if named is not None and len(digest) - 2 == _LENGTHS[named]:
        return named, digest[2:]
    bare = {length: name for name, length in _LENGTHS.items()}.get(len(digest))
    return (bare, digest) if bare is not None else None


def digest_matches(url: str, member: str, value: object) -> bool | None:
    """Whether ``value`` (a ``digestSRI`` or ``digestMultibase``) is the digest of the bytes
    at ``url``; ``None`` when we do not hold them or the value is not a readable digest."""
    data = held_bytes(url)
    if data is None or not isinstance(value, str):
        return None
    claimed = _claimed(member, value)
    if claimed is None:
        return None
    return hashlib.new(claimed[0], data).digest() == claimed[1]
