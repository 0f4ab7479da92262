"""DIDs: did:key and did:jwk (pure), did:web (its HTTPS fetch passed in) -> DID document.

Specs:

* DID Core 1.0 -- https://www.w3.org/TR/did-core/ (3.1 DID syntax, 3.2 DID URL syntax,
  5.2 verification methods, 5.3 verification relationships: referenced or embedded).
* did:key v0.9 -- https://w3c-ccg.github.io/did-key-spec/ (3.1.1 "Document Creation Algorithm":
  one Multikey verification method ``did:key:z...#z...``; no X25519 key agreement derivation).
* did:jwk -- https://github.com/quartzjer/did-jwk/blob/main/spec.md ("Create", "Read").
* did:web -- https://w3c-ccg.github.io/did-method-web/ ("Method-specific identifier",
  "Read (Resolve)").

The resolver never touches the network itself: did:web needs a ``fetch`` callback, and without
one it raises :class:`DidFetchNotAllowedError`. Every method's document goes through
:func:`vckit.did.document.parse_did_document` (verification methods and key control).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal
from urllib.parse import unquote

from vckit.did.controlled import is_https_url, issuer_metadata_keys, retrieve_method
from vckit.did.document import (
    RELATIONSHIPS,
    DidDocument,
    VerificationMethod,
    parse_did_document,
)
from vckit.document import parse_json
from vckit.errors import (
    DidFetchNotAllowedError,
    DidResolutionError,
    InputError,
    InvalidDidError,
    KeyFormatError,
    UnsupportedDidMethodError,
)
from vckit.keys import multibase
from vckit.keys.keypair import PublicKey

__all__ = [
    "DidDocument",
    "DidResolver",
    "Fetch",
    "RELATIONSHIPS",
    "VerificationMethod",
    "did_document_for_key",
    "did_jwk",
    "did_key",
    "did_web_url",
    "parse_did_document",
    "split_did_url",
]

Fetch = Callable[[str], bytes]
VmType = Literal["Multikey", "JsonWebKey2020", "JsonWebKey"]

SIGNING_RELATIONSHIPS = tuple(r for r in RELATIONSHIPS if r != "keyAgreement")
MAX_DOCUMENT_BYTES = 100_000
MAX_DID_LENGTH = 8_192

_DID_CONTEXT = "https://www.w3.org/ns/did/v1"
_VM_CONTEXTS: dict[str, str] = {
    "Multikey": "https://w3id.org/security/multikey/v1",
    "JsonWebKey2020": "https://w3id.org/security/suites/jws-2020/v1",
    "JsonWebKey": "https://w3id.org/security/jwk/v1",
}
_IDCHARS = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID = re.compile(rf"did:([a-z0-9]+):((?:{_IDCHARS}*:)*{_IDCHARS}+)")  # DID Core 3.1 ABNF
_DNS_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


# --- DID syntax and the documents of the pure methods -------------------------------------


def _parse_did(did: str) -> tuple[str, str]:
    """Split a DID into (method, method-specific-id) per the DID Core 3.1 ABNF."""
    if not isinstance(did, str) or len(did) > MAX_DID_LENGTH:
        raise InvalidDidError("a DID must be a string of at most 8192 characters")
    match = _DID.fullmatch(did)
    if match is None:
        raise InvalidDidError(f"{did[:80]!r} is not a DID (DID Core 3.1 syntax)")
    return match.group(1), match.group(2)


def split_did_url(url: str) -> tuple[str, str]:
    """Split a DID URL at its ``#`` (DID Core 3.2): ``did:example:1#key-1`` ->
    ``("did:example:1", "key-1")``. The fragment is ``""`` when there is none; the first
    part is everything before the ``#`` (the DID itself when the URL has no path or query,
    which the caller checks by comparing it with the DID it expects)."""
    if not isinstance(url, str):
        raise InvalidDidError("a DID URL must be a string")
    did, _, fragment = url.partition("#")
    return did, fragment


def did_key(public: PublicKey) -> str:
    """``did:key:`` + the key's Multikey value (did:key 2.1). RSA -> KeyFormatError."""
    return "did:key:" + public.to_multibase()


def did_jwk(public: PublicKey) -> str:
    """``did:jwk:`` + base64url of the public JWK, JCS-serialized (did:jwk "Create")."""
    serialized = json.dumps(public.to_jwk(), sort_keys=True, separators=(",", ":"))
    return "did:jwk:" + multibase.base64url_nopad_encode(serialized.encode("utf-8"))


def did_document_for_key(
    did: str,
    public: PublicKey,
    vm_type: VmType = "Multikey",
    *,
    fragment: str = "key-1",
    relationships: Sequence[str] = SIGNING_RELATIONSHIPS,
) -> dict[str, Any]:
    """A DID document with one verification method ``did#fragment`` listed in
    ``relationships``; for services to publish did:web documents (DID Core 5.2, 5.3)."""
    if vm_type not in _VM_CONTEXTS:
        raise KeyFormatError(f"unsupported verification method type {vm_type!r}")
    vm_id = f"{did}#{fragment}"
    method: dict[str, Any] = {"id": vm_id, "type": vm_type, "controller": did}
    if vm_type == "Multikey":
        method["publicKeyMultibase"] = public.to_multibase()
    else:
        method["publicKeyJwk"] = public.to_jwk()
    document: dict[str, Any] = {
        "@context": [_DID_CONTEXT, _VM_CONTEXTS[vm_type]],
        "id": did,
        "verificationMethod": [method],
    }
    document |= {relationship: [vm_id] for relationship in relationships}
    return document


def _did_key_document(did: str, value: str) -> dict[str, Any]:
    """did:key 3.1.1: decode the Multikey value, build one Multikey method ``#<value>``."""
    try:
        public = PublicKey.from_multibase(value)
    except KeyFormatError as exc:
        raise InvalidDidError(f"{did}: {exc}") from exc
    if public.to_multibase() != value:  # pragma: no cover - from_multibase is strict
        raise InvalidDidError(f"{did}: not the canonical encoding of its key")
    return did_document_for_key(did, public, "Multikey", fragment=value)


def _did_jwk_document(did: str, value: str) -> dict[str, Any]:
    """did:jwk "Read": base64url-decode, parse UTF-8 JSON (strictly: a duplicate member or NaN
    is refused, RFC 7517 §4 "member names MUST be unique"), validate the JWK, build ``#0``."""
    try:
        jwk = parse_json(multibase.base64url_nopad_decode(value).decode("utf-8"))
    except (InputError, UnicodeDecodeError) as exc:
        raise InvalidDidError(f"did:jwk value is not base64url-encoded JSON: {exc}") from exc
    if not isinstance(jwk, dict):
        raise InvalidDidError("did:jwk value is not a JSON object")
    if "d" in jwk:
        raise InvalidDidError("did:jwk carries a private key ('d'); it must be rejected")
    try:
        public = PublicKey.from_jwk(jwk)
    except KeyFormatError as exc:
        raise InvalidDidError(f"did:jwk key: {exc}") from exc
    relationships = SIGNING_RELATIONSHIPS if jwk.get("use") == "sig" else RELATIONSHIPS
    document = did_document_for_key(
        did, public, "JsonWebKey2020", fragment="0", relationships=relationships
    )
    document["verificationMethod"][0]["publicKeyJwk"] = jwk  # the JWK exactly as in the DID
    return document


# --- did:web -----------------------------------------------------------------------------


def did_web_url(did: str) -> str:
    """did:web "Read (Resolve)" steps 1-5: ':' -> '/', percent-decode the port colon,
    prepend ``https://``, append ``/.well-known`` when there is no path, append ``/did.json``.
    Refuses IP addresses (method-specific identifier section) and empty/dot path segments."""
    method, msid = _parse_did(did)
    if method != "web":
        raise InvalidDidError(f"{did} is not a did:web DID")
    host, *path = msid.split(":")
    name, has_port, port = re.sub("%3a", "%3A", host).partition("%3A")
    labels = name.split(".")
    if len(name) > 253 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise InvalidDidError(f"{did}: {unquote(host)!r} is not a domain name")
    if labels[-1].isdigit():
        raise InvalidDidError(f"{did}: did:web must not use an IP address")
    if has_port and not (port.isdigit() and port[0] != "0" and int(port[:6]) < 65536):
        raise InvalidDidError(f"{did}: {port!r} is not a port number")
    for segment in path:
        if unquote(segment) in ("", ".", "..") or "/" in unquote(segment):
            raise InvalidDidError(f"{did}: path segment {segment!r} is not allowed")
    authority = f"{name}:{port}" if port else name
    location = "/".join(path) if path else ".well-known"
    return f"https://{authority}/{location}/did.json"


def _load_web_document(did: str, url: str, body: object, limit: int) -> dict[str, Any]:
    """Check the fetched body: bytes, at most ``limit`` long, one JSON object whose ``id``
    is the DID itself (DID Core 7.1: the resolved document's id must match)."""
    if not isinstance(body, bytes | bytearray):
        raise DidResolutionError(f"fetching {url} returned {type(body).__name__}, not bytes")
    if len(body) > limit:
        raise DidResolutionError(f"the DID document at {url} is larger than {limit} bytes")
    try:
        document = parse_json(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, InputError) as exc:
        raise DidResolutionError(f"the DID document at {url} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise DidResolutionError(f"the DID document at {url} is not a JSON object")
    if document.get("id") != did:
        found = str(document.get("id"))[:100]
        raise DidResolutionError(f"the document at {url} has id {found!r}, not {did}")
    return document


@functools.lru_cache(maxsize=1024)
def _resolve_pure(did: str) -> DidDocument:
    """did:key and did:jwk documents depend on the DID string alone, so the last 1,024 are kept
    (decoding the key and re-encoding it to check canonical form was a tenth of a whole
    eddsa-rdfc-2022 verification report). Nobody mutates a resolved document."""
    method, msid = _parse_did(did)
    if method == "key":
        return parse_did_document(did, _did_key_document(did, msid))
    return parse_did_document(did, _did_jwk_document(did, msid))


class DidResolver:
    """Resolve did:key, did:jwk and did:web, and dereference key URLs (DID URLs and https
    controller documents). ``fetch`` maps an https URL to the response body and may raise
    anything; without it did:web and https keys raise DidFetchNotAllowedError."""

    def __init__(
        self, fetch: Fetch | None = None, *, max_document_bytes: int = MAX_DOCUMENT_BYTES
    ) -> None:
        self._fetch = fetch
        self._max_document_bytes = max_document_bytes

    def resolve(self, did: str) -> DidDocument:
        """DID Core 7.1 resolution for the three supported methods."""
        method, _ = _parse_did(did)
        if method in ("key", "jwk"):
            return _resolve_pure(did)
        if method == "web":
            return parse_did_document(did, self._resolve_web(did))
        raise UnsupportedDidMethodError(f"did:{method} is not supported (key, jwk, web)")

    def _resolve_web(self, did: str) -> dict[str, Any]:
        url = did_web_url(did)
        if self._fetch is None:
            raise DidFetchNotAllowedError(f"resolving {did} needs {url}, and fetching is off")
        try:
            body = self._fetch(url)
        except Exception as exc:
            raise DidResolutionError(f"fetching {url} failed: {exc}") from exc
        return _load_web_document(did, url, body, self._max_document_bytes)

    def resolve_method(self, vm_url: str) -> tuple[DidDocument, VerificationMethod]:
        """Dereference a verification method URL to its (controller) document and method:
        ``did:...#fragment`` (DID Core 7.2), a bare ``did:key`` / ``did:jwk`` (their one
        method), or an https URL (W3C Controlled Identifiers 1.0, :mod:`vckit.did.controlled`,
        fetched like did:web)."""
        if not isinstance(vm_url, str):
            raise InvalidDidError("a verification method URL must be a string")
        if is_https_url(vm_url):
            return retrieve_method(vm_url, self._fetch, self._max_document_bytes)
        did, fragment = split_did_url(vm_url)
        document = self.resolve(did)
        if not fragment and did.startswith(("did:key:", "did:jwk:")):
            return document, document.verification_methods[0]
        if not fragment:
            raise InvalidDidError(f"{vm_url[:120]!r} names a DID, not one of its methods (#...)")
        return document, document.find(vm_url)

    def issuer_keys(self, issuer: str) -> list[tuple[str | None, PublicKey]]:
        """The keys (with their ``kid``) an https issuer publishes in its JWT VC issuer
        metadata (:func:`vckit.did.controlled.issuer_metadata_keys`), fetched like did:web."""
        return issuer_metadata_keys(issuer, self._fetch, self._max_document_bytes)
