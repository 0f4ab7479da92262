"""vckit's declared surface: the names a library user imports from ``vckit`` itself, pinned.

Adding or removing a name here is a decision about the library's promise, not a side effect of
a refactor (httpx's ``tests/test_exported_members.py`` does the same)."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import vckit
from tests.paths import ROOT

EXPECTED = [
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


def test_the_public_names_are_pinned_and_sorted() -> None:
    assert vckit.__all__ == EXPECTED
    assert vckit.__all__ == sorted(vckit.__all__)


def test_every_public_name_is_there_and_documented() -> None:
    for name in vckit.__all__:
        value = getattr(vckit, name)
        if inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value):
            assert (value.__doc__ or "").strip(), f"vckit.{name} has no docstring"


def test_the_walkthrough_imports_from_vckit_alone() -> None:
    path = ROOT / "examples" / "walkthrough.py"
    tree = ast.parse(path.read_text())
    project = {"vckit", "servicekit", "issuer", "wallet", "verifier", "landing", "demo", "ler"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            head = node.module.split(".")[0]
            assert head not in project or node.module == "vckit", node.module
        if isinstance(node, ast.Attribute) and node.attr == "path":
            assert not (isinstance(node.value, ast.Name) and node.value.id == "sys"), "sys.path"


def test_the_walkthrough_runs_from_anywhere(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "walkthrough.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "before revocation: PASS" in done.stdout and "after revocation: FAIL" in done.stdout
