"""The governance registry: which issuers the employer trusts, and for what.

Loaded read-only at startup from a JSON file (``examples/registry.json`` by default)::

    {"name": "...", "description": "...",
     "issuers": [{"slug": "food-safety",          # or "did": "did:web:..." / "did:key:..."
                  "name": "SafeServe Food Safety Training",
                  "accreditor": "...",
                  "achievements": ["food-handler"],    # slugs or absolute achievement ids
                  "alwaysDiscloses": ["credentialStatus", "validUntil"]}]}   # optional

An entry with a ``slug`` names an issuer of the demo issuer service at ``issuer_url``
(setting ``LER_ISSUER_URL``): its DID is ``did:web:<host%3Aport>:issuers:<slug>`` (did:web
§3.2, the port's colon percent-encoded) and an achievement slug ``a`` stands for the id
``<issuer_url>/issuers/<slug>/achievements/<a>``, as the issuer's catalogue assigns it.

``alwaysDiscloses`` attests that the issuer makes these top-level members mandatory (never
selectively disclosable) in every credential it issues in a selective-disclosure format
(ecdsa-sd-2023, SD-JWT VC), so a derived credential or SD-JWT of theirs *without* one was
issued without it: the verifier then reads a missing ``validUntil`` as "no end date" and a
missing ``credentialStatus`` as "no revocation" (``VerifyOptions.always_disclosed``)
instead of "the holder may have withheld it". Only ``ATTESTABLE`` names are accepted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vckit.errors import InputError

REGISTRY_FILE = Path(__file__).resolve().parents[2] / "examples" / "registry.json"
ATTESTABLE = ("credentialStatus", "validUntil")
"""The members an ``alwaysDiscloses`` attestation may name."""


class RegistryError(InputError):
    """A registry file that cannot be read."""

    code = "bad-registry"


@dataclass(frozen=True)
class AccreditedIssuer:
    did: str
    name: str
    accreditor: str
    achievements: tuple[str, ...]
    always_discloses: frozenset[str] = frozenset()

    def allows(self, achievement_id: str) -> bool:
        return achievement_id in self.achievements


@dataclass(frozen=True)
class Registry:
    name: str
    description: str
    issuers: tuple[AccreditedIssuer, ...]

    def find(self, did: str) -> AccreditedIssuer | None:
        return next((i for i in self.issuers if i.did == did), None)

    def with_trusted(self, trusted: list[tuple[str, str, str]], by: str) -> Registry:
        """This registry and an organisation's own trust: (issuer DID, issuer name,
        achievement id) each. A listed issuer gains the achievements; another is added,
        accredited ``by`` the organisation."""
        if not trusted:
            return self
        issuers = {entry.did: entry for entry in self.issuers}
        for did, name, achievement in trusted:
            entry = issuers.get(did) or AccreditedIssuer(did, name, by, ())
            if achievement not in entry.achievements:
                entry = replace(entry, achievements=(*entry.achievements, achievement))
            issuers[did] = entry
        return replace(self, issuers=tuple(issuers.values()))

    def always_disclosed(self, issuer: str) -> frozenset[str]:
        """The members the registry attests ``issuer`` never lets a holder withhold
        (``VerifyOptions.always_disclosed``); empty for an issuer it does not list."""
        entry = self.find(issuer)
        return entry.always_discloses if entry is not None else frozenset()


def issuer_did(issuer_url: str, slug: str) -> str:
    """The DID the issuer service at ``issuer_url`` gives its issuer ``slug``."""
    netloc = urlsplit(issuer_url).netloc
    if not netloc:
        raise RegistryError(f"the issuer URL {issuer_url!r} has no host")
    return f"did:web:{netloc.replace(':', '%3A')}:issuers:{slug}"


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}.{key} must be a non-empty string")
    return value


def _issuer(entry: object, where: str, issuer_url: str) -> AccreditedIssuer:
    if not isinstance(entry, Mapping):
        raise RegistryError(f"{where} must be an object")
    if ("slug" in entry) == ("did" in entry):
        raise RegistryError(f"{where} needs exactly one of 'slug' and 'did'")
    base = issuer_url.rstrip("/")
    if "slug" in entry:
        slug = _text(entry, "slug", where)
        did = issuer_did(issuer_url, slug)
        prefix = f"{base}/issuers/{slug}/achievements/"
    else:
        did = _text(entry, "did", where)
        if not did.startswith("did:"):
            raise RegistryError(f"{where}.did must be a DID")
        prefix = ""
    listed = entry.get("achievements")
    if not isinstance(listed, list) or not all(isinstance(a, str) and a for a in listed):
        raise RegistryError(f"{where}.achievements must be a list of achievement ids or slugs")
    ids = tuple(a if ":" in a else prefix + a for a in listed)
    if any(":" not in a for a in ids):
        raise RegistryError(f"{where}: an issuer given by 'did' lists absolute achievement ids")
    return AccreditedIssuer(
        did=did,
        name=_text(entry, "name", where),
        accreditor=_text(entry, "accreditor", where),
        achievements=ids,
        always_discloses=_always_discloses(entry.get("alwaysDiscloses", []), where),
    )


def _always_discloses(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}.alwaysDiscloses must be a list of member names")
    unknown = sorted(set(value) - set(ATTESTABLE))
    if unknown:
        known = ", ".join(ATTESTABLE)
        raise RegistryError(f"{where}.alwaysDiscloses names {unknown[0]!r}; it may name {known}")
    return frozenset(value)


def parse(data: object, issuer_url: str) -> Registry:
    """A registry from its JSON form; ``RegistryError`` names the first bad field."""
    if not isinstance(data, Mapping):
        raise RegistryError("the registry must be a JSON object")
    issuers = data.get("issuers")
    if not isinstance(issuers, list):
        raise RegistryError("the registry's 'issuers' must be a list")
    found = tuple(_issuer(e, f"issuers[{i}]", issuer_url) for i, e in enumerate(issuers))
    dids = [i.did for i in found]
    if len(set(dids)) != len(dids):
        raise RegistryError("the registry lists an issuer twice")
    return Registry(
        name=str(data.get("name") or "Governance registry"),
        description=str(data.get("description") or ""),
        issuers=found,
    )


def load(path: Path, issuer_url: str) -> Registry:
    """Read the registry file at ``path`` (see the module docstring)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the registry {path}: {exc}") from None
    return parse(data, issuer_url)
