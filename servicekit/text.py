"""Text a user typed, as the APIs accept it: UTF-8 (no lone surrogate) and bounded.

JSON can spell a lone surrogate (``"\\ud800"``); Python keeps it in a ``str``, and it breaks
the first thing that encodes it (the database, the answer). :func:`utf8_text` refuses it
where a field is read, as a 422 naming the member (pydantic's ``AfterValidator``)::

    Title = Annotated[str, StringConstraints(min_length=1, max_length=200),
                      AfterValidator(utf8_text)]

The message never quotes the value (it could not be encoded either).
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
