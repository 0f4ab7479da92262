"""The Open Badges 3.0 REST API's official OpenAPI document (``schemas/ob_v3p0_openapi.json``,
1EdTech's file, see ``schemas/SOURCE.md``) and its component schemas as validators.

::

    document = openapi()                         # a fresh deep copy, safe to profile
    problems = schema_errors("Profile", body)    # [] when body is a valid Profile

The component schemas are OpenAPI 3.0 Schema Objects (a JSON Schema draft-04/07 subset):
they are validated with :class:`jsonschema.Draft7Validator`, every ``$ref`` resolved inside
the document itself.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

OPENAPI_FILE = "ob_v3p0_openapi.json"
BASE_PATH = "/ims/ob/v3p0"


@cache
def _document() -> dict[str, Any]:
    text = resources.files("vckit.ob").joinpath("schemas", OPENAPI_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def openapi() -> dict[str, Any]:
    """The official OpenAPI document (a copy the caller may change)."""
    return copy.deepcopy(_document())


@cache
def _validator(name: str) -> Draft7Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": _document()["components"]}
    return Draft7Validator(root, format_checker=FormatChecker())


def schema_errors(name: str, instance: Any, limit: int = 10) -> list[str]:
    """What is wrong with ``instance`` as the component schema ``name`` (at most ``limit``
    messages, each naming the member); [] when it is valid."""
    found = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    messages = []
    for error in found[:limit]:
        where = "/".join(str(part) for part in error.absolute_path) or "(the document)"
        messages.append(f"{where}: {error.message[:200]}")
    return messages
