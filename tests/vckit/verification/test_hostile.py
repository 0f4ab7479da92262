"""Wrong types anywhere in a credential or presentation: a named failure, never a crash.

Every field of a good credential (and of its proof) is replaced in turn by values of the
wrong type. ``verify`` must answer with a report whose verdict is not *pass*, or refuse the
input with an ``InputError``; any other exception is a bug (it would be a 500 in a service).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests import scenarios as s
from vckit.errors import InputError
from vckit.report import PASS
from vckit.verification import VerifyOptions, verify

WRONG = [None, 0, -1, 1.5, True, "", "x", [], [None], {}, {"id": 5}]
GOOD = s.good_credential()
OPTIONS = VerifyOptions(now=s.NOW)


def _cases(document: dict[str, Any], prefix: tuple[str, ...]) -> list[Any]:
    cases = []
    for key, value in document.items():
        path = (*prefix, key)
        for index, wrong in enumerate(WRONG):
            if wrong == value:
                continue
            cases.append(pytest.param(path, wrong, id=f"{'.'.join(path)}-{index}"))
    return cases


CASES = (
    _cases(GOOD, ())
    + _cases(GOOD["proof"], ("proof",))
    + _cases(GOOD["credentialSubject"], ("credentialSubject",))
    + _cases(GOOD["issuer"], ("issuer",))
)


def _replace(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


@pytest.mark.parametrize(("path", "wrong"), CASES)
def test_wrong_type_is_a_finding_not_a_crash(path: tuple[str, ...], wrong: Any) -> None:
    hostile = _replace(GOOD, path, wrong)
    try:
        report = verify(hostile, OPTIONS)
    except InputError:
        return
    assert report.verdict != PASS, (path, wrong, report.to_json())
    assert not broke_off(report), report.to_json()


def broke_off(report: Any) -> list[str]:
    """Checks that ended in an unexpected exception: each one is a bug to name properly."""
    return [c.detail for c in report.all_checks() if "broke off" in c.detail]


@pytest.mark.parametrize("wrong", WRONG, ids=[repr(w) for w in WRONG])
def test_wrong_types_in_a_presentation(wrong: Any) -> None:
    shared = s.presentation()
    for key in ("holder", "verifiableCredential", "proof", "type", "@context"):
        hostile = _replace(shared.presentation, (key,), wrong)
        try:
            report = verify(hostile, VerifyOptions(now=s.NOW, challenge=shared.challenge))
        except InputError:
            continue
        assert report.verdict != PASS, (key, wrong)
        assert not broke_off(report), report.to_json()
