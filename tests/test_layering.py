"""The direction of dependencies (STYLE.md), read from the source with ``ast``.

1. vckit imports the standard library, the crypto / JSON-LD / schema packages and itself;
   never a web framework, a template engine, an HTTP client or a service. Inside vckit no
   module takes a name from the ``vckit`` package face (only from the modules themselves).
2. issuer, wallet and verifier import vckit and servicekit, never each other, never ``ler``
   or ``demo``; servicekit imports none of them; landing imports no service either.
3. Inside a service only ``web/`` (and ``app.py``, which wires it) imports FastAPI or
   Starlette, and ``web/`` never touches SQL: it imports neither the service's ``store`` nor
   the database layer, and opens no transaction.
4. ``ler`` imports ``demo`` only inside ``ler demo``'s run: ``import ler.cli`` loads no demo.
5. No import cycle anywhere in the project's packages.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("issuer", "wallet", "verifier")
PACKAGES = ("vckit", "servicekit", *SERVICES, "landing", "demo", "ler")
VCKIT_THIRD_PARTY = {
    "cryptography",
    "jwcrypto",
    "pycose",
    "pyld",
    "jsonschema",
    "jsonschema_rs",
    "referencing",
}
NETWORK_STDLIB = {"urllib.request", "http.client", "socket", "ssl", "ftplib", "smtplib"}
WEB_PACKAGES = {"fastapi", "starlette"}


def imports_of(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Every module name an ``import`` in ``path`` names (``from a import b``: ``a`` and
    ``a.b``). With ``top_level_only``, imports inside functions are left out."""
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes: Iterator[ast.AST] = iter(tree.body) if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top(name: str) -> str:
    return name.split(".", 1)[0]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def in_web(service: str, path: Path) -> bool:
    return (ROOT / service / "web") in path.parents


@pytest.mark.parametrize("path", modules("vckit"), ids=rel)
def test_vckit_imports_only_stdlib_and_crypto(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | VCKIT_THIRD_PARTY | {"vckit"}
    found = imports_of(path)
    assert {top(n) for n in found} <= allowed, f"{rel(path)}: {found}"
    assert not found & NETWORK_STDLIB, f"{rel(path)} imports a network client"


@pytest.mark.parametrize("path", modules("vckit"), ids=rel)
def test_vckit_modules_never_use_the_package_face(path: Path) -> None:
    """``from vckit import X`` inside vckit must name a module, never a re-exported name: the
    face (``vckit/__init__.py``) imports everything, so using it from inside is a cycle."""
    if path == ROOT / "vckit" / "__init__.py":
        return
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "vckit":
            for alias in node.names:
                as_module = ROOT / "vckit" / alias.name
                is_module = as_module.is_dir() or as_module.with_suffix(".py").is_file()
                assert is_module, f"{rel(path)} takes {alias.name!r} from the vckit face"


@pytest.mark.parametrize("package", (*SERVICES, "servicekit", "landing"))
def test_services_never_import_each_other_ler_or_demo(package: str) -> None:
    forbidden = (set(SERVICES) | {"ler", "demo", "landing"}) - {package}
    for path in modules(package):
        bad = {top(n) for n in imports_of(path)} & forbidden
        assert not bad, f"{rel(path)} imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_only_web_imports_fastapi(service: str) -> None:
    for path in modules(service):
        if in_web(service, path) or path == ROOT / service / "app.py":
            continue
        bad = {top(n) for n in imports_of(path)} & WEB_PACKAGES
        assert not bad, f"{rel(path)} is not in {service}/web/ but imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_web_never_touches_sql(service: str) -> None:
    web = [path for path in modules(service) if in_web(service, path)]
    assert web, f"{service} has no web/ package"
    for path in web:
        found = imports_of(path)
        store = {n for n in found if n == f"{service}.store" or n.startswith(f"{service}.store.")}
        assert not store, f"{rel(path)} imports the store: {store}"
        assert "servicekit.db" not in found, f"{rel(path)} imports the database layer"
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "transaction":
                raise AssertionError(f"{rel(path)}:{node.lineno} opens a transaction")


def test_ler_loads_the_demo_only_when_asked() -> None:
    code = "import sys, ler.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'demo'))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]", out
    for path in modules("ler"):
        assert "demo" not in {top(n) for n in imports_of(path, top_level_only=True)}, rel(path)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (``from a import b``: ``a.b`` if it is a
    module, else ``a``)."""
    names = {module_name(path): path for package in PACKAGES for path in modules(package)}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        edges = set()
        for imported in imports_of(path):
            if imported in names and imported != name:
                edges.add(imported)
        # ``from a import b`` lists both ``a`` and ``a.b``: keep ``a`` only when no ``a.x``
        # module was what was taken from it
        for imported in list(edges):
            if any(other.startswith(imported + ".") for other in edges):
                package_face = names[imported].name == "__init__.py"
                takes_names = _takes_names_from(path, imported, names)
                if package_face and not takes_names:
                    edges.discard(imported)
        graph[name] = edges
    return graph


def _takes_names_from(path: Path, package: str, names: dict[str, Path]) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == package
        and node.level == 0
        and any(f"{package}.{alias.name}" not in names for alias in node.names)
        for node in ast.walk(ast.parse(path.read_text()))
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, f"import cycles: {found}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_rules_catch_a_violation(tmp_path: Path) -> None:
    """The checker itself can fail: a module importing httpx is seen."""
    bad = tmp_path / "bad.py"
    bad.write_text("import httpx\nfrom fastapi import FastAPI\n")
    assert {top(n) for n in imports_of(bad)} == {"httpx", "fastapi"}
