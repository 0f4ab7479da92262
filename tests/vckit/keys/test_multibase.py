"""Multibase: base58btc and base64url (no padding), strict in both directions."""

from __future__ import annotations

import pytest

from vckit.errors import InputError
from vckit.keys import multibase

# Examples from draft-msporny-base58-03 section 5 (also what the PyPI ``base58`` package gives).
BASE58_EXAMPLES = [
    pytest.param(b"Hello World!", "2NEpo7TZRRrLZSi2U", id="hello-world"),
    pytest.param(
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        id="quick-brown-fox",
    ),
    pytest.param(bytes.fromhex("0000287fb4cd"), "11233QC4", id="leading-zero-bytes"),
    pytest.param(b"", "", id="empty"),
    pytest.param(b"\0", "1", id="single-zero"),
]


@pytest.mark.parametrize(("data", "text"), BASE58_EXAMPLES)
def test_base58btc_examples(data: bytes, text: str) -> None:
    assert multibase.base58btc_encode(data) == text
    assert multibase.base58btc_decode(text) == data


def test_multibase_spec_example() -> None:
    """The Multibase draft's running example, in both bases we read."""
    data = b"Multibase is awesome! \\o/"
    assert multibase.encode(data, "base58btc") == "zYAjKoNbau5KiqmHPmSxYCvn66dA1vLmwbt"
    assert multibase.encode(data, "base64url") == "uTXVsdGliYXNlIGlzIGF3ZXNvbWUhIFxvLw"
    assert multibase.decode("zYAjKoNbau5KiqmHPmSxYCvn66dA1vLmwbt") == data
    assert multibase.decode("uTXVsdGliYXNlIGlzIGF3ZXNvbWUhIFxvLw") == data


@pytest.mark.parametrize(
    "data",
    [b"\0\0\0\x01", b"\xff" * 33, bytes(range(256)), b"\0" * 5],
    ids=["leading-zeros", "all-ones", "every-byte", "only-zeros"],
)
@pytest.mark.parametrize("base", ["base58btc", "base64url"])
def test_round_trip(data: bytes, base: multibase.Base) -> None:
    assert multibase.decode(multibase.encode(data, base)) == data


@pytest.mark.parametrize(
    ("text", "data"),
    [("", b""), ("AA", b"\0"), ("_-8", b"\xff\xef"), ("QUJD", b"ABC")],
    ids=["empty", "one-byte", "url-safe-alphabet", "no-remainder"],
)
def test_base64url_nopad(text: str, data: bytes) -> None:
    assert multibase.base64url_nopad_decode(text) == data
    assert multibase.base64url_nopad_encode(data) == text


@pytest.mark.parametrize(
    "text",
    ["QQ==", "QQ=", "+/8", "/w", "QU JD", "QUJD\n", "Q", "QR", "é"],
    ids=[
        "padding",
        "partial-padding",
        "standard-alphabet-plus",
        "standard-alphabet-slash",
        "inner-space",
        "trailing-newline",
        "impossible-length",
        "non-zero-trailing-bits",
        "non-ascii",
    ],
)
def test_base64url_rejects(text: str) -> None:
    with pytest.raises(InputError):
        multibase.base64url_nopad_decode(text)


@pytest.mark.parametrize(
    "text",
    ["0", "O", "I", "l", "2NEpo7TZ+RRrLZSi2U", " 2NEpo"],
    ids=["zero", "oh", "eye", "ell", "plus", "space"],
)
def test_base58_rejects_characters_outside_alphabet(text: str) -> None:
    with pytest.raises(InputError):
        multibase.base58btc_decode(text)


@pytest.mark.parametrize(
    "value",
    ["", "f68656c6c6f", "mAQID", "Z2NEpo7TZRRrLZSi2U", "z0OIl", "uQQ=="],
    ids=[
        "empty",
        "base16-prefix",
        "base64-prefix",
        "uppercase-z",
        "bad-base58",
        "padded-base64url",
    ],
)
def test_decode_rejects(value: str) -> None:
    with pytest.raises(InputError):
        multibase.decode(value)


@pytest.mark.parametrize("fill", [0x01, 0xFF], ids=["low-bytes", "high-bytes"])
def test_round_trip_across_group_boundaries(fill: int) -> None:
    """Every length from 0 to 80 bytes, with and without leading zeros: base58 works in
    groups of ten digits internally, so lengths around multiples of ten digits matter."""
    for length in range(81):
        for data in (bytes([fill]) * length, b"\0\0" + bytes([fill]) * length):
            text = multibase.base58btc_encode(data)
            assert multibase.base58btc_decode(text) == data
            assert multibase.base58btc_encode(multibase.base58btc_decode(text)) == text


def _digit_by_digit_base58(data: bytes) -> str:
    """The plain definition (draft-msporny-base58-03 section 3), one digit per step."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number, digits = int.from_bytes(data, "big"), []
    while number:
        number, digit = divmod(number, 58)
        digits.append(alphabet[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def test_encode_matches_the_digit_by_digit_definition() -> None:
    """The grouped encoder (ten digits per big-integer step, two per table look-up) writes
    what the one-digit-at-a-time definition writes: signatures, keys, and every digit value
    in every position of a group."""
    import random

    rng = random.Random(58)
    samples = [rng.randbytes(rng.choice([1, 7, 32, 33, 34, 48, 64, 96])) for _ in range(300)]
    samples += [bytes([0] * zeros) + rng.randbytes(64) for zeros in range(3)]
    samples += [(58**k - 1).to_bytes(64, "big").lstrip(b"\0") for k in range(1, 80)]
    samples += [(58**k).to_bytes(64, "big").lstrip(b"\0") for k in range(1, 80)]
    for data in samples:
        assert multibase.base58btc_encode(data) == _digit_by_digit_base58(data), data.hex()
