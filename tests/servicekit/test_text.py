"""The one printable-text rule (servicekit.text): what one party types and another reads."""

from __future__ import annotations

import pytest

from servicekit.text import PRINTABLE_RULE, is_printable, printable_only

HIDDEN = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c",
          "\u200d", "\u200e", "\u200f", "\ufeff", "\x00", "\x1b", "\x7f", "\u0085", "\u2028",
          "\ud800"]  # fmt: skip


@pytest.mark.parametrize("hidden", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_hidden_direction_changing_and_control_characters_are_refused(hidden: str) -> None:
    words = f"Issued in {hidden}error"
    assert not is_printable(words) and not is_printable(words, lines=True)
    assert PRINTABLE_RULE.startswith("must be printable text")
    assert printable_only(words) == "Issued in error"


def test_every_script_and_line_breaks_where_asked_are_kept() -> None:
    words = "Grade fixed: Ünïcödé, 日本語, עברית, العربية, ñ (2027) – “quoted” 🎓"
    assert is_printable(words) and is_printable(words, lines=True)
    assert printable_only(words) == words
    assert not is_printable("two\nlines") and is_printable("two\r\nlines", lines=True)
    assert printable_only("two\n  lines\t") == "two lines"
