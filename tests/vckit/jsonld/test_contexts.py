"""contexts/: each file listed in MANIFEST.md with source and sha256; index.json is sound."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from tests.paths import CONTEXTS

ROW = re.compile(r"^\| (?P<file>\S+) \| (?P<source>.+) \| (?P<sha256>[0-9a-f]{64}) \|$")


def manifest_rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (CONTEXTS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match["file"]] = (match["source"], match["sha256"])
    return rows


def files_on_disk() -> list[str]:
    return sorted(
        path.relative_to(CONTEXTS).as_posix()
        for path in CONTEXTS.rglob("*")
        if path.is_file() and path.name != "MANIFEST.md"
    )


@pytest.mark.parametrize("name", files_on_disk())
def test_file_matches_manifest_sha256(name: str) -> None:
    source, sha256 = manifest_rows()[name]
    assert hashlib.sha256((CONTEXTS / name).read_bytes()).hexdigest() == sha256
    assert source.strip(), f"{name} has no source line"


def test_no_unlisted_file_and_no_listed_file_missing() -> None:
    assert sorted(manifest_rows()) == files_on_disk()


def test_every_index_entry_exists_and_is_a_json_ld_context() -> None:
    index = json.loads((CONTEXTS / "index.json").read_text(encoding="utf-8"))
    assert index, "index.json is empty"
    for url, name in index.items():
        assert url.startswith("https://"), url
        document = json.loads((CONTEXTS / name).read_text(encoding="utf-8"))
        assert "@context" in document, f"{name} ({url}) has no @context"


def test_every_top_level_context_is_served_and_variants_are_not() -> None:
    index = json.loads((CONTEXTS / "index.json").read_text(encoding="utf-8"))
    served = set(index.values())
    for name in files_on_disk():
        if name == "index.json":
            continue
        if name.startswith("variants/"):
            assert name not in served
        else:
            assert name in served, f"{name} is in contexts/ but index.json does not serve it"
