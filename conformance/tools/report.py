#!/usr/bin/env python3
"""results/<suite>.md from the raw files run.sh leaves in results/raw/ (harness code, ours).

Per suite, run.sh writes:
  <suite>.json          mocha's JSON report of the run (config/mocha-ler-reporter.cjs)
  <suite>.dryrun.json   mocha --dry-run: every test the suite defines for our configuration
  <suite>.times.jsonl   when each test and hook began, ended or failed
  <suite>.meta.json     suite repository, commit, Node version, time of the run
and, for all suites, proxy.jsonl: every request that reached our services through the TLS
proxy, with its answer. A request is attributed to the test or hook that was running when
it was sent. Failures are grouped by cause with the rules in tools/causes.py.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causes import SUITE_NOTES, classify_all, describe_cause

SUITE_ORDER = [
    "vc-api-issuer-test-suite",
    "vc-api-verifier-test-suite",
    "vc-data-model-2.0-test-suite",
    "vc-di-eddsa-test-suite",
    "vc-di-ecdsa-test-suite",
    "vc-bitstring-status-list-test-suite",
    "vc-jose-cose-test-suite",
]
SERVICE_PORTS: dict[int, str] = {9441: "issuer", 9443: "verifier"}  # run.sh passes the real ones
HOOK_RE = re.compile(r' "(before all|before each|after all|after each)" hook(?: for "(.*)")?$')


@dataclass
class Exchange:
    start: float
    end: float
    port: int
    method: str
    path: str
    request: str
    status: int
    response: str
    auth: bool

    @property
    def service(self) -> str:
        return SERVICE_PORTS.get(self.port, f"port {self.port}")


@dataclass
class Failure:
    full_title: str
    message: str
    kind: str  # "test" or "hook"
    exchanges: list[Exchange] = field(default_factory=list)
    setup: list[Exchange] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)  # tests under a failed hook
    extra: dict[str, Any] = field(default_factory=dict)
    cause: str = ""


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def all_tests(report: dict[str, Any]) -> list[dict[str, Any]]:
    return list(report.get("tests", []))


# --- attributing requests to tests and hooks ----------------------------------------------


def build_intervals(times: list[dict[str, Any]]) -> list[tuple[float, float, str, str]]:
    """(begin, end, type, fullTitle) per runnable run; a failed hook ends at its failure."""
    open_: dict[tuple[str, str], float] = {}
    intervals = []
    for entry in times:
        key = (entry["type"], entry["fullTitle"])
        if entry["event"] == "begin":
            open_[key] = entry["time"]
        elif entry["event"] in ("end", "fail") and key in open_:
            intervals.append((open_.pop(key), entry["time"], entry["type"], entry["fullTitle"]))
    for (kind, title), begin in open_.items():
        intervals.append((begin, float("inf"), kind, title))
    intervals.sort()
    return intervals


def attribute(
    exchanges: list[Exchange], intervals: list[tuple[float, float, str, str]]
) -> dict[tuple[str, str], list[Exchange]]:
    """Each exchange goes to the test or hook whose [begin, end] holds its start; mocha's clock
    has millisecond steps, so an exchange just outside every interval goes to the nearest one
    within a few milliseconds."""
    eps = 0.003
    found: dict[tuple[str, str], list[Exchange]] = defaultdict(list)
    for ex in exchanges:
        inside = [iv for iv in intervals if iv[0] <= ex.start <= iv[1]]
        if inside:
            chosen = max(inside, key=lambda iv: iv[0])  # innermost: the latest to begin
        else:
            near = [
                (min(abs(ex.start - iv[0]), abs(ex.start - iv[1])), iv)
                for iv in intervals
                if iv[0] - eps <= ex.start <= iv[1] + eps
            ]
            if not near:
                continue
            chosen = min(near, key=lambda pair: pair[0])[1]
        found[(chosen[2], chosen[3])].append(ex)
    return found


# --- short renderings ------------------------------------------------------------------------


def _shorten(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        if value.startswith("data:") and len(value) > 80:
            return value[:60] + "…"
        return value if len(value) <= 90 else value[:70] + f"…(+{len(value) - 70})"
    if isinstance(value, list):
        items = [_shorten(v, depth + 1) for v in value[:6]]
        return items + ([f"…{len(value) - 6} more"] if len(value) > 6 else [])
    if isinstance(value, dict):
        if depth > 4:
            return "{…}"
        return {k: _shorten(v, depth + 1) for k, v in value.items()}
    return value


def short_json(text: str, limit: int = 700) -> str:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return text[:limit] + ("…" if len(text) > limit else "")
    rendered = json.dumps(_shorten(value), separators=(",", ":"), ensure_ascii=False)
    return rendered if len(rendered) <= limit else rendered[:limit] + "…"


def sent_summary(ex: Exchange) -> str:
    if not ex.request:
        return "(no body)"
    return short_json(ex.request, 900)


def answer_summary(ex: Exchange) -> str:
    """Status and the key text of our answer."""
    try:
        body = json.loads(ex.response)
    except (json.JSONDecodeError, ValueError):
        return f"{ex.status}: {ex.response[:300]}"
    parts = [str(ex.status)]
    if isinstance(body, dict):
        if "title" in body or "detail" in body:
            parts.append(f"{body.get('title', '')}: {body.get('detail', '')}".strip())
            if body.get("errors") and isinstance(body["errors"], list):
                errs = body["errors"][:3]
                if errs and isinstance(errs[0], dict) and "field" in errs[0]:
                    parts.append(
                        "errors " + "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errs)
                    )
        if "verified" in body:
            parts.append(f"verified={json.dumps(body['verified'])}")
            for name in ("errors", "warnings"):
                items = body.get(name) or []
                if items:
                    parts.append(
                        f"{name}: "
                        + "; ".join(
                            f"{i.get('id')}: {i.get('detail')}" if isinstance(i, dict) else str(i)
                            for i in items[:4]
                        )
                    )
        if "verifiableCredential" in body:
            vc = body["verifiableCredential"]
            if isinstance(vc, dict):
                proof = vc.get("proof") if isinstance(vc.get("proof"), dict) else {}
                parts.append(
                    "issued: type="
                    + json.dumps(vc.get("type"))
                    + (f", proof {proof.get('type')}/{proof.get('cryptosuite')}" if proof else "")
                    + (f", id {vc.get('id', '')[:60]}" if isinstance(vc.get("id"), str) else "")
                )
        if len(parts) == 1:
            parts.append(short_json(ex.response, 400))
    else:
        parts.append(short_json(ex.response, 400))
    text = " — ".join(p for p in parts if p)
    return text if len(text) <= 900 else text[:900] + "…"


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def expected_text(message: str) -> str:
    message = " ".join(message.split())
    # chai prints the whole fetch Response; say what it means
    message = re.sub(
        r"expected Response \{ status: (\d+), statusText: '([^']*)'.*?\} to not exist",
        r"expected an error response, but got HTTP \1 \2",
        message,
    )
    message = re.sub(
        r"expected HTTPError: Request failed with status cod… \{ …\(\d+\) \} to not exist",
        "expected no error, but got an HTTP error response",
        message,
    )
    return message if len(message) <= 600 else message[:600] + "…"


# --- one suite -------------------------------------------------------------------------------


def suite_report(
    suite: str, raw: Path, suites_dir: Path, ler_commit: str
) -> tuple[str, dict[str, Any]]:
    meta = json.loads((raw / f"{suite}.meta.json").read_text())
    report = json.loads((raw / f"{suite}.json").read_text())
    dry = json.loads((raw / f"{suite}.dryrun.json").read_text())
    times = load_jsonl(raw / f"{suite}.times.jsonl")
    run_start = min((t["time"] for t in times), default=0.0)
    run_end = max((t["time"] for t in times), default=0.0)
    exchanges = [
        Exchange(**{k: e[k] for k in Exchange.__dataclass_fields__})
        for e in load_jsonl(raw / "proxy.jsonl")
        if run_start - 1 <= e["start"] <= run_end + 1 and e["path"] != "/healthz"
    ]
    intervals = build_intervals(times)
    by_runnable = attribute(exchanges, intervals)

    ran = all_tests(report)
    ran_titles = Counter(t["fullTitle"] for t in ran)
    defined = all_tests(dry)
    defined_pending = {t["fullTitle"] for t in dry.get("pending", [])}
    states: Counter[str] = Counter()
    for t in ran:
        if t["fullTitle"] in {p["fullTitle"] for p in report.get("pending", [])} and not t.get(
            "err"
        ):
            states["pending"] += 0  # counted below
    passes = [t["fullTitle"] for t in report.get("passes", [])]
    pendings = [t["fullTitle"] for t in report.get("pending", [])]
    failures_raw = report.get("failures", [])
    test_failures = [f for f in failures_raw if not HOOK_RE.search(f["fullTitle"])]
    hook_failures = [f for f in failures_raw if HOOK_RE.search(f["fullTitle"])]

    # tests the suite defines that never ran: under a failed hook
    missing = Counter(t["fullTitle"] for t in defined)
    missing.subtract(ran_titles)
    not_run_titles = [title for title, n in missing.items() for _ in range(max(n, 0))]

    parents = {t["fullTitle"]: t["parent"] for t in times if t["type"] == "test"}
    hook_parent = {t["fullTitle"]: t["parent"] for t in times if t["type"] == "hook"}
    failures: list[Failure] = []
    for f in test_failures:
        fail = Failure(f["fullTitle"], (f.get("err") or {}).get("message", ""), "test")
        fail.exchanges = by_runnable.get(("test", f["fullTitle"]), [])
        if not fail.exchanges:
            # the test only looked at data fetched earlier: show what the hooks of its
            # enclosing describe blocks sent (the last few)
            parent = parents.get(f["fullTitle"], f["fullTitle"][: -len(f["title"])].strip())
            hooks = [
                ex
                for title, exs in by_runnable.items()
                if title[0] == "hook"
                and hook_parent.get(title[1])
                and (
                    parent == hook_parent[title[1]]
                    or parent.startswith(hook_parent[title[1]] + " ")
                )
                for ex in exs
            ]
            fail.setup = sorted(hooks, key=lambda e: e.start)[-3:]
        failures.append(fail)
    for f in hook_failures:
        title = f["fullTitle"]
        match = HOOK_RE.search(title)
        assert match is not None  # hook_failures holds only titles HOOK_RE matches
        parent = title[: match.start()]
        fail = Failure(title, (f.get("err") or {}).get("message", ""), "hook")
        # the hook's runnable title as mocha's timeline has it
        hook_key = next(
            (
                k
                for k in by_runnable
                if k[0] == "hook"
                and k[1].startswith(parent)
                and "before" in k[1]
                and _hook_matches(k[1], match.group(1))
            ),
            None,
        )
        fail.exchanges = by_runnable.get(hook_key, []) if hook_key else []
        fail.not_run = [t for t in not_run_titles if t.startswith(parent + " ") or t == parent]
        failures.append(fail)
    orphans = [t for t in not_run_titles if not any(t in f.not_run for f in failures)]

    if suite == "vc-jose-cose-test-suite":
        _jose_extra(failures, raw, suites_dir / suite)

    for fail in failures:
        found = classify_all(suite, fail)
        fail.cause = found[0]
        fail.extra["also"] = found[1:]

    # ---------------- markdown
    n_defined = len(defined)
    n_pass, n_fail_tests, n_pend = len(passes), len(test_failures), len(pendings)
    n_not_run = len(not_run_titles)
    lines: list[str] = []
    lines.append(f"# {meta['repo']} — results against the LER demonstrator\n")
    lines.append(f"- Suite: `{meta['repo']}` at commit `{meta['commit']}` ({meta['commitDate']})")
    lines.append(f"- Run: {meta['ran']} with Node {meta['node']}; LER snapshot `{ler_commit}`")
    lines.append(
        f"- Our configuration: [`config/localConfig/{suite}.cjs`]"
        f"(../config/localConfig/{suite}.cjs)"
        " (+ [`config/ler-endpoints.cjs`](../config/ler-endpoints.cjs))"
    )
    lines.append(
        f"- Raw mocha JSON: [`raw/{suite}.json`](raw/{suite}.json); every test defined: "
        f"[`raw/{suite}.dryrun.json`](raw/{suite}.dryrun.json); requests: `raw/proxy.jsonl`\n"
    )
    lines.append("## Totals\n")
    lines.append(
        "| tests defined | passing | failing | pending / skipped "
        "| not run (a `before` hook failed) |"
    )
    lines.append("|---|---|---|---|---|")
    lines.append(f"| {n_defined} | {n_pass} | {n_fail_tests} | {n_pend} | {n_not_run} |\n")
    if hook_failures:
        lines.append(
            f"Mocha also reports {len(hook_failures)} failed hook(s) as failures "
            f"(its own summary says {report['stats']['failures']} failing); a hook failure is "
            "listed below with the tests it kept from running. "
            f"Passing rate: **{n_pass}/{n_defined}**.\n"
        )
    else:
        lines.append(f"Passing rate: **{n_pass}/{n_defined}**.\n")
    if n_pend:
        lines.append(
            "Pending: `it.skip` in the suite, or `this.skip()` at run time (a feature we do not "
            "declare, or an optional check the suite skips).\n"
        )

    if SUITE_NOTES.get(suite):
        lines.append("## Notes\n")
        lines.append(SUITE_NOTES[suite].strip() + "\n")

    groups: dict[str, list[Failure]] = defaultdict(list)
    for fail in failures:
        groups[fail.cause].append(fail)
    if failures:
        lines.append("## Failures by cause\n")
        lines.append("| cause | failing tests | + not run under it |")
        lines.append("|---|---|---|")
        for cause, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            tests = sum(1 for f in items if f.kind == "test")
            hooks_not_run = sum(len(f.not_run) for f in items)
            lines.append(f"| {md_escape(describe_cause(cause)[0])} | {tests} | {hooks_not_run} |")
        lines.append("")
        number = 0
        for cause, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            title, explanation = describe_cause(cause)
            lines.append(f"### {title}\n")
            if explanation:
                lines.append(explanation.strip() + "\n")
            for fail in items:
                number += 1
                lines.extend(_failure_md(number, fail))
    else:
        lines.append("## Failures\n\nNone.\n")
    if orphans:
        lines.append("## Defined but not run (no failed hook found for them)\n")
        lines.extend(f"- {t}" for t in orphans)
        lines.append("")
    if pendings:
        lines.append("## Pending / skipped\n")
        for t in pendings:
            why = (
                "`it.skip` in the suite"
                if t in defined_pending
                else "skipped at run time (`this.skip()`)"
            )
            lines.append(f"- {t} — {why}")
        lines.append("")
    lines.append("## Passing\n")
    lines.append(f"<details><summary>{n_pass} passing tests</summary>\n")
    lines.extend(f"- {t}" for t in passes)
    lines.append("\n</details>\n")
    summary = {
        "suite": suite,
        "repo": meta["repo"],
        "commit": meta["commit"],
        "node": meta["node"],
        "defined": n_defined,
        "passing": n_pass,
        "failing": n_fail_tests,
        "pending": n_pend,
        "not_run": n_not_run,
        "hook_failures": len(hook_failures),
        "causes": {
            describe_cause(c)[0]: [
                sum(1 for f in v if f.kind == "test"),
                sum(len(f.not_run) for f in v),
            ]
            for c, v in groups.items()
        },
    }
    return "\n".join(lines), summary


def _hook_matches(title: str, which: str) -> bool:
    return f'"{which}" hook' in title


def _failure_md(number: int, fail: Failure) -> list[str]:
    out = [f"#### {number}. {fail.full_title}\n"]
    if fail.kind == "hook":
        out.append(
            f"A hook failed, so **{len(fail.not_run)} test(s) did not run** (listed below).\n"
        )
    shown = fail.exchanges or fail.setup
    if fail.extra.get("jose"):
        jose = fail.extra["jose"]
        out.append(f"- Command: `{jose['command']}`")
        out.append(
            f"- Expected result: `{jose['expected']}`; our stand-in wrote `{jose['result']}`"
        )
        out.append(f"- Our answer: {md_escape(jose['data'])}")
    if shown:
        if not fail.exchanges:
            out.append(
                "- No request during the test itself; it checks data its `before` hook(s) got:"
            )
        many = len(shown) > 1
        if many and fail.exchanges:
            out.append(f"- Requests ({len(shown)}):")
        for i, ex in enumerate(shown[-6:], 1):
            prefix = f"  - request {i}/{len(shown)}: " if many else "- "
            out.append(
                f"{prefix}Endpoint: `{ex.method} {ex.path}` ({ex.service}"
                f"{', Bearer token sent' if ex.auth else ''})"
            )
            pad = "    " if many else "  "
            out.append(f"{pad}- Sent: `{md_escape(sent_summary(ex))}`")
            out.append(f"{pad}- Our answer: {md_escape(answer_summary(ex))}")
        if len(shown) > 6:
            out.append(f"  - … {len(shown) - 6} earlier request(s) not shown")
    elif not fail.extra.get("jose"):
        out.append(
            "- Endpoint: none of our endpoints was called "
            "(the failure is in the suite's own processing)"
        )
    out.append(f"- Expected (assertion): {md_escape(expected_text(fail.message))}")
    if fail.extra.get("also"):
        out.append(
            "- Also in our answer: " + "; ".join(describe_cause(c)[0] for c in fail.extra["also"])
        )
    if fail.not_run:
        out.append("- Not run because of this hook:")
        out.extend(f"  - {t}" for t in fail.not_run)
    out.append("")
    return out


def _jose_extra(failures: list[Failure], raw: Path, suite_dir: Path) -> None:
    mapping_file = suite_dir / "tests" / "test-mapping.js"
    text = mapping_file.read_text() if mapping_file.exists() else ""
    key_files = dict(re.findall(r"(\w+): '(vm-[\w-]+\.json)'", text))
    for fail in failures:
        m = re.search(r"(\d+)\. ", fail.full_title)
        if not m:
            continue
        number = m.group(1)
        block = re.search(
            r"'" + re.escape(fail.full_title.split(" LER ", 1)[-1]) + r"': \{(.*?)\}", text, re.S
        )
        conf = dict(re.findall(r"'(\w+)': ([^,\n]+)", block.group(1))) if block else {}
        out_file = raw / "jose-cose-output" / f"{number}-LER.json"
        result, data = "(no output file)", ""
        if out_file.exists():
            produced = json.loads(out_file.read_text())
            result = produced.get("result")
            payload = produced.get("data")
            if isinstance(payload, dict) and "answer" in payload:
                answer = payload["answer"]
                detail = answer.get("detail") if isinstance(answer, dict) else str(answer)
                data = f"HTTP {payload.get('status')}: {detail}"
            else:
                data = str(payload)[:400]
        key_name = conf.get("key_file", "?")
        command = (
            f"docker compose … run --rm LER {conf.get('fn', '?').split('.')[-1]} --input "
            f"{conf.get('input_file', '?').strip(chr(39))} "
            f"--key {key_files.get(key_name.split('.')[-1], key_name)} "
            f"--feature {conf.get('feature', '?').split('.')[-1]}"
        )
        fail.extra["jose"] = {
            "command": command,
            "expected": conf.get("expected_result", "?").split(".")[-1],
            "result": result,
            "data": data,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suites", type=Path, required=True)
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--ler-commit", default="unknown")
    parser.add_argument("--issuer-port", type=int, default=9441)
    parser.add_argument("--verifier-port", type=int, default=9443)
    args = parser.parse_args()
    SERVICE_PORTS.clear()
    SERVICE_PORTS.update({args.issuer_port: "issuer", args.verifier_port: "verifier"})
    summaries = []
    for suite in SUITE_ORDER:
        if not (args.raw / f"{suite}.json").exists():
            print(f"{suite}: no raw report, skipped")
            continue
        text, summary = suite_report(suite, args.raw, args.suites, args.ler_commit)
        (args.out / f"{suite}.md").write_text(text)
        summaries.append(summary)
        print(
            f"{suite}: {summary['passing']}/{summary['defined']} passing, "
            f"{summary['failing']} failing, "
            f"{summary['pending']} pending, {summary['not_run']} not run"
        )
    (args.out / "summary.json").write_text(json.dumps(summaries, indent=2))


if __name__ == "__main__":
    main()
