"""The direction of dependencies (STYLE.md), read from the source with ``ast``.

1. vckit imports the standard library, the crypto / JSON-LD / schema packages and itself;
   never a web framework, a template engine, an HTTP client or a service.
2. issuer, wallet and verifier import vckit and servicekit, never each other; servicekit
   (database, problem details, body limit, sessions) imports no service.
3. Inside a service, only the web layer (app, api, pages, deps, problems, page_base and
   ``*_api`` / ``*_pages`` modules) imports FastAPI; use-case modules never do.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("issuer", "wallet", "verifier")
VCKIT_THIRD_PARTY = {
    "cryptography",
    "jwcrypto",
    "pyld",
    "jsonschema",
    "jsonschema_rs",
    "referencing",
}
NETWORK_STDLIB = {"urllib.request", "http.client", "socket", "ssl", "ftplib", "smtplib"}
WEB_MODULES = {"app", "api", "pages", "deps", "problems", "page_base"}
"""The web layer of a service: these names, and any ``*_api`` or ``*_pages`` module."""
WEB_PACKAGES = {"fastapi", "starlette"}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_web_module(path: Path) -> bool:
    return path.stem in WEB_MODULES or path.stem.endswith(("_api", "_pages"))


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("path", modules("vckit"), ids=lambda p: p.name)
def test_vckit_imports_only_stdlib_and_crypto(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | VCKIT_THIRD_PARTY | {"vckit"}
    found = imports_of(path)
    assert {top(n) for n in found} <= allowed, f"{path.name}: {found}"
    assert not found & NETWORK_STDLIB, f"{path.name} imports a network client"


@pytest.mark.parametrize("service", SERVICES)
def test_services_never_import_each_other(service: str) -> None:
    others = set(SERVICES) - {service}
    for path in modules(service):
        bad = {top(n) for n in imports_of(path)} & others
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", modules("servicekit"), ids=lambda p: p.name)
def test_servicekit_imports_no_service(path: Path) -> None:
    bad = {top(n) for n in imports_of(path)} & set(SERVICES)
    assert not bad, f"servicekit/{path.name} imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_only_the_web_layer_imports_fastapi(service: str) -> None:
    for path in modules(service):
        if is_web_module(path):
            continue
        bad = {top(n) for n in imports_of(path)} & WEB_PACKAGES
        assert not bad, f"{path.relative_to(ROOT)} is a use-case module but imports {bad}"


def test_the_rules_catch_a_violation(tmp_path: Path) -> None:
    """The checker itself can fail: a module importing httpx is seen."""
    bad = tmp_path / "bad.py"
    bad.write_text("import httpx\nfrom fastapi import FastAPI\n")
    assert {top(n) for n in imports_of(bad)} == {"httpx", "fastapi"}
