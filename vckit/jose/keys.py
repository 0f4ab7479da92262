"""Which key checks a JWT's signature, and whether that key is the issuer's.

OB 3.0 §8.2.6 steps 2-3 and §8 "Dereferencing the Public Key"; VC-JOSE-COSE §4.1 "Key
Discovery"; RFC 7515 §4.1.3-4.1.6. The two questions are kept apart, because a verifier must
never report one as the other:

- *which key*: ``kid`` dereferenced (a DID URL, ``#fragment`` relative to the issuer, or an
  https URL naming a key in a W3C Controlled Identifiers controller document); without a
  ``kid``, the ``jwk`` header (OB 3.0: "If you do not include a kid ... you MUST include the
  public key in the jwk property"); a bare did:key / did:jwk issuer names its one key.
- *whose key*: :class:`IssuerKey.binding`, an ``issuer-key`` check. It passes only when the
  issuer's own (DID or controller) document lists the key for ``assertionMethod``, or the
  issuer's DID *is* the key (did:key, did:jwk). A key that came with the token (``jwk``,
  ``x5c``, a Multikey spelled out in an https ``kid``) checks the signature but ties it to no
  one: could-not-check, never pass. A ``kid`` that cannot be dereferenced (fetching off or
  failed) is could-not-check, never a bad signature.

``jku`` and ``x5u`` (keys fetched from a URL the token chooses) are refused; an embedded ``jwk``
or ``x5c`` beside a dereferenced ``kid`` must be that same key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x25519
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto.common import JWException

from vckit.did.controlled import is_https_url, key_in_url
from vckit.did.resolver import DidResolver, did_jwk, did_key
from vckit.errors import (
    InvalidDidError,
    JwtIssuerMismatchError,
    JwtKeyError,
    KeyFormatError,
    VckitError,
    VerificationMethodNotFoundError,
)
from vckit.keys.keypair import PublicKey
from vckit.report import FAIL, PASS, UNCHECKED, Check

PYCA_PUBLIC_KEYS = (
    rsa.RSAPublicKey,
    ec.EllipticCurvePublicKey,
    ed25519.Ed25519PublicKey,
    ed448.Ed448PublicKey,
    x25519.X25519PublicKey,
)


@dataclass(frozen=True)
class IssuerKey:
    """The key to check the signature with (None: there is none), the verification method URL
    it was found at (None: it came with the token), and whether it is the issuer's."""

    public: PublicKey | None
    method_id: str | None
    binding: Check
    error: VckitError | None = None  # why the binding is not a pass, for strict callers


def _x5c_leaf(value: object) -> PublicKey:
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        raise JwtKeyError("header 'x5c' is not a list of base64 certificates")
    try:
        der = base64.b64decode(value[0], validate=True)
        public = x509.load_der_x509_certificate(der).public_key()
        if not isinstance(public, PYCA_PUBLIC_KEYS):
            raise JwtKeyError(f"header 'x5c' holds a {type(public).__name__}, not a JOSE key")
        exported = jwcrypto_jwk.JWK.from_pyca(public).export_public(as_dict=True)
        return PublicKey.from_jwk(exported)
    except (binascii.Error, ValueError, KeyFormatError, JWException) as exc:
        raise JwtKeyError(f"header 'x5c' holds no usable certificate: {exc}") from exc


def embedded_keys(header: Mapping[str, Any]) -> list[tuple[str, PublicKey]]:
    """The keys the token carries itself: ``jwk`` (RFC 7515 §4.1.3, a public key: no ``d``)
    and the leaf of ``x5c`` (§4.1.6). ``jku`` / ``x5u`` are refused (JwtKeyError)."""
    for name in ("jku", "x5u"):
        if name in header:
            raise JwtKeyError(f"header {name!r} points at a key URL the token chose; refused")
    found: list[tuple[str, PublicKey]] = []
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, Mapping) or "d" in jwk:
            raise JwtKeyError("header 'jwk' must be a public JWK object (no 'd')")
        try:
            found.append(("jwk", PublicKey.from_jwk(jwk)))
        except KeyFormatError as exc:
            raise JwtKeyError(f"header 'jwk' is not a usable key: {exc}") from exc
    if "x5c" in header:
        found.append(("x5c", _x5c_leaf(header["x5c"])))
    return found


def kid_url(header: Mapping[str, Any], issuer: str) -> str | None:
    """The absolute URL ``kid`` names (``#frag`` is relative to the issuer), or None."""
    kid = header.get("kid")
    if kid is None:
        return None
    if not isinstance(kid, str) or not kid:
        raise JwtKeyError("the JOSE header 'kid' is not a non-empty string")
    return issuer + kid if kid.startswith("#") else kid


def _is_the_issuer(public: PublicKey, issuer: str) -> bool:
    """The issuer's DID *is* this key: did:jwk of it, or did:key of it."""
    if issuer.startswith("did:jwk:"):
        return issuer == did_jwk(public)
    if issuer.startswith("did:key:"):
        try:
            return issuer == did_key(public)
        except KeyFormatError:
            return False
    return False


def _carried(
    public: PublicKey, source: str, issuer: str, why: str, error: VckitError | None
) -> IssuerKey:
    """A key the token carried (or spelled out): it checks the signature; it is the issuer's
    only when the issuer's DID is that very key."""
    if _is_the_issuer(public, issuer):
        return IssuerKey(public, None, Check("issuer-key", PASS, f"the issuer {issuer} is the key"))
    detail = f"{why}; the {source} checks the signature but is not shown to be {issuer}'s key"
    return IssuerKey(public, None, Check("issuer-key", UNCHECKED, detail), error)


def find_issuer_key(
    header: Mapping[str, Any],
    issuer: str,
    resolver: DidResolver,
    *,
    purpose: str = "assertionMethod",
) -> IssuerKey:
    """Find the key to verify with and judge whose it is (see the module text). Raises
    JwtKeyError only for a header that is malformed or hostile (``jku``, a private ``jwk``)."""
    carried = embedded_keys(header)
    url = kid_url(header, issuer)
    if url is None and is_https_url(issuer):
        return _from_issuer_metadata(header, issuer, resolver, carried)
    if url is None:
        if carried:
            name, public = carried[0]
            why = "the token names its key by 'jwk', not by 'kid'"
            return _carried(public, f"'{name}' header", issuer, why, JwtKeyError(why))
        if not issuer.startswith(("did:key:", "did:jwk:")):
            why = "the JOSE header has no 'kid' (and no 'jwk'): the key cannot be looked up"
            return IssuerKey(None, None, Check("issuer-key", FAIL, why), JwtKeyError(why))
        url = issuer
    if is_https_url(issuer) and not url.startswith("did:") and not is_https_url(url):
        return _from_issuer_metadata(header, issuer, resolver, carried)
    if not url.startswith("did:") and not is_https_url(url):
        why = f"kid {url[:120]!r} is neither a DID URL nor an https URL"
        if carried:
            name, public = carried[0]
            return _carried(public, f"'{name}' header", issuer, why, JwtKeyError(why))
        return IssuerKey(None, None, Check("issuer-key", UNCHECKED, why), JwtKeyError(why))
    owner = url.partition("#")[0]
    if owner != issuer and (url.startswith("did:") or "#" in url):
        why = f"kid {url[:120]} is a key of {owner[:120]}, not of {issuer}"
        return IssuerKey(None, None, Check("issuer-key", FAIL, why), JwtIssuerMismatchError(why))
    try:
        document, method = resolver.resolve_method(url)
    except VckitError as exc:
        return _unresolved(url, issuer, exc, carried)
    for name, public in carried:
        if public != method.public_key:
            why = f"embedded key not controlled by issuer (header {name!r})"
            return IssuerKey(None, method.id, Check("issuer-key", FAIL, why), JwtKeyError(why))
    binding = _binding(document.id, document.allows(method.id, purpose), method.id, issuer, purpose)
    error = None if binding.status == PASS else JwtKeyError(binding.detail)
    return IssuerKey(method.public_key, method.id, binding, error)


def _from_issuer_metadata(
    header: Mapping[str, Any],
    issuer: str,
    resolver: DidResolver,
    carried: list[tuple[str, PublicKey]],
) -> IssuerKey:
    """An https issuer whose ``kid`` is not a URL: its JWT VC issuer metadata (SD-JWT VC §5)
    lists its keys; the one with this ``kid`` (or the only one) is the issuer's."""
    kid = header.get("kid")
    try:
        keys = resolver.issuer_keys(issuer)
    except VckitError as exc:
        return _unresolved(f"{issuer} (JWT VC issuer metadata)", issuer, exc, carried)
    matching = [public for named, public in keys if kid is None or named == kid]
    if kid is None and len(matching) != 1:
        matching = []
    if not matching:
        why = f"{issuer}'s JWT VC issuer metadata lists no key {kid!r}"
        return IssuerKey(None, None, Check("issuer-key", FAIL, why), JwtKeyError(why))
    public = matching[0]
    for name, key in carried:
        if key != public:
            why = f"embedded key not controlled by issuer (header {name!r})"
            return IssuerKey(None, None, Check("issuer-key", FAIL, why), JwtKeyError(why))
    what = f"key {kid!r}" if kid is not None else "the key"
    binding = Check("issuer-key", PASS, f"{what} is published in {issuer}'s JWT VC issuer metadata")
    return IssuerKey(public, f"{issuer}#{kid or ''}", binding)


def _binding(document_id: str, listed: bool, method_id: str, issuer: str, purpose: str) -> Check:
    if document_id != issuer:
        if not issuer.startswith("did:") and not is_https_url(issuer):
            why = f"{issuer} is not a URL whose keys can be looked up"
            return Check("issuer-key", UNCHECKED, why)
        return Check("issuer-key", FAIL, f"{method_id} is a key of {document_id}, not of {issuer}")
    if not listed:
        return Check("issuer-key", FAIL, f"{document_id} does not list {method_id} for {purpose}")
    fragment = method_id.partition("#")[2] or method_id
    return Check("issuer-key", PASS, f"key #{fragment} is listed by {issuer} for {purpose}")


def _unresolved(
    url: str, issuer: str, exc: VckitError, carried: list[tuple[str, PublicKey]]
) -> IssuerKey:
    """The kid could not be dereferenced: a document that does not list it, or a malformed
    DID URL, fails ``issuer-key``; a fetch that is off or failed is could-not-check."""
    why = f"kid {url[:120]}: {exc}"
    if isinstance(exc, VerificationMethodNotFoundError):
        why = f"kid {url[:120]} is not in the issuer's document: {exc}"
        return IssuerKey(None, None, Check("issuer-key", FAIL, why), JwtKeyError(why))
    if isinstance(exc, InvalidDidError):
        return IssuerKey(None, None, Check("issuer-key", FAIL, why), JwtKeyError(why))
    if carried:
        name, public = carried[0]
        return _carried(public, f"'{name}' header", issuer, why, exc)
    named = key_in_url(url)
    if named is not None:
        return _carried(named, "key the kid URL spells out", issuer, why, exc)
    return IssuerKey(None, None, Check("issuer-key", UNCHECKED, why), exc)
