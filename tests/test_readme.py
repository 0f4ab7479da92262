"""The README keeps the project's promises: two commands, and links that lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_quickstart_is_exactly_two_commands() -> None:
    assert quickstart_commands() == ["make up", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    commands = [
        line
        for line in script.splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == ["make test"]


def test_every_local_link_exists() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    local = [link for link in links if not link.startswith(("http://", "https://"))]
    assert local, "the README links into the code"
    missing = [link for link in local if not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_each_story_step_links_to_the_files_that_do_it() -> None:
    section = README.split("## The story, and the files that do it", 1)[1].split("\n## ", 1)[0]
    steps = re.split(r"\n(?=\d\. )", section.strip())[1:]
    assert [s.split(".", 1)[0] for s in steps] == ["1", "2", "3", "4", "5", "6", "7"]
    for step in steps:
        files = re.findall(r"\]\(((?:vckit|issuer|wallet|verifier|demo|landing)/[^)]+\.py)\)", step)
        assert files, f"story step {step[:40]!r} links to no code"
