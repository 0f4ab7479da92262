"""getProfile and putProfile (OB 3.0 §6.2.4, §6.2.5): the learner's Open Badges profile.

Until a client (with ``profile.update``) or the learner puts one, the profile is what the
wallet knows: the learner's DID as ``id`` and the account's email. A put must be a whole
``Profile`` (the official OpenAPI schema; a single-string ``type``, as the spec's own
example sends, is read as the one-item list the schema asks for) of at most
:data:`MAX_PROFILE` bytes; it is kept as sent and answered as GET would answer it.
"""

from __future__ import annotations

import json
from typing import Any

from vckit.ob.api import schema_errors
from wallet.host.errors import HostError
from wallet.installation import Installation
from wallet.store import AccountRecord
from wallet.store import oauth as oauth_store

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MAX_PROFILE = 64 * 1024


def get(inst: Installation, account: AccountRecord) -> dict[str, Any]:
    with inst.db.transaction() as tx:
        kept = oauth_store.get_profile(tx, account.id)
    if kept is not None:
        return kept
    return {"@context": [OB_CONTEXT], "type": ["Profile"], "id": account.did,
            "email": account.email}  # fmt: skip


def put(inst: Installation, account: AccountRecord, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HostError(400, "invalid_data", "the request body must be a Profile (a JSON object)")
    if len(json.dumps(body)) > MAX_PROFILE:
        raise HostError(400, "invalid_data", f"a profile is at most {MAX_PROFILE} bytes")
    profile = dict(body)
    if isinstance(profile.get("type"), str):
        profile["type"] = [profile["type"]]
    if "Profile" not in (profile.get("type") or []):
        raise HostError(400, "invalid_data", 'type must include "Profile"')
    problems = schema_errors("Profile", profile)
    if problems:
        raise HostError(400, "invalid_data", "not a valid Profile: " + "; ".join(problems[:3]))
    with inst.db.transaction() as tx:
        oauth_store.put_profile(tx, account.id, profile, inst.stamp())
    return profile
