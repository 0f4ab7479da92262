"""vckit: the credential core. Spec logic only: no web, no storage, no network, no globals.

Follow one credential with the names below (``examples/walkthrough.py`` does)::

    from vckit import KeyPair, VerifyOptions, key_id, ob, sign, sign_presentation, verify

    issuer = KeyPair.generate("Ed25519")
    credential = ob.achievement_credential(...)              # build (Open Badges 3.0)
    signed = sign(credential, issuer, verification_method=key_id(issuer.public))
    report = verify(signed, VerifyOptions())                 # a Report of named checks

The folders follow the spec families: ``keys/``, ``did/``, ``jsonld/``, ``di/`` (Data
Integrity, with ``di/ecdsa_sd/``), ``jose/``, ``sdjwt/``, ``disclosure/``, ``status/``,
``ob/`` (Open Badges), ``protocols/`` (OpenID4VCI, OpenID4VP, DCQL) and ``verification/``.
Everything not re-exported here is reachable by its module, but only these names are the
library's promise (``tests/vckit/test_public_api.py`` pins them).
"""

from vckit import ob, status
from vckit.did.resolver import DidResolver
from vckit.errors import InputError, VckitError
from vckit.keys.keyfile import key_id, load_key, new_key_file
from vckit.keys.keypair import KeyKind, KeyPair, PublicKey
from vckit.presentation import build_presentation, sign_presentation
from vckit.report import Check, Disclosure, Report
from vckit.signing import FORMATS, default_format, sign
from vckit.verification import verify
from vckit.verification.options import VerifyOptions

__all__ = [
    "Check",
    "DidResolver",
    "Disclosure",
    "FORMATS",
    "InputError",
    "KeyKind",
    "KeyPair",
    "PublicKey",
    "Report",
    "VckitError",
    "VerifyOptions",
    "build_presentation",
    "default_format",
    "key_id",
    "load_key",
    "new_key_file",
    "ob",
    "sign",
    "sign_presentation",
    "status",
    "verify",
]
