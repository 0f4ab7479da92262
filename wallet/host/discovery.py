"""The Service Description Document (OB 3.0 §6.3, §7.1.1.1): the official OpenAPI file,
profiled for this wallet: its server URL, its name, its privacy and terms pages, and the
OAuth 2.0 endpoints (registration, authorization, token, refresh) as absolute URLs.

Everything else is the official file unchanged, so a client reads exactly the operations,
parameters, responses and schemas 1EdTech publishes; the wallet serves all five operations.
"""

from __future__ import annotations

from typing import Any

from vckit.ob.api import BASE_PATH, openapi
from wallet.installation import Installation

REGISTER = "/oauth/register"
AUTHORIZE = "/oauth/authorize"
TOKEN = "/oauth/token"
REVOKE = "/oauth/revoke"
PRIVACY = "/privacy"


def service_description(inst: Installation) -> dict[str, Any]:
    base = inst.base_url
    document = openapi()
    document["servers"] = [{"url": base + BASE_PATH, "description": inst.settings.name}]
    info = document["info"]
    info["title"] = inst.settings.name
    info["termsOfService"] = base + PRIVACY
    info["x-imssf-privacyPolicyUrl"] = base + PRIVACY
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    scheme["description"] = "OAuth 2.0 Authorization Code Grant authorization"
    scheme["x-imssf-name"] = inst.settings.name
    scheme["x-imssf-registrationUrl"] = base + REGISTER
    scheme["x-imssf-privacyPolicyUrl"] = base + PRIVACY
    scheme["x-imssf-termsOfServiceUrl"] = base + PRIVACY
    flow = scheme["flows"]["authorizationCode"]
    flow["authorizationUrl"] = base + AUTHORIZE
    flow["tokenUrl"] = base + TOKEN
    flow["refreshUrl"] = base + TOKEN
    return document
