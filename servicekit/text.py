"""Text a user typed, as the APIs accept it: UTF-8 (no lone surrogate), bounded, printable.

JSON can spell a lone surrogate (``"\\ud800"``); Python keeps it in a ``str``, and it breaks
the first thing that encodes it (the database, the answer). :func:`utf8_text` refuses it
where a field is read, as a 422 naming the member (pydantic's ``AfterValidator``)::

    Title = Annotated[str, StringConstraints(min_length=1, max_length=200),
                      AfterValidator(utf8_text)]

The message never quotes the value (it could not be encoded either).

Text one party types and another reads must also be printable (:func:`is_printable`, the one
rule: no bidi override or isolate, no zero-width space or other invisible character but the
two joiners words are written with, no control character): it is refused naming the field
(:data:`PRINTABLE_RULE`), or, when it comes from a remote party and is kept anyway, reduced to
its printable characters (:func:`printable_only`).
"""

from __future__ import annotations


def is_utf8(value: str) -> bool:
    """Whether ``value`` can be encoded as UTF-8 (holds no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def utf8_text(value: str) -> str:
    """``value`` unchanged, or ValueError when it holds a lone surrogate."""
    if not is_utf8(value):
        raise ValueError("must be UTF-8 text (it holds a lone surrogate)")
    return value


# --- printable text ------------------------------------------------------------------------
#
# Text one party types and another reads (a revocation reason shown to the learner, a trust
# entry's names shown to staff) must show what it says. A bidi override (U+202E), an isolate
# (U+2066-U+2069), a zero-width space (U+200B, U+FEFF) or a control character can make it
# read otherwise. The rule is Python's :meth:`str.isprintable` (no Unicode "Other" or
# "Separator" character except the space), less the two joiners (U+200C, U+200D): Persian
# and the Indic scripts write words with them and emoji sequences (U+1F469 U+200D U+2695)
# are made of them, and they change how letters join, never the order or what is hidden.
# Multi-line text may also hold line breaks and tabs.

PRINTABLE_RULE = "must be printable text (no control, invisible or direction-changing characters)"
LAYOUT = frozenset("\r\n\t")  # allowed in multi-line text
JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: part of words


def _shown(c: str) -> bool:
    return c.isprintable() or c in JOINERS


def is_printable(value: str, *, lines: bool = False) -> bool:
    """Whether ``value`` holds printable characters only (and line breaks and tabs, with
    ``lines``)."""
    if lines:
        return all(_shown(c) or c in LAYOUT for c in value)
    return value.isprintable() or all(_shown(c) for c in value)


def printable_only(value: str) -> str:
    """``value`` on one line (white space folded to single spaces) without the characters
    :func:`is_printable` refuses: for a remote party's text that is kept and shown, not
    refused."""
    return "".join(c for c in " ".join(value.split()) if _shown(c))
