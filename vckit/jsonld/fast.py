"""A faster JSON-LD expansion for the documents vckit signs most: sealed contexts by URL only.

Most of a Data Integrity verification was pyld's expansion walk (JSON-LD 1.1 API § 5.1.2
Expansion Algorithm), generic code for every feature of JSON-LD, run for every node of every
credential. :func:`fast_expand` walks the same steps for the subset an OB 3.0 / VC 2.0
credential uses and gives exactly the expanded form :func:`vckit.jsonld.strict.strict_expand`
gives, with the checks of that strict path (no term dropped, every ``@id``, ``@type`` and
datatype absolute). It returns ``None`` -- "not mine, take the strict path" -- for anything
else; it never guesses:

- every ``@context`` in the document is a URL (or a list of URLs) the loader serves; an
  inline context object, an unknown URL or ``null`` is the strict path's;
- keys expand to ``@id``, ``@type`` (once per object) or an absolute IRI property; any other
  keyword (``@value``, ``@graph``, ``@nest``, ``@reverse``, ``@included``, ``@list``, ...), a
  key that would be dropped, a reverse property, an ``@json`` literal, and containers other than
  ``@set``, ``@list`` and ``@graph`` are refused;
- values are JSON: objects, arrays of non-arrays, strings, numbers, booleans; ``null``, an
  empty ``@type``, a non-string ``@id``, an object with only an ``@id`` at the top, a relative
  ``@id``/``@type``/datatype and nesting deeper than :data:`MAX_NODE_DEPTH` are refused.

Context processing, IRI expansion and value expansion are pyld's own (through
:class:`~vckit.jsonld.strict.StrictProcessor`, with its memo of processed contexts), called
with the same arguments in the same order as pyld's walk; only the walk is ours. What depends
on an active context and a key alone (the key's IRI, its container, its scoped context) is
worked out once per loader and context and kept in ``memo`` (keyed by the context's identity,
holding the context, as the strict processor's memos do). ``tests/vckit/jsonld/test_fast.py``
compares both paths on every vector, every sample and generated OB 3.0 credentials.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from typing import Any

from pyld import jsonld as pyld_jsonld

from vckit.jsonld.strict import ABSOLUTE_IRI, StrictProcessor

MAX_NODE_DEPTH = 30
"""Deeper node objects go to the strict path (which applies the document depth limit)."""

Memo = MutableMapping[tuple[Any, ...], tuple[Any, Any]]
"""(tag, id(active context), ...) -> (that active context, what was worked out)."""

_get = pyld_jsonld.JsonLdProcessor.get_context_value
_PYLD_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")  # pyld's _is_absolute_iri
_ID, _TYPE, _PROPERTY = 0, 1, 2
_PLAIN, _LIST, _GRAPH = 0, 1, 2
_CONTAINERS = {
    frozenset(): _PLAIN,
    frozenset({"@set"}): _PLAIN,
    frozenset({"@list"}): _LIST,
    frozenset({"@graph"}): _GRAPH,
    frozenset({"@graph", "@set"}): _GRAPH,
}


class _Refused(Exception):
    """The document uses something the fast walk does not do: the strict path takes it."""


def _resource(iri: object) -> bool:
    """An ``@id``/``@type`` value that :func:`vckit.jsonld.strict.check_absolute` accepts."""
    return isinstance(iri, str) and (iri.startswith("_:") or _absolute(iri))


@lru_cache(maxsize=2048)
def _absolute(iri: str) -> bool:
    """``iri`` matches :data:`ABSOLUTE_IRI`; remembered per string, as a batch repeats the
    same IRIs (a ``data:`` image of kilobytes among them) in every credential."""
    return ABSOLUTE_IRI.match(iri) is not None


class _Plans:
    """What was worked out under one active context, per key (bounded: a document chooses
    its keys, and each new one is kept)."""

    MAX_KEYS = 256

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.vocab: dict[str, Any] = {}
        self.types: dict[str, str] = {}
        self.keys: dict[str, tuple[int, str, Any, int]] = {}
        self.literals: dict[str, tuple[Any, Any, Any] | None] = {}

    def keep(self, table: dict[str, Any], key: str, value: Any) -> None:
        if len(table) >= self.MAX_KEYS:
            table.clear()
        table[key] = value


class _Walk:
    """One expansion: the processor, its options, the loader's URLs and memo."""

    def __init__(
        self,
        processor: StrictProcessor,
        options: dict[str, Any],
        urls: frozenset[str],
        memo: Memo,
    ) -> None:
        self.processor = processor
        self.options = options
        self.base = options.get("base", "")
        self.urls = urls
        self.memo = memo

    # -- what depends on the active context alone (memoized) ---------------------------

    def plans(self, ctx: Any) -> _Plans:
        """The loader's plans for ``ctx`` (kept while ``ctx`` is: the entry holds it)."""
        memo_key = ("plans", id(ctx))
        entry = self.memo.get(memo_key)
        if entry is not None and entry[0] is ctx:
            plans: _Plans = entry[1]
            return plans
        plans = _Plans(ctx)
        self.memo[memo_key] = (ctx, plans)
        return plans

    def vocab_iri(self, plans: _Plans, key: str) -> Any:
        """IRI expansion with ``vocab`` true (§ 5.2.2), as pyld's walk calls it."""
        if key in plans.vocab:
            return plans.vocab[key]
        iri = self.processor._expand_iri(plans.ctx, key, vocab=True)
        plans.keep(plans.vocab, key, iri)
        return iri

    def type_iri(self, plans: _Plans, value: str) -> str:
        """A ``@type`` value (§ 5.1.2 step 13.4.4.4), absolute or refused."""
        iri = plans.types.get(value)
        if iri is not None:
            return iri
        found = self.processor._expand_iri(plans.ctx, value, vocab=True, base=self.base)
        if not _resource(found):
            raise _Refused
        plans.keep(plans.types, value, found)
        return str(found)

    def key_plan(self, plans: _Plans, key: str) -> tuple[int, str, Any, int]:
        """What a key of a node object is: ``(kind, IRI, term context, container)``
        (§ 5.1.2 steps 13.2-13.4, 13.7-13.9)."""
        plan = plans.keys.get(key)
        if plan is None:
            plan = self._key_plan(plans, key)
            plans.keep(plans.keys, key, plan)
        return plan

    def _key_plan(self, plans: _Plans, key: str) -> tuple[int, str, Any, int]:
        ctx = plans.ctx
        iri = self.vocab_iri(plans, key)
        if iri == "@id":
            return _ID, iri, ctx, _PLAIN
        if iri == "@type":
            return _TYPE, iri, ctx, _PLAIN
        if (
            not isinstance(iri, str)
            or ABSOLUTE_IRI.match(iri) is None
            or _PYLD_ABSOLUTE.match(iri) is None
        ):
            raise _Refused  # a keyword, or a key the strict path refuses as dropped
        if _get(ctx, key, "@type") == "@json":
            raise _Refused
        declared = _get(ctx, key, "@container")
        container = _CONTAINERS.get(
            frozenset(() if declared is None else pyld_jsonld.JsonLdProcessor.arrayify(declared))
        )
        if container is None:
            raise _Refused
        term_ctx = ctx
        scoped = _get(ctx, key, "@context")
        if scoped is not None:
            term_ctx = self.processor._process_context(
                ctx, scoped, self.options, propagate=True, override_protected=True
            )
        mapping = term_ctx["mappings"].get(key)
        if (mapping and mapping.get("reverse")) or self.vocab_iri(self.plans(term_ctx), key) != iri:
            raise _Refused  # reverse, or the key's own scoped context redefines it
        return _PROPERTY, iri, term_ctx, container

    def entry_context(self, ctx: Any, key: str, revert: bool) -> Any:
        """The context a node object under ``key`` starts from (§ 5.1.2 steps 7-8): the
        type-scoped context reverted (unless the node only references an ``@id``), then the
        key's property-scoped context."""
        memo_key = ("entry", id(ctx), key, revert)
        entry = self.memo.get(memo_key)
        if entry is not None and entry[0] is ctx:
            return entry[1]
        active = ctx.get("previousContext", ctx) if revert else ctx
        scoped = _get(ctx, key, "@context")
        if scoped is not None:
            active = self.processor._process_context(
                active, scoped, self.options, override_protected=True
            )
        self.memo[memo_key] = (ctx, active)
        return active

    def local_context(self, ctx: Any, local: Any) -> Any:
        """A node's own ``@context`` (§ 5.1.2 step 9): sealed URLs only."""
        urls = (local,) if isinstance(local, str) else local
        if type(urls) not in (tuple, list) or not urls:
            raise _Refused
        for url in urls:
            if type(url) is not str or url not in self.urls:
                raise _Refused
        memo_key = ("context", id(ctx), tuple(urls))
        entry = self.memo.get(memo_key)
        if entry is not None and entry[0] is ctx:
            return entry[1]
        active = self.processor._process_context(ctx, local, self.options)
        self.memo[memo_key] = (ctx, active)
        return active

    def typed_context(self, ctx: Any, types: tuple[str, ...]) -> Any:
        """The type-scoped contexts of a node's types, in sorted order (§ 5.1.2 step 11)."""
        memo_key = ("typed", id(ctx), types)
        entry = self.memo.get(memo_key)
        if entry is not None and entry[0] is ctx:
            return entry[1]
        active = ctx
        for type_ in sorted(types):
            scoped = _get(ctx, type_, "@context")
            if scoped is not None and scoped is not False:
                active = self.processor._process_context(
                    active, scoped, self.options, propagate=False
                )
        self.memo[memo_key] = (ctx, active)
        return active

    def literal_plan(self, plans: _Plans, key: str) -> tuple[Any, Any, Any] | None:
        """``(datatype, language, direction)`` of a literal of ``key`` (§ 5.3.2 Value
        Expansion), or None when each value goes to pyld (``@id``/``@vocab`` coercion)."""
        if key in plans.literals:
            return plans.literals[key]
        if not _datatype(self.vocab_iri(plans, key)):
            raise _Refused  # values of a keyword-like property: pyld may drop them
        plan = self.processor._value_plan(plans.ctx, key)
        if plan is not None and plan[0] is not None and not _datatype(plan[0]):
            raise _Refused
        plans.keep(plans.literals, key, plan)
        return plan

    # -- the walk ----------------------------------------------------------------------

    def coerced(self, ctx: Any, key: str, value: Any) -> dict[str, Any]:
        """A value of a property with ``@id``/``@vocab`` coercion: pyld's § 5.3.2."""
        expanded = self.processor._expand_value(ctx, key, value, self.options)
        if not isinstance(expanded, dict):
            raise _Refused
        if "@id" in expanded and not _resource(expanded["@id"]):
            raise _Refused
        if "@type" in expanded and not _datatype(expanded["@type"]):
            raise _Refused
        return expanded

    def node(
        self, ctx: Any, key: str | None, element: dict[str, Any], depth: int
    ) -> dict[str, Any]:
        """§ 5.1.2 steps 7-20 for a node object; ``ctx`` is the context ``key`` was read in."""
        if depth > MAX_NODE_DEPTH:
            raise _Refused
        active = ctx
        if key is not None:
            revert = True
            if ctx.get("previousContext") and len(element) <= 2 and "@context" not in element:
                outer = self.plans(ctx)
                for name in sorted(element):
                    iri = self.vocab_iri(outer, name)
                    if iri == "@value":
                        raise _Refused
                    if iri == "@id" and len(element) == 1:
                        revert = False
                        break
            active = self.entry_context(ctx, key, revert)
        if "@context" in element:
            active = self.local_context(active, element["@context"])
        names = sorted(element)
        type_scoped = self.plans(active)
        type_key: str | None = None
        for name in names:
            if name != "@context" and self.vocab_iri(type_scoped, name) == "@type":
                if type_key is not None:
                    raise _Refused  # two keys for @type
                type_key = name
        plans = type_scoped
        types: list[str] = []
        if type_key is not None:
            value = element[type_key]
            types = value if type(value) is list else [value]
            if not types or any(type(t) is not str for t in types):
                raise _Refused
            active = self.typed_context(active, tuple(types))
            plans = self.plans(active)
            if self.vocab_iri(plans, types[0]) == "@json":
                raise _Refused
        result: dict[str, Any] = {}
        for name in names:
            if name == "@context":
                continue
            kind, iri, term_ctx, container = self.key_plan(plans, name)
            value = element[name]
            if kind == _PROPERTY:
                term_plans = plans if term_ctx is active else self.plans(term_ctx)
                items: list[dict[str, Any]] = []
                for item in value if type(value) is list else (value,):
                    kind_of = type(item)
                    if kind_of is dict:
                        items.append(self.node(term_ctx, name, item, depth + 1))
                        continue
                    if not (
                        kind_of is str or kind_of is int or kind_of is float or kind_of is bool
                    ):
                        raise _Refused  # null, a nested array, or not JSON
                    plan = self.literal_plan(term_plans, name)
                    if plan is None:
                        items.append(self.coerced(term_ctx, name, item))
                        continue
                    datatype, language, direction = plan
                    literal: dict[str, Any] = {}
                    if datatype is not None:
                        literal["@type"] = datatype
                    elif kind_of is str:
                        if language is not None:
                            literal["@language"] = language
                        if direction is not None:
                            literal["@direction"] = direction
                    literal["@value"] = item
                    items.append(literal)
                if container == _LIST:
                    items = [{"@list": items}]
                elif container == _GRAPH:
                    items = [{"@graph": [v]} for v in items]
                found_items = result.get(iri)
                if found_items is None:
                    result[iri] = items
                else:
                    found_items.extend(items)
            elif kind == _ID:
                if "@id" in result or type(value) is not str:
                    raise _Refused
                found = self.processor._expand_iri(active, value, base=self.base)
                if not _resource(found):
                    raise _Refused
                result["@id"] = found
            elif name == type_key:
                result["@type"] = [self.type_iri(type_scoped, t) for t in types]
            else:
                raise _Refused  # an alias of @type that only a type-scoped context made
        return result


def _datatype(iri: object) -> bool:
    return isinstance(iri, str) and _absolute(iri)


def fast_expand(
    processor: StrictProcessor,
    document: Mapping[str, Any],
    options: dict[str, Any],
    urls: frozenset[str],
    memo: Memo,
) -> list[dict[str, Any]] | None:
    """The strict expansion of ``document``, or None when the strict path must do it.

    ``options`` are the ones the strict path gets (no base IRI); ``urls`` the contexts the
    loader serves; ``memo`` the loader's (see the module docstring). A failure of pyld
    inside the walk also means None: the strict path raises it with its own translation.
    """
    if type(document) is not dict:
        return None
    walk = _Walk(processor, options, urls, memo)
    try:
        initial = processor._get_initial_context(options)
        result = walk.node(initial, None, document, 0)
    except Exception:  # noqa: BLE001 - _Refused, or pyld's failure: the strict path names it
        return None
    if not result or (len(result) == 1 and "@id" in result):
        return None  # dropped as free-floating by pyld: the strict path says what it does
    return [result]
