"""RFC 8785 JSON Canonicalization Scheme, against the RFC's own examples.

The number table follows RFC 8785 Appendix B ("Number Serialization Samples"): an IEEE 754
double given by its bit pattern, and the text ECMAScript (and so JCS) writes for it; every
row was checked against Node.js's ``Number.prototype.toString``. The string and sorting cases
are §3.2.2.2 and §3.2.3 of the RFC.
"""

from __future__ import annotations

import struct

import pytest

from vckit.di import jcs
from vckit.errors import InputError

APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), APPENDIX_B, ids=[b for b, _ in APPENDIX_B])
def test_numbers_as_ecmascript_writes_them(bits: str, text: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert jcs.number(value) == text


def test_the_rfc_example_object() -> None:
    """RFC 8785 §3.2.3's sorting example: names compared as UTF-16 code units."""
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    canonical = jcs.canonicalize(value)
    positions = [canonical.index(jcs.canonicalize(name) + ":") for name in expected]
    assert positions == sorted(positions)
    assert canonical.startswith('{"\\r":"Carriage Return","1":"One"')


def test_strings_escape_only_what_json_stringify_escapes() -> None:
    text = '\u20ac$\u000f\nA\'B"\\\\"/'
    assert jcs.canonicalize(text) == '"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'


def test_no_whitespace_and_literals() -> None:
    assert jcs.canonicalize({"b": [True, False, None], "a": 1}) == '{"a":1,"b":[true,false,null]}'


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 2**53, "\ud800", {"\udfff": 1}],
    ids=["nan", "infinity", "unsafe-integer", "lone-surrogate", "lone-surrogate-name"],
)
def test_what_is_not_i_json_is_refused(value: object) -> None:
    with pytest.raises(InputError):
        jcs.canonicalize(value)
