#!/usr/bin/env python3
"""Which side each test exercised (harness code, ours): for every test of a suite run, its
state (passing / failing / pending / not run) and the endpoints its requests reached, from
the proxy log attributed by tools/report.py. A test that sent nothing itself is attributed
to what its enclosing `before` hooks sent (it checks what they got).

    python3 tools/sides.py RESULTS_DIR [SUITE ...]   -> a table per suite on stdout
    python3 tools/sides.py RESULTS_DIR --json        -> the same as JSON
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from report import (  # noqa: E402
    HOOK_RE,
    SUITE_ORDER,
    Exchange,
    all_tests,
    attribute,
    build_intervals,
    load_jsonl,
)

ENDPOINTS = {
    (9441, "/credentials/issue"): "issue",
    (9443, "/credentials/verify"): "verify-vc",
    (9443, "/presentations/verify"): "verify-vp",
}


def sides(raw: Path, suite: str) -> list[dict[str, Any]]:
    report = json.loads((raw / f"{suite}.json").read_text())
    dry = json.loads((raw / f"{suite}.dryrun.json").read_text())
    times = load_jsonl(raw / f"{suite}.times.jsonl")
    t0 = min((t["time"] for t in times), default=0.0)
    t1 = max((t["time"] for t in times), default=0.0)
    exchanges = [
        Exchange(**{k: e[k] for k in Exchange.__dataclass_fields__})
        for e in load_jsonl(raw / "proxy.jsonl")
        if t0 - 1 <= e["start"] <= t1 + 1 and e["path"] != "/healthz"
    ]
    by = attribute(exchanges, build_intervals(times))
    state: dict[str, str] = {}
    for t in report.get("passes", []):
        state[t["fullTitle"]] = "passing"
    for t in report.get("pending", []):
        state[t["fullTitle"]] = "pending"
    for t in report.get("failures", []):
        if not HOOK_RE.search(t["fullTitle"]):
            state[t["fullTitle"]] = "failing"
    parents = {t["fullTitle"]: t["parent"] for t in times if t["type"] == "test"}
    hook_parent = {t["fullTitle"]: t["parent"] for t in times if t["type"] == "hook"}
    out = []
    for t in all_tests(dry):
        title = t["fullTitle"]
        own = by.get(("test", title), [])
        via = "test"
        if not own:
            parent = parents.get(title, title[: -len(t["title"])].strip())
            own = [
                ex
                for key, exs in by.items()
                if key[0] == "hook"
                and hook_parent.get(key[1])
                and (parent == hook_parent[key[1]] or parent.startswith(hook_parent[key[1]] + " "))
                for ex in exs
            ]
            via = "hooks" if own else "none"
        kinds = Counter(ENDPOINTS.get((ex.port, ex.path), f"{ex.port}{ex.path}") for ex in own)
        out.append(
            {
                "title": title,
                "state": state.get(title, "not run"),
                "endpoints": dict(kinds),
                "via": via,
            }
        )
    return out


def main() -> None:
    raw = Path(sys.argv[1]) / "raw"
    args = [a for a in sys.argv[2:] if not a.startswith("--")]
    suites = args or [s for s in SUITE_ORDER if (raw / f"{s}.json").exists()]
    result = {s: sides(raw, s) for s in suites}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=1))
        return
    for suite, rows in result.items():
        print(f"## {suite}")
        for r in rows:
            eps = ",".join(f"{k}x{v}" for k, v in sorted(r["endpoints"].items())) or "-"
            print(f"{r['state']:8} {eps:32} ({r['via']}) {r['title'][:170]}")


if __name__ == "__main__":
    main()
