"""What vckit accepts of a document's own contexts and size, beyond what JSON-LD requires.

A credential's ``@context`` may hold objects as well as URLs (VC DM 2.0 § 4.3). Three rules
keep the strict expansion of :mod:`vckit.jsonld.strict` meaningful:

- **No inline ``@vocab`` or ``@base``** (:func:`check_inline_contexts`). A context object in the
  document that sets ``@vocab`` gives every undefined term a meaning, so nothing is ever
  refused as undefined; ``@base`` does the same for relative ``@id`` values (pyld ignores it
  without a base IRI, but other processors resolve against it, so the signed meaning would
  depend on the processor). The sealed
  ``https://www.w3.org/ns/credentials/undefined-terms/v2`` context (VC DM 2.0 § 5.2) is the
  one declared way to keep undefined terms, and stays allowed: it is a URL, not an object.
  Refused with :class:`~vckit.errors.UnsafeContextError` naming the keyword and where.
- **No protected term redefined** (:func:`check_contexts`): every ``@context`` of the document
  goes through context processing alone (no expansion, so JCS- and JWT-secured credentials
  are covered too), with the protected-term guard of
  :class:`~vckit.jsonld.strict.StrictProcessor` (:class:`~vckit.errors.ProtectedTermError`).
- **Bounded, flat documents to sign** (:func:`check_bounds`): at most
  :data:`MAX_OBJECTS` JSON objects and no ``@graph`` (a credential is one node tree; a graph
  of thousands of nodes is work for every verifier). :class:`~vckit.errors.GraphTooLargeError`.

:func:`check_signable` runs all three, cheapest first: what an issuer checks before signing.
A verifier's format check runs the first two (:mod:`vckit.verification.content`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from vckit.document import SCALARS
from vckit.errors import GraphTooLargeError, UnsafeContextError
from vckit.jsonld.expansion import SealedLoader, _options, default_loader
from vckit.jsonld.failures import pyld_errors

MAX_OBJECTS = 1000
"""The most JSON objects a credential to sign may hold (an OB 3.0 credential has about 15)."""
_WHY = {
    "@vocab": "every undefined term would silently get a meaning, so none could be refused; "
    "to keep undefined terms list https://www.w3.org/ns/credentials/undefined-terms/v2",
    "@base": "relative IRIs would be resolved against it (by other JSON-LD processors), "
    "where vckit refuses them",
}
UNSAFE_KEYWORDS = tuple(_WHY)


def _segment(key: object) -> str:
    return "/" + str(key).replace("~", "~0").replace("/", "~1")


def _walk(document: object) -> Iterator[tuple[str, object]]:
    """Every value of ``document`` with its JSON pointer, without recursion."""
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, Mapping):
            stack.extend((path + _segment(k), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((f"{path}/{i}", v) for i, v in reversed(list(enumerate(value))))


def _nests(value: object) -> bool:
    return not isinstance(value, SCALARS) and isinstance(value, Mapping | list)


_JSON_SCALARS = frozenset((str, int, float, bool, type(None)))


def _contexts(document: Mapping[str, Any]) -> Iterator[tuple[str, object]]:
    """Each ``@context`` value in the document (the top one first) with its pointer.

    The order of :func:`_walk`. Plain JSON (``dict`` and ``list``) nested up to
    :data:`_RECURSION_DEPTH` is walked by :func:`_find_contexts`, a recursion over containers
    alone that keeps each one's parent and key (a pointer is written only for a context
    found): several times faster than the iterative walk, which takes the rest."""
    found: list[tuple[_Trail, object]] = []
    if type(document) is dict and _find_contexts(document, (), found, 0):
        for trail, context in found:
            yield _trail_pointer(trail) + "/@context", context
        return
    yield from _contexts_iteratively(document)


_Trail = tuple[Any, ...]
"""``()`` for the document, else ``(parent's trail, key)``."""
_RECURSION_DEPTH = 100


def _find_contexts(
    value: Any, trail: _Trail, found: list[tuple[_Trail, object]], depth: int
) -> bool:
    """Append each ``@context`` under ``value`` to ``found``; False (with ``found``
    incomplete) when a container is not plain JSON or nests deeper than the limit."""
    if depth > _RECURSION_DEPTH:
        return False
    if type(value) is dict:
        if "@context" in value:
            found.append((trail, value["@context"]))
        children: Iterable[tuple[object, object]] = value.items()
    else:
        children = enumerate(value)
    for key, item in children:
        kind = type(item)
        if kind is str:
            continue
        if kind is list:
            for element in cast(list[object], item):  # strings only (types, URLs): no call
                if type(element) is not str:
                    break
            else:
                continue
        if kind is dict or kind is list:
            if not _find_contexts(item, (trail, key), found, depth + 1):
                return False
        elif not isinstance(item, SCALARS) and isinstance(item, Mapping | list):
            return False
    return True


def _trail_pointer(trail: _Trail) -> str:
    parts: list[str] = []
    while trail:
        trail, key = trail
        parts.append(_segment(key))
    return "".join(reversed(parts))


def _contexts_iteratively(document: Mapping[str, Any]) -> Iterator[tuple[str, object]]:
    """:func:`_contexts` for any mapping and any depth, without recursion."""
    places: list[tuple[int, object]] = []  # (index of the parent, key) per container
    stack: list[tuple[Any, int, object]] = [(document, -1, None)]
    while stack:
        value, parent, key = stack.pop()
        here = len(places)
        places.append((parent, key))
        if isinstance(value, Mapping):
            if "@context" in value:
                yield _pointer(places, here) + "/@context", value["@context"]
            items = list(value.items())
        else:  # a list
            items = list(enumerate(value))
        stack.extend(
            (item, here, name)
            for name, item in reversed(items)
            if not isinstance(item, SCALARS) and isinstance(item, Mapping | list)
        )


def _pointer(places: list[tuple[int, object]], index: int) -> str:
    """The JSON pointer of container ``index`` of :func:`_contexts`' walk."""
    parts: list[str] = []
    while index > 0:
        index, key = places[index]
        parts.append(_segment(key))
    return "".join(reversed(parts))


Contexts = Sequence[tuple[str, object]]
"""Each ``@context`` of a document with its JSON pointer, the top one first."""


def contexts(document: Mapping[str, Any]) -> list[tuple[str, object]]:
    """Each ``@context`` of ``document`` with its pointer (the top one first): what
    :func:`check_contexts` and :func:`check_inline_contexts` read; a caller running both
    reads them once and hands them to each."""
    return list(_contexts(document))


def check_inline_contexts(document: Mapping[str, Any], found: Contexts | None = None) -> None:
    """Refuse a context object anywhere in the document (scoped ones inside it included)
    that sets ``@vocab`` or ``@base``. ``found``: :func:`contexts` of this document."""
    for path, context in _contexts(document) if found is None else found:
        if _only_urls(context):  # most documents: nothing to walk
            continue
        for inner_path, value in _walk(context):
            if not isinstance(value, Mapping):
                continue
            for keyword in UNSAFE_KEYWORDS:
                if keyword in value:
                    raise UnsafeContextError(
                        f"the @context at {path}{inner_path} sets {keyword} "
                        f"({str(value[keyword])[:100]!r}): {_WHY[keyword]}"
                    )


def _only_urls(context: object) -> bool:
    """A context that is a string, or a list of strings only (no object to look into)."""
    if type(context) is str:
        return True
    if type(context) is not list:
        return False
    for item in context:  # noqa: SIM110 - a loop: all() over a generator is slower
        if type(item) is not str:
            return False
    return True


def check_contexts(
    document: Mapping[str, Any], loader: SealedLoader | None = None, found: Contexts | None = None
) -> None:
    """Process every ``@context`` of the document (JSON-LD 1.1 API § 4.1), nested ones on top
    of the document's own: a protected term redefined, an invalid definition or an unknown
    context raises as :mod:`vckit.jsonld.failures` translates it. ``found``: :func:`contexts`
    of this document."""
    loader = loader or default_loader()
    processor = loader.processor()
    options = _options(loader)
    found = list(_contexts(document)) if found is None else list(found)
    if not found:
        return
    with loader.lock, pyld_errors("JSON-LD context processing"):
        active = processor._get_initial_context(options)
        if "@context" in document:
            active = processor.process_context(active, document["@context"], options)
            found = found[1:]
        for _path, context in found:
            processor.process_context(active, context, options)


def _within_bounds(document: Mapping[str, Any], max_objects: int) -> bool:
    """:func:`check_bounds`'s test alone, without building pointers: True if it would pass."""
    plain = _plain_within_bounds(document, max_objects)
    if plain is not None:
        return plain
    objects = 0
    stack: list[object] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            objects += 1
            if "@graph" in value or objects > max_objects:
                return False
            stack.extend(v for v in value.values() if _nests(v))
        elif isinstance(value, list):
            stack.extend(v for v in value if _nests(v))
    return True


def _plain_within_bounds(document: Mapping[str, Any], max_objects: int) -> bool | None:
    """:func:`_within_bounds` for plain parsed JSON, by exact types (the common case);
    None when something else (another Mapping, a tuple) is met: the general walk decides."""
    if type(document) is not dict:
        return None
    objects = 0
    stack: list[Any] = [document]
    scalars = _JSON_SCALARS
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind in scalars:
            continue
        if kind is dict:
            objects += 1
            if "@graph" in value or objects > max_objects:
                return False
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        else:
            return None
    return True


def check_bounds(document: Mapping[str, Any], max_objects: int = MAX_OBJECTS) -> None:
    """At most ``max_objects`` JSON objects, and no ``@graph``."""
    if _within_bounds(document, max_objects):
        return
    objects = 0
    for path, value in _walk(document):
        if not isinstance(value, Mapping):
            continue
        if "@graph" in value:
            raise GraphTooLargeError(
                f"{path or '/'} holds an @graph: a credential to sign is one node tree, not a graph"
            )
        objects += 1
        if objects > max_objects:
            raise GraphTooLargeError(
                f"the document holds more than {max_objects} JSON objects: too large to sign"
            )


def check_signable(document: Mapping[str, Any], loader: SealedLoader | None = None) -> None:
    """All three rules, cheapest first: what an issuer checks before it signs. The
    document's contexts are found once (:func:`contexts`) and handed to both context rules."""
    check_bounds(document)
    found = contexts(document)
    check_inline_contexts(document, found)
    check_contexts(document, loader, found)
