"""Controlled identifiers on https: W3C Controlled Identifiers 1.0 (CID) controller documents.

Open Badges 3.0 §8 "Dereferencing the Public Key" lets a proof name its key by an HTTP URL
(``https://example.edu/issuers/565049#key-1``) or a DID URL, "but only requires HTTP URL
support". Such a URL is dereferenced as CID 1.0 §3.3 "Retrieve Verification Method" says:

1. the controller document's URL is the verification method URL without its fragment;
2. that document is fetched (the caller's ``fetch``, never the network directly) and its
   ``id`` must equal that URL;
3. the verification method is found in it by its full URL, and its ``controller`` must be
   the document's ``id`` (:func:`vckit.did.document.parse_did_document` enforces both);
4. whether the method may be used for a purpose (``assertionMethod``...) is the document's
   relationship lists (:meth:`vckit.did.document.DidDocument.allows`), checked by the caller.

A URL without a fragment may name a verification method published on its own (OB 3.0's
``https://1edtech.org/keys/1``): the fetched document is then the method itself, and its
``controller`` is fetched as in steps 2-3 to learn which relationships list it.

:func:`key_in_url` reads a key that a URL carries in itself (a Multikey fragment, as in
1EdTech's vectors ``https://example.edu/issuers/565049#z6Mk...``): it lets a verifier that
may not fetch check the signature, but never ties the key to anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from vckit.did.document import (
    DidDocument,
    VerificationMethod,
    has_private_key,
    method_key,
    parse_did_document,
)
from vckit.document import parse_json
from vckit.errors import (
    DidFetchNotAllowedError,
    DidResolutionError,
    InputError,
    InvalidDidError,
    KeyFormatError,
)
from vckit.keys.keypair import PublicKey

Fetch = Callable[[str], bytes]
MAX_URL_LENGTH = 2_048
VERIFICATION_METHOD_TYPES = ("Multikey", "JsonWebKey", "JsonWebKey2020")


def is_https_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith("https://")


def check_url(url: str) -> str:
    """The controller document URL of ``url`` (without its fragment), if ``url`` is one a
    verifier may dereference: https, a host, no user name or password."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidDidError(f"a key URL longer than {MAX_URL_LENGTH} characters is refused")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc:
        raise InvalidDidError(f"{url[:120]!r} is not an https URL a key can be fetched from")
    return url.partition("#")[0]


def key_in_url(url: str) -> PublicKey | None:
    """The public key a URL spells out in its fragment as a Multikey value, else None."""
    fragment = url.partition("#")[2]
    if not fragment.startswith("z"):
        return None
    try:
        return PublicKey.from_multibase(fragment)
    except KeyFormatError:
        return None


def load_document(url: str, fetch: Fetch | None, limit: int) -> dict[str, Any]:
    """Fetch ``url`` and read one JSON object whose ``id`` is ``url`` (CID 1.0 §3.3 step 4)."""
    if fetch is None:
        raise DidFetchNotAllowedError(f"the key's controller document is {url}: fetching is off")
    try:
        body = fetch(url)
    except Exception as exc:  # the caller's fetch may raise anything
        raise DidResolutionError(f"fetching {url} failed: {exc}") from exc
    if not isinstance(body, bytes | bytearray):
        raise DidResolutionError(f"fetching {url} returned {type(body).__name__}, not bytes")
    if len(body) > limit:
        raise DidResolutionError(f"the document at {url} is larger than {limit} bytes")
    try:
        document = parse_json(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, InputError) as exc:
        raise DidResolutionError(f"the document at {url} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise DidResolutionError(f"the document at {url} is not a JSON object")
    if document.get("id") != url:
        found = str(document.get("id"))[:100]
        raise DidResolutionError(f"the document at {url} has id {found!r}, not {url}")
    return document


def retrieve_method(
    url: str, fetch: Fetch | None, limit: int
) -> tuple[DidDocument, VerificationMethod]:
    """CID 1.0 §3.3: the controller document and the verification method ``url`` names."""
    base = check_url(url)
    document = load_document(base, fetch, limit)
    if base == url and document.get("type") in VERIFICATION_METHOD_TYPES:
        return _standalone_method(url, document, fetch, limit)
    controller = parse_did_document(base, document)
    return controller, controller.find(url)


def _standalone_method(
    url: str, method: dict[str, Any], fetch: Fetch | None, limit: int
) -> tuple[DidDocument, VerificationMethod]:
    """A verification method published at its own URL (CID 1.0 §3.3 steps 5-7 with the
    method as the dereferenced resource): its ``controller`` must be an https URL whose
    controller document the caller then asks about relationships."""
    owner = method.get("controller")
    if not is_https_url(owner) or owner == url:
        raise DidResolutionError(f"the key at {url} names no https controller")
    if has_private_key(method):
        raise DidResolutionError(f"the key at {url} publishes a private key")
    base = check_url(str(owner))
    controller = parse_did_document(base, load_document(base, fetch, limit))
    try:
        public = method_key(method)
    except KeyFormatError as exc:
        raise DidResolutionError(f"the key at {url}: {exc}") from exc
    return controller, VerificationMethod(url, str(method.get("type")), base, public)


# --- JWT VC issuer metadata (SD-JWT VC §5, an https ``iss``) -------------------------------


def issuer_metadata_url(issuer: str) -> str:
    """SD-JWT VC "JWT VC Issuer Metadata" §5.1: ``/.well-known/jwt-vc-issuer`` inserted between
    the host and the path of the ``iss`` URL (``https://example.com/tenant/1`` ->
    ``https://example.com/.well-known/jwt-vc-issuer/tenant/1``)."""
    check_url(issuer)
    parts = urlsplit(issuer)
    if parts.query or parts.fragment:
        raise InvalidDidError(f"an issuer URL with a query or fragment has no metadata: {issuer}")
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}/.well-known/jwt-vc-issuer{path}"


def issuer_metadata_keys(
    issuer: str, fetch: Fetch | None, limit: int
) -> list[tuple[str | None, PublicKey]]:
    """The keys an https issuer publishes in its JWT VC issuer metadata (``jwks`` inline or at
    ``jwks_uri``), with their ``kid``. The metadata's ``issuer`` must be ``issuer`` (§5.3)."""
    url = issuer_metadata_url(issuer)
    metadata = _load_json(url, fetch, limit)
    if metadata.get("issuer") != issuer:
        raise DidResolutionError(f"the metadata at {url} is not {issuer}'s")
    jwks = metadata.get("jwks")
    if jwks is None and is_https_url(metadata.get("jwks_uri")):
        jwks_url = str(metadata["jwks_uri"])
        check_url(jwks_url)
        jwks = _load_json(jwks_url, fetch, limit)
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise DidResolutionError(f"the metadata at {url} publishes no JWK Set")
    found: list[tuple[str | None, PublicKey]] = []
    for jwk in keys[:MAX_METADATA_KEYS]:
        if not isinstance(jwk, dict) or "d" in jwk:
            continue
        try:
            public = PublicKey.from_jwk(jwk)
        except KeyFormatError:
            continue
        kid = jwk.get("kid")
        found.append((kid if isinstance(kid, str) else None, public))
    return found


MAX_METADATA_KEYS = 50


def _load_json(url: str, fetch: Fetch | None, limit: int) -> dict[str, Any]:
    """Fetch ``url`` and read one JSON object (no ``id`` rule: metadata is not a document)."""
    if fetch is None:
        raise DidFetchNotAllowedError(f"the issuer's metadata is at {url}: fetching is off")
    try:
        body = fetch(url)
    except Exception as exc:  # the caller's fetch may raise anything
        raise DidResolutionError(f"fetching {url} failed: {exc}") from exc
    if not isinstance(body, bytes | bytearray) or len(body) > limit:
        raise DidResolutionError(f"the answer from {url} is not bytes of at most {limit}")
    try:
        document = parse_json(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, InputError) as exc:
        raise DidResolutionError(f"the answer from {url} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise DidResolutionError(f"the answer from {url} is not a JSON object")
    return document
