"""Status list credentials that verified are not verified again while their URL and bytes
are unchanged, for at most the status cache's time; anything else is verified."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from verifier.checking.verified_lists import VerifiedLists

URL = "https://issuer.example/status/1"


class Verifications:
    def __init__(self) -> None:
        self.count = 0
        self.fail = False

    def of(self, body: bytes) -> Any:
        def verify() -> Mapping[str, Any]:
            self.count += 1
            if self.fail:
                raise ValueError("the status list credential does not verify")
            return {"body": body.decode()}

        return verify


def test_an_unchanged_list_is_verified_once_within_its_time() -> None:
    now, done = [0.0], Verifications()
    lists = VerifiedLists(60, lambda: now[0])
    body = b'{"list": 1}'
    for _ in range(5):
        assert lists(URL, body, done.of(body)) == {"body": '{"list": 1}'}
    assert done.count == 1
    now[0] = 61.0
    lists(URL, body, done.of(body))
    assert done.count == 2  # its time is over: verified again (validity, the issuer's key)


def test_other_bytes_are_verified_whatever_was_remembered() -> None:
    now, done = [0.0], Verifications()
    lists = VerifiedLists(60, lambda: now[0])
    lists(URL, b'{"list": 1}', done.of(b'{"list": 1}'))
    tampered = b'{"list": 2}'
    done.fail = True
    with pytest.raises(ValueError):
        lists(URL, tampered, done.of(tampered))
    with pytest.raises(ValueError):  # what did not verify is not remembered either
        lists(URL, tampered, done.of(tampered))
    assert done.count == 3


def test_time_zero_remembers_nothing() -> None:
    done = Verifications()
    lists = VerifiedLists(0, lambda: 0.0)
    for _ in range(3):
        lists(URL, b"{}", done.of(b"{}"))
    assert done.count == 3


def test_size_is_bounded() -> None:
    done = Verifications()
    lists = VerifiedLists(60, lambda: 0.0, max_entries=2)
    for name in ("a", "b", "c", "a"):
        lists(f"{URL}/{name}", b"{}", done.of(b"{}"))
    assert done.count == 4  # a was pushed out by c
