"""The one printable-text rule (servicekit.text): what one party types and another reads."""

from __future__ import annotations

import pytest

from servicekit.text import PRINTABLE_RULE, is_printable, printable_only

HIDDEN = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b",
          "\u200e", "\u200f", "\ufeff", "\x00", "\x1b", "\x7f", "\u0085", "\u2028",
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


def test_the_joiners_that_words_and_emoji_are_made_of_are_kept() -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want": a non-joiner inside
    hindi = "\u0915\u094d\u200d\u0937"  # a half form, by the joiner
    health_worker = "\U0001f469\u200d\u2695\ufe0f"  # woman, joiner, staff of Aesculapius
    for words in (persian, hindi, health_worker, f"Issued in error {health_worker}"):
        assert is_printable(words) and is_printable(words, lines=True)
        assert printable_only(words) == words
    assert not is_printable(f"{persian}\u202e")  # the joiners only: an override still refused
