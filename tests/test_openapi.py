"""Each service documents itself: /openapi.json with its title, version and description
and its key routes, and /docs as a page that works offline (no CDN, no script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from landing.app import create_app as create_landing
from landing.settings import Settings as LandingSettings
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

KEY_ROUTES = {
    "issuer": {"/credentials/issue", "/credentials/status", "/issuers/{slug}/credentials",
               "/stats", "/readyz", "/healthz"},
    "wallet": {"/api/presentations", "/api/share-log", "/stats", "/readyz", "/healthz"},
    "verifier": {"/credentials/verify", "/presentations/verify", "/registry/issuers", "/stats",
                 "/readyz", "/healthz"},
    "landing": {"/", "/tour", "/stats", "/stats.json", "/readyz", "/healthz"},
}  # fmt: skip


def app_of(name: str, data: Path) -> FastAPI:
    if name == "issuer":
        return create_issuer(IssuerSettings(data_dir=data, api_token="t" * 20))
    if name == "wallet":
        return create_wallet(WalletSettings(data_dir=data))
    if name == "verifier":
        return create_verifier(VerifierSettings(data_dir=data))
    return create_landing(LandingSettings())


@pytest.mark.parametrize("name", KEY_ROUTES)
def test_openapi_names_the_service_and_lists_its_key_routes(name: str, tmp_path: Path) -> None:
    client = TestClient(app_of(name, tmp_path / name))
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == f"LER {name}"
    assert spec["info"]["version"] and len(spec["info"]["description"]) > 30
    missing = KEY_ROUTES[name] - set(spec["paths"])
    assert missing == set()


@pytest.mark.parametrize("name", KEY_ROUTES)
def test_docs_is_a_page_that_needs_no_network(name: str, tmp_path: Path) -> None:
    client = TestClient(app_of(name, tmp_path / name))
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()
    assert f"LER {name}" in docs.text and "/openapi.json" in docs.text
    assert "<code>GET /healthz</code>" in docs.text
    assert client.get("/redoc").status_code == 404


BODYLESS = {
    ("issuer", "post", "/issuers/{slug}/keys/rotate"): "rotation takes no input",
    ("issuer", "post", "/issuers/{slug}/nonce"): "OpenID4VCI §7: the nonce request has no body",
    ("issuer", "post", "/issuers/{slug}/achievements/{achievement}/image/generated"): (
        "the generated badge is drawn from the achievement's name"
    ),
    ("wallet", "post", "/api/credentials/recheck"): "re-checks every credential of the learner",
    ("wallet", "post", "/api/credentials/{credential_id}/recheck"): "the path names it",
}


def _examples_of(media: dict[str, Any], spec: dict[str, Any]) -> bool:
    """An example in the media type object, or in the (referenced) schema."""
    if "example" in media or "examples" in media:
        return True
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return "example" in schema or "examples" in schema


@pytest.mark.parametrize("name", KEY_ROUTES)
def test_every_request_body_is_declared_with_a_schema_and_an_example(
    name: str, tmp_path: Path
) -> None:
    """Every operation that takes a body says what it takes in /openapi.json: its media types,
    a schema for each, and (for JSON) an example a client can start from."""
    spec = TestClient(app_of(name, tmp_path / name)).get("/openapi.json").json()
    undeclared, unexampled = [], []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch") or (name, method, path) in BODYLESS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if not content or not all("schema" in media for media in content.values()):
                undeclared.append(f"{method.upper()} {path}")
            for media_type, media in content.items():
                if "json" in media_type and not _examples_of(media, spec):
                    unexampled.append(f"{method.upper()} {path} ({media_type})")
    assert undeclared == [], "request bodies not in the OpenAPI document"
    assert unexampled == [], "JSON request bodies without an example"


def _resolved(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        node: Any = spec
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item


@pytest.mark.parametrize("name", KEY_ROUTES)
def test_every_link_names_an_operation_and_parameters_where_they_are(
    name: str, tmp_path: Path
) -> None:
    """An OpenAPI Link (3.1 §4.8.20) reads ``$request.<in>.<name>`` from the operation it
    follows: the parameter must be there, in that place, and the linked operation must exist
    (the wallet's copy of the Open Badges links said ``$request.path.limit`` for a query
    parameter, and tools that follow links, schemathesis' stateful phase, refused the
    document)."""
    spec = TestClient(app_of(name, tmp_path / name)).get("/openapi.json").json()
    operation_ids = {op.get("operationId") for ops in spec["paths"].values() for op in ops.values()}
    wrong = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            parameters = [_resolved(spec, p) for p in op.get("parameters", [])]
            places = {(p["in"], p["name"]) for p in parameters}
            for status, response in op.get("responses", {}).items():
                for link_name, link in _resolved(spec, response).get("links", {}).items():
                    link = _resolved(spec, link)
                    where = f"{method.upper()} {path} [{status}] {link_name}"
                    if link.get("operationId") not in operation_ids:
                        wrong.append(f"{where}: no operation {link.get('operationId')!r}")
                    for value in link.get("parameters", {}).values():
                        if isinstance(value, str) and value.startswith("$request."):
                            place, _, param = value.removeprefix("$request.").partition(".")
                            if (
                                place in {"path", "query", "header"}
                                and (place, param) not in places
                            ):
                                wrong.append(f"{where}: {value} is not a {place} parameter")
    assert wrong == []
