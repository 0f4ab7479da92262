"""Multicodec varint headers of the key codecs vckit reads."""

from __future__ import annotations

import pytest

from vckit.errors import InputError
from vckit.keys import multicodec

# Header bytes as they appear in Multikey values (CID 1.0 2.2.2 and the did:key spec).
HEADERS = [
    pytest.param(multicodec.ED25519_PUB, b"\xed\x01", id="ed25519-pub"),
    pytest.param(multicodec.P256_PUB, b"\x80\x24", id="p256-pub"),
    pytest.param(multicodec.P384_PUB, b"\x81\x24", id="p384-pub"),
    pytest.param(multicodec.ED25519_PRIV, b"\x80\x26", id="ed25519-priv"),
    pytest.param(multicodec.P256_PRIV, b"\x86\x26", id="p256-priv"),
    pytest.param(multicodec.P384_PRIV, b"\x87\x26", id="p384-priv"),
    pytest.param(0x00, b"\x00", id="zero"),
    pytest.param(0x7F, b"\x7f", id="largest-one-byte"),
]


@pytest.mark.parametrize(("code", "header"), HEADERS)
def test_varint_header(code: int, header: bytes) -> None:
    assert multicodec.varint(code) == header
    assert multicodec.split(header + b"key") == (code, b"key")


@pytest.mark.parametrize(
    "data",
    [b"", b"\xed", b"\xed\x81\x00key", b"\xed\x80\x00key", b"\x80\x80\x80\x01", b"\xff\xff\xff"],
    ids=["empty", "truncated", "non-minimal", "non-minimal-zero-tail", "four-bytes", "no-end"],
)
def test_split_rejects(data: bytes) -> None:
    with pytest.raises(InputError):
        multicodec.split(data)


def test_negative_code_is_refused() -> None:
    with pytest.raises(InputError):
        multicodec.varint(-1)
