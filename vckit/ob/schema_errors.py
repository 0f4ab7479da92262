"""Readable JSON Schema errors: one :class:`SchemaProblem` per wrong field.

``jsonschema`` reports an ``oneOf``/``anyOf`` failure at the parent with every branch's
errors nested inside; the 1EdTech schemas use such alternatives everywhere ("a string or a
language map", "one value or an array"). :func:`describe` walks into the branch the value was
meant for and reports the field that is wrong, as an RFC 6901 JSON Pointer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError


@dataclass(frozen=True)
class SchemaProblem:
    """One thing wrong with a document: where (a JSON Pointer, ``""`` is the root) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


def pointer(parts: Sequence[str | int]) -> str:
    """RFC 6901 JSON Pointer for a path (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def describe(error: ValidationError) -> Iterator[SchemaProblem]:
    """Turn one jsonschema error into field-level problems.

    ``required`` points at the missing member itself; ``oneOf``/``anyOf`` (the schema's
    "single value or array", "string or language map" alternatives) are explained by the
    branch the value was meant for: branches whose ``type`` does not fit are set aside, and
    among the rest the one whose errors reach deepest is reported.
    """
    path = list(error.absolute_path)
    required = error.validator_value
    if error.validator == "required" and isinstance(error.instance, Mapping):
        for name in required if isinstance(required, list) else ():
            if name not in error.instance:
                yield SchemaProblem(pointer([*path, name]), f"{name!r} is a required property")
        return
    if error.validator == "contains" and isinstance(error.validator_value, Mapping):
        wanted = error.validator_value.get("enum")
        if isinstance(wanted, list):
            choices = " or ".join(repr(value) for value in wanted)
            yield SchemaProblem(pointer(path), f"{short(error.instance)} must include {choices}")
            return
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = _branches(error)
        fitting = [errors for errors in branches.values() if not _type_mismatch(errors)]
        if not fitting:
            expected = sorted({name for errors in branches.values() for name in _types_of(errors)})
            wanted = " or ".join(repr(name) for name in expected)
            yield SchemaProblem(pointer(path), f"{short(error.instance)} is not of type {wanted}")
            return

        def rank(errors: list[ValidationError]) -> tuple[int, int]:
            return max(map(_depth, errors)), -len(errors)

        top = max(map(rank, fitting))
        best = [errors for errors in fitting if rank(errors) == top]
        if len(best) > 1 and all(len(errors) == 1 for errors in best):
            # equally good alternatives, e.g. "one of the enumerated values" or "ext:..."
            here = pointer(path)
            flat = [_flat(sub) for errors in best for sub in errors]
            parts = [message if where == here else f"{where}: {message}" for where, message in flat]
            yield SchemaProblem(here, "; or ".join(dict.fromkeys(parts)))
            return
        for sub in best[0]:
            yield from describe(sub)
        return
    if error.validator == "type":
        # jsonschema's own message, with the value shortened: a whole object would crowd out
        # the expected type (draft-04 CLR: a single Achievement where an array is required)
        declared = error.validator_value
        names = [declared] if isinstance(declared, str) else declared
        names = names if isinstance(names, list) else []
        wanted_types = ", ".join(repr(name) for name in names)
        yield SchemaProblem(pointer(path), f"{short(error.instance)} is not of type {wanted_types}")
        return
    yield SchemaProblem(pointer(path), _clip(error.message))


def _flat(error: ValidationError) -> tuple[str, str]:
    problem = next(describe(error))
    return problem.path, problem.message


def _clip(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _branches(error: ValidationError) -> dict[Any, list[ValidationError]]:
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    return branches


def _type_mismatch(errors: list[ValidationError]) -> bool:
    """True if the branch failed because the value is of another JSON type altogether."""
    for sub in errors:
        if sub.relative_path:
            continue
        if sub.validator == "type":
            return True
        if (
            sub.validator in ("oneOf", "anyOf")
            and sub.context
            and all(_type_mismatch(branch) for branch in _branches(sub).values())
        ):
            return True
    return False


def _types_of(errors: list[ValidationError]) -> Iterator[str]:
    for sub in errors:
        if sub.validator == "type" and not sub.relative_path:
            value = sub.validator_value
            yield from (
                [value] if isinstance(value, str) else value if isinstance(value, list) else ()
            )
        elif sub.validator in ("oneOf", "anyOf") and sub.context:
            for branch in _branches(sub).values():
                yield from _types_of(branch)


def _depth(error: ValidationError) -> int:
    bonus = 1 if error.validator == "required" else 0
    deepest = max((_depth(sub) for sub in error.context or ()), default=0)
    return max(len(error.relative_path) + bonus, deepest)
