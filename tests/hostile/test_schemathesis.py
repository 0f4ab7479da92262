"""Property-based API run: schemathesis generates requests from each service's own
``/openapi.json`` (valid ones, and ones that break the schema) and sends them to the real
app in-process, authenticated as :mod:`tests.hostile.conftest` says.

Two checks, on every response:

* ``not_a_server_error``: no 5xx, ever.
* ``response_schema_conformance``: a response the document describes matches its schema.

The other checks schemathesis has are off, on purpose: ``status_code_conformance`` and
``content_type_conformance`` would ask every operation to list each 4xx it can answer
(every JSON route can answer 400, 401, 413, 422, all problem+json: that is
:mod:`tests.hostile.test_cases`' job, per family), and ``negative_data_rejection`` counts a
lenient 2xx as a failure where the project's rule is only "no 5xx".

Bounded for the normal test run: ``LER_HOSTILE_EXAMPLES`` examples per operation and mode
(default 6), from the seed ``LER_HOSTILE_SEED`` (default below); the seed and the counts
(operations, examples, failures) are printed (``pytest -s`` shows them; so does a failure).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as with_seed
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.hostile.conftest import Service

SEED = int(os.environ.get("LER_HOSTILE_SEED", "20261206"))
EXAMPLES = int(os.environ.get("LER_HOSTILE_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance]
SKIPPED: dict[tuple[str, str], str] = {
    # (service, "METHOD /path"): why it is not fuzzed
}


@dataclass
class Run:
    service: str
    operations: int = 0
    examples: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def summary(self) -> str:
        return (
            f"schemathesis {self.service}: seed {SEED}, {self.operations} operations, "
            f"{self.examples} examples, {len(self.failures)} failures; statuses "
            + ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        )


def _fuzz(service: Service, operation: Any, mode: GenerationMode, run: Run) -> None:
    """Valid requests go to things that exist (the service's ``known`` path parameters);
    invalid ones anywhere."""
    client_headers = dict(service.headers)
    cookies = dict(service.cookies)
    names = {p.name for p in operation.path_parameters}
    known = (
        {k: v for k, v in service.known.items() if k in names}
        if mode == GenerationMode.POSITIVE
        else None
    )

    @with_seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known))
    def check(case: Any) -> None:
        run.examples += 1
        where = f"{case.method} {case.formatted_path}"
        try:
            response = case.call(headers=client_headers, cookies=cookies)
        except Exception as exc:  # a 500 raised through the in-process transport
            run.failures.append(f"{where} ({mode.value}): {type(exc).__name__}: {exc}"[:600])
            return
        run.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=client_headers)
        except FailureGroup as exc:
            run.failures.append(f"{where} ({mode.value}): {exc}"[:1500])

    try:
        check()
    except Unsatisfiable:  # e.g. no negative case for an operation that takes nothing
        return


@pytest.mark.parametrize("name", ["issuer", "wallet", "verifier", "landing"])
def test_no_5xx_and_no_schema_violation(name: str, services: dict[str, Service]) -> None:
    service = services[name]
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.app)
    schema.config.update(base_url=service.base_url)
    run = Run(name)
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            pytest.fail(f"{name}: an operation schemathesis cannot read: {result.err()}")
        operation = result.ok()
        if (name, f"{operation.method.upper()} {operation.path}") in SKIPPED:
            continue
        run.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(service, operation, mode, run)
    print(run.summary())
    assert run.failures == [], run.summary() + "\n" + "\n".join(run.failures)
