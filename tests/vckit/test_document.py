"""Untrusted input is bounded and classified before anything else reads it."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest

from vckit.document import check_depth, check_object_depth, parse_json, read_input
from vckit.errors import (
    DocumentTooDeepError,
    DocumentTooLargeError,
    MalformedJsonError,
    UnsupportedFormatError,
    VckitError,
)

JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"


def test_json_object_is_read() -> None:
    parsed = read_input(b'  {"type": ["VerifiableCredential"]}\n')
    assert parsed.format == "json"
    assert parsed.json == {"type": ["VerifiableCredential"]}


def test_compact_jwt_is_recognised() -> None:
    parsed = read_input(JWT + "\n")
    assert (parsed.format, parsed.text) == ("jwt", JWT)


def test_sd_jwt_is_recognised() -> None:
    assert read_input(JWT + "~WyJhIiwiYiIsImMiXQ~").format == "sd-jwt"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        pytest.param(b"", UnsupportedFormatError, id="empty"),
        pytest.param(b"{not json", MalformedJsonError, id="malformed-json"),
        pytest.param(b'{"a": 1, "a": 2}', MalformedJsonError, id="duplicate-key"),
        pytest.param(b'{"a": NaN}', MalformedJsonError, id="nan"),
        pytest.param(b"\xff\xfe{}", MalformedJsonError, id="not-utf8"),
        pytest.param(b"[1, 2]", UnsupportedFormatError, id="array"),
        pytest.param(b"hello world", UnsupportedFormatError, id="plain-text"),
        pytest.param(b"a.b", UnsupportedFormatError, id="two-part-token"),
        pytest.param(b'{"a":' * 100 + b"1" + b"}" * 100, DocumentTooDeepError, id="too-deep"),
        pytest.param(b"[" * 100000, UnsupportedFormatError, id="deep-array-not-object"),
    ],
)
def test_bad_input_is_refused_with_a_named_error(data: bytes, error: type[VckitError]) -> None:
    with pytest.raises(error):
        read_input(data)


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = '{"note": "' + "[{" * 500 + '"}'
    assert read_input(text).json == {"note": "[{" * 500}


def test_escaped_quote_does_not_end_a_string() -> None:
    text = '{"note": "a \\" [[[[ still text"}'
    assert read_input(text, max_depth=2).json == {"note": 'a " [[[[ still text'}


@pytest.mark.parametrize(
    ("text", "too_deep"),
    [
        ('[[["\\\\"]]]' + "[]" * 5, True),  # an escaped backslash ends before the quote
        ('[["\\"]]]' + "[" * 5, False),  # an escaped quote keeps the string open to the end
        ('[["[[[[[[" , [[["x"]]]]]', True),
        ('"' + "[" * 9, False),  # an unterminated string hides every bracket after it
    ],
)
def test_depth_counts_brackets_outside_strings_only(text: str, too_deep: bool) -> None:
    if too_deep:
        with pytest.raises(DocumentTooDeepError):
            check_depth(text, max_depth=2)
    else:
        check_depth(text, max_depth=2)


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(DocumentTooLargeError):
        read_input(b"{" + b" " * 100 + b"}", max_bytes=50)


def test_deep_object_inside_limit_parses() -> None:
    text = '{"a":' * 60 + "1" + "}" * 60
    assert read_input(text).format == "json"


def test_parsed_documents_get_the_same_depth_limit() -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(100):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    with pytest.raises(DocumentTooDeepError):
        check_object_depth(deep)
    check_object_depth({"a": [{"b": [1, 2, {"c": 3}]}]}, max_depth=5)
    with pytest.raises(DocumentTooDeepError):
        check_object_depth({"a": [{"b": [1, 2, {"c": [3]}]}]}, max_depth=5)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"n": ' + "9" * 5000 + "}", id="integer-over-python-limit"),
        pytest.param('{"n": -' + "9" * 1001 + "}", id="integer-over-1000-digits"),
        pytest.param('{"n": 1e999}', id="float-overflows"),
        pytest.param('{"n": -1e999}', id="float-overflows-negative"),
        pytest.param('{"a": Infinity}', id="infinity"),
        pytest.param('{"t": "\\ud800"}', id="lone-high-surrogate"),
        pytest.param('{"t": ["x", "\\udfff"]}', id="lone-low-surrogate-in-array"),
        pytest.param('{"\\ud83d": 1}', id="lone-surrogate-in-a-name"),
        pytest.param('{"t": "\\ude00\\ud83d"}', id="surrogates-in-the-wrong-order"),
        pytest.param('{"t": "\ud800"}', id="raw-surrogate-in-text"),
    ],
)
def test_json_a_later_step_could_not_handle_is_malformed(text: str) -> None:
    with pytest.raises(MalformedJsonError):
        parse_json(text)
    with pytest.raises(MalformedJsonError):
        read_input(text)


def test_numbers_and_surrogate_pairs_inside_the_limits_parse() -> None:
    text = '{"n": ' + "9" * 1000 + ', "f": 1.5e300, "t": "\\ud83d\\ude00", "e": "\\\\ud800"}'
    assert parse_json(text) == {
        "n": int("9" * 1000), "f": 1.5e300, "t": "\N{GRINNING FACE}", "e": "\\ud800"
    }  # fmt: skip


# --- the compact JWS test without the regular-expression engine (issue 15) ----------------------

_JWS_PIECES = "Az9-_.\n~ +/=\u00e9"


def test_compact_jws_test_agrees_with_the_pattern_on_short_texts() -> None:
    """Every text of up to 4 characters from the alphabet, the dot, a newline and characters
    outside it: the same answer as :data:`vckit.document._COMPACT_JWS`."""
    from vckit.document import _COMPACT_JWS, is_compact_jws

    texts = ["".join(chars) for n in range(5) for chars in product(_JWS_PIECES, repeat=n)]
    assert len(texts) > 30_000
    for text in texts:
        assert is_compact_jws(text) == bool(_COMPACT_JWS.match(text)), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        JWT,
        JWT + "\n",
        JWT + "\n\n",
        JWT + ".",
        "." + JWT,
        "a..b",
        "a.b.",
        "a.b.c.d",
        JWT.replace("c2ln", "c2l\u0131"),
        JWT + "=",
        "\n" + JWT,
    ],
)
def test_compact_jws_test_agrees_with_the_pattern(text: str) -> None:
    from vckit.document import _COMPACT_JWS, is_compact_jws

    assert is_compact_jws(text) == bool(_COMPACT_JWS.match(text))


def _decoded(decode: Any, text: str) -> tuple[str, Any]:
    try:
        return "value", decode(text)
    except Exception as exc:  # the same error type and message, whichever way
        return type(exc).__name__, str(exc)


_JSON_TEXTS = [
    '{"a":1}',
    ' {"a":1}',
    '{"a":1} ',
    '{"a":1}\n',
    '{"a":1}{"b":2}',
    '{"a":1} x',
    "[1,2,3]",
    '"text"',
    "12",
    "1e999",
    "NaN",
    "",
    " ",
    "{",
    '{"a":}',
    '{"a":1,"a":2}',
    '{"a":"\\ud800"}',
    '["\\ud83c\\udf93"]',
    "[" * 50 + "]" * 50,
    "[" * 50 + "]" * 49,
    '{"a":[1,{"b":null,"c":true}],"d":-0.5}',
    "\t[]\t",
    "[]]",
    '"unterminated',
]


@pytest.mark.parametrize("text", _JSON_TEXTS)
def test_direct_scan_decodes_as_the_decoder_does(text: str) -> None:
    """``vckit.document._decode`` (the scanner called directly, issue 15) gives the value or
    the error ``JSONDecoder.decode`` gives, with the same hooks."""
    from vckit.document import _DECODER, _decode

    assert _decoded(_decode, text) == _decoded(_DECODER.decode, text)


def test_direct_scan_agrees_with_the_decoder_on_cut_and_padded_documents() -> None:
    from vckit.document import _DECODER, _decode

    document = '{"a":[1,2.5,{"b":"x\\u00e9"}],"c":null,"d":[true,false],"e":"\\"q\\""}'
    for end in range(len(document) + 1):
        for text in (document[:end], " " + document[:end], document[:end] + " ", document[end:]):
            assert _decoded(_decode, text) == _decoded(_DECODER.decode, text), repr(text)
