"""Property-based run of the wallet's Open Badges host driven by the OFFICIAL OpenAPI file
(1EdTech's, not ours): schemathesis generates requests for its five operations (valid ones,
and ones that break the file's schemas) and sends them, with a token holding all four scopes,
to the real app in-process. No answer may be a 5xx; every answer the file describes must match
its schema (``Imsx_StatusInfo`` errors included). Bounded like tests/hostile/test_schemathesis.py:
``LER_HOSTILE_EXAMPLES`` per operation and mode, seed ``LER_HOSTILE_SEED``.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as with_seed
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.wallet.host.conftest import Host
from tests.wallet.host.rfc_client import ALL, ObClient, bearer
from vckit.ob.api import openapi

SEED = int(os.environ.get("LER_HOSTILE_SEED", "20261206"))
EXAMPLES = int(os.environ.get("LER_HOSTILE_EXAMPLES", "6")) * 2
CHECKS = [not_a_server_error, response_schema_conformance]


def test_the_official_file_finds_no_5xx_and_no_schema_violation(host: Host) -> None:
    tokens = ObClient(host.api).tokens(host.learner, ALL)
    headers = bearer(tokens["access_token"])
    for format in ("eddsa-rdfc-2022", "ob3-jwt"):  # something to read back
        credential = host.issued(format)
        kind = {"json": credential} if isinstance(credential, dict) else {
            "content": credential, "headers": headers | {"content-type": "text/plain"}}  # fmt: skip
        sent: dict[str, Any] = {"headers": headers} | kind
        assert host.api.post("/ims/ob/v3p0/credentials", **sent).status_code == 201
    schema = schemathesis.openapi.from_dict(openapi())
    schema.app = host.app
    schema.config.update(base_url="https://wallet.test/ims/ob/v3p0")
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @with_seed(SEED)
            @settings(max_examples=EXAMPLES, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck), print_blob=False)  # fmt: skip
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                where = f"{case.method} {case.formatted_path}"
                try:
                    response = case.call(headers=headers)
                except Exception as exc:  # a 500 raised through the in-process transport
                    failures.append(f"{where}: {type(exc).__name__}: {exc}"[:600])
                    return
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except FailureGroup as exc:
                    failures.append(f"{where}: {exc}"[:1500])

            try:
                check()
            except Unsatisfiable:
                continue
    summary = f"{operations} operations, statuses {dict(sorted(statuses.items()))}"
    print(summary)
    assert operations == 5
    assert statuses[200] > 0 and failures == [], summary + "\n" + "\n".join(failures)
