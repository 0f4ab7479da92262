"""Strict JSON-LD expansion on pyld: nothing may vanish, every id and type is absolute.

JSON-LD processors silently drop a property whose term no context defines (JSON-LD 1.1 API
§ 19.3 Expansion Algorithm step 13.2; § 13.9 IRI Expansion) and an RDF conversion silently
skips triples whose subject, predicate, object or type is not an absolute IRI (§ 8.2 Object
to RDF). For a signed credential both mean "signed data that nobody sees". This module makes
them errors, like Digital Bazaar's ``jsonld.js`` "safe mode" that its Data Integrity
libraries use:

- pyld 3.3's ``on_property_dropped`` hook raises; the key and a JSON pointer into the input
  are found from the object being expanded (:class:`StrictProcessor` remembers it);
- :func:`check_absolute` walks the expanded document for ``@id``/``@type``/datatype values.

Protected terms (JSON-LD 1.1 § 4.1.11): a context may not redefine a protected term unless
the new definition is identical. pyld refuses that for terms protected in the active context
(:class:`~vckit.errors.ProtectedTermError` here, naming the term). VC 2.0 and OB 3.0 protect
most of their terms inside *type-scoped* contexts (``VerifiableCredential``'s carries
``credentialSubject``, ``issuer``, ``proof``, ...): a context written into the document sees
them undefined, so JSON-LD alone lets ``{"credentialSubject": {"@id": "https://x"}}`` through,
and the redefinition takes hold wherever the type-scoped context does not reach. A context
written into the document (not a sealed one, not a property-scoped override) is therefore also
checked against every protected definition in the scoped contexts of the sealed contexts in use:
a different definition is a :class:`~vckit.errors.ProtectedTermError` too.

:class:`StrictProcessor` also memoizes processed contexts (see its docstring). It overrides
pyld private methods (``_process_context``, ``_create_term_definition``, ``_expand_object``),
so pyld is pinned to 3.3.x. Every failure of pyld is translated once
(:mod:`vckit.jsonld.failures`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pyld import jsonld as pyld_jsonld

from vckit.document import check_object_depth, json_copy
from vckit.errors import (
    JsonLdSyntaxError,
    ProtectedTermError,
    RelativeIriError,
    UndefinedTermError,
)
from vckit.jsonld.failures import pyld_errors

ProtectedScopes = Mapping[str, Mapping[str, tuple[Mapping[str, Any], ...]]]
"""Context URL -> term -> the sealed scoped contexts in which that term is protected."""

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:\S*$")
"""Absolute IRI as pyld tests it before writing RDF (anything else it silently skips)."""


class StrictProcessor(pyld_jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor that names dropped terms and memoizes processed contexts.

    Memo: pyld re-processes a type-scoped context every time a node of that type is met
    (its per-context cache is keyed by a fresh active-context id), which was most of the time
    of a canonicalization. Here the result of ``_process_context`` is kept per loader, keyed by
    the identity of the active context (kept alive in the entry, so the identity cannot be
    reused) and by the local context: context URLs by value, scoped contexts by the identity of
    the sealed object they are (the loader holds them for its lifetime). Contexts written inside
    a document are not memoized. Sealed contexts are never mutated (a test checks), so a hit
    is exact.
    """

    def __init__(
        self,
        memo: dict[tuple[Any, ...], tuple[Any, Any, Any]],
        sealed_objects: frozenset[int],
        protected_scopes: ProtectedScopes | None = None,
        iris: dict[tuple[int, str, Any, Any], tuple[Any, Any]] | None = None,
    ) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self._objects: list[tuple[Any, Mapping[str, Any]]] = []
        self._memo = memo
        self._sealed_objects = sealed_objects
        self._protected_scopes: ProtectedScopes = protected_scopes or {}
        self._urls: set[str] = set()
        self._iris: dict[tuple[int, str, Any, Any], tuple[Any, Any]] = {} if iris is None else iris
        self._processing = 0

    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        """pyld's ``expand`` (JSON-LD 1.1 API § 5.1) for an in-memory document: the same
        steps, but the document is copied with :func:`vckit.document.json_copy` instead of
        ``copy.deepcopy`` (a tenth of a signature's time). Anything else goes to pyld."""
        if not isinstance(input_, dict) or "expandContext" in options:
            return super().expand(input_, options)
        options = {"isFrame": False, "keepFreeFloatingNodes": False, **options}
        active_ctx = self._get_initial_context(options)
        expanded = self._expand(active_ctx, None, json_copy(input_), options, inside_list=False)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return pyld_jsonld.JsonLdProcessor.arrayify(expanded)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        self._note_urls(local_ctx)
        local_key = self._memo_key(local_ctx)
        if local_key is None and not override_protected:
            self._check_scoped_protection(active_ctx, local_ctx, options)
        if local_key is None or cycles is not None:
            return self._processed(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        key = (id(active_ctx), local_key, override_protected, propagate, validate_scoped)
        entry = self._memo.get(key)
        if entry is not None and entry[0] is active_ctx:
            return entry[2]
        result = self._processed(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped
        )
        self._memo[key] = (active_ctx, local_ctx, result)
        return result

    def _note_urls(self, local_ctx: Any) -> None:
        """Remember the context URLs this expansion uses (their scoped contexts matter)."""
        for item in local_ctx if isinstance(local_ctx, list) else [local_ctx]:
            if isinstance(item, str):
                self._urls.add(item)

    def _check_scoped_protection(self, active_ctx: Any, local_ctx: Any, options: Any) -> None:
        """A document's own context against the protected terms of sealed scoped contexts.

        For each context object in ``local_ctx`` that defines a term some sealed scoped
        context in use protects: apply that scoped context to the active context as it is
        just before the object, then the object itself; pyld's own comparison
        (:meth:`_create_term_definition`) refuses a definition that is not identical.
        """
        items = local_ctx if isinstance(local_ctx, list) else [local_ctx]
        for position, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            scopes = self._scopes_protecting(item)
            if not scopes:
                continue
            before = (
                self._process_context(active_ctx, items[:position], options)
                if position
                else active_ctx
            )
            for scope in scopes:
                scoped = super()._process_context(before, scope, options, override_protected=True)
                super()._process_context(scoped, item, options)

    def _scopes_protecting(self, context: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        found: dict[int, Mapping[str, Any]] = {}
        for url in sorted(self._urls):
            terms = self._protected_scopes.get(url, {})
            for term in context:
                for scope in terms.get(term, ()):
                    found.setdefault(id(scope), scope)
        return list(found.values())

    def _create_term_definition(
        self, active_ctx: Any, local_ctx: Any, term: Any, *args: Any, **kw: Any
    ) -> Any:
        """pyld's § 4.2 Create Term Definition; a protected redefinition names its term.

        ``@protected`` itself is not a term: pyld 3.3 reads it before the loop over the
        context's keys, then, for ``"@protected": false``, takes the key for a cyclic
        definition (§ 4.1 Context Processing step 5.11 allows ``false``).
        """
        if term == "@protected" and isinstance(local_ctx, Mapping):
            if not isinstance(local_ctx.get(term), bool):
                raise JsonLdSyntaxError(
                    "@protected must be true or false (JSON-LD 1.1 API § 4.1)",
                    "invalid @protected value",
                )
            return None
        try:
            return super()._create_term_definition(active_ctx, local_ctx, term, *args, **kw)
        except pyld_jsonld.JsonLdError as error:
            if error.code != "protected term redefinition":
                raise
            raise ProtectedTermError(
                f"the @context redefines the protected term {term!r} (JSON-LD 1.1 § 4.1.11: "
                "a protected term may only be redefined identically)",
                term=str(term),
            ) from None

    def _processed(self, *args: Any) -> Any:
        """pyld's context processing; IRIs expanded meanwhile are not memoized (see below)."""
        self._processing += 1
        try:
            return super()._process_context(*args)
        finally:
            self._processing -= 1

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        """pyld's IRI expansion (§ 4.2 IRI Expansion), memoized.

        Outside context processing an active context is finished: pyld never changes one
        after ``_process_context`` returns it (it clones before defining terms, and caches
        processed contexts on that premise). So the result depends only on the context
        and the arguments. The memo is the loader's (shared by its expansions, bounded, like
        its memo of processed contexts, whose active contexts are the same objects from one
        expansion to the next) and each entry holds its context, so an identity cannot be
        reused while the entry lives.
        """
        if local_ctx is not None or self._processing or type(value) is not str:
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (id(active_ctx), value, vocab, base)
        entry = self._iris.get(key)
        if entry is not None and entry[0] is active_ctx:
            return entry[1]
        result = super()._expand_iri(active_ctx, value, base, vocab)
        self._iris[key] = (active_ctx, result)
        return result

    def _expand_value(
        self, active_ctx: Any, active_property: Any, value: Any, options: dict[str, Any]
    ) -> Any:
        """pyld's Value Expansion (§ 5.3.2) for the common case, a literal: what depends on
        the context and the property alone (the property's IRI, its ``@type``, ``@language``
        and ``@direction``) is looked up once per context and property (memoized as
        :meth:`_expand_iri` is) and only the value is new. ``@id``/``@vocab``-typed values,
        keywords and anything met during context processing go to pyld."""
        if (
            not isinstance(value, str | int | float)  # JSON's literals (bool is an int)
            or self._processing
            or type(active_property) is not str
        ):
            return super()._expand_value(active_ctx, active_property, value, options)
        key = (id(active_ctx), active_property, "@value", None)
        entry = self._iris.get(key)
        if entry is None or entry[0] is not active_ctx:
            entry = (active_ctx, self._value_plan(active_ctx, active_property))
            self._iris[key] = entry
        plan = entry[1]
        if plan is None:
            return super()._expand_value(active_ctx, active_property, value, options)
        type_, language, direction = plan
        result: dict[str, Any] = {}
        if type_ is not None:
            result["@type"] = type_
        elif isinstance(value, str):
            if language is not None:
                result["@language"] = language
            if direction is not None:
                result["@direction"] = direction
        result["@value"] = value
        return result

    def _value_plan(self, active_ctx: Any, active_property: str) -> tuple[Any, Any, Any] | None:
        """``(@type, @language, @direction)`` for a literal of ``active_property`` (the
        ``@type`` None when it is ``@none``), or None when pyld must expand each value itself
        (the property is ``@id``, ``@type``, ``@graph`` or another keyword; ``@id`` or
        ``@vocab`` coercion)."""
        expanded_property = self._expand_iri(active_ctx, active_property, vocab=True)
        if not isinstance(expanded_property, str) or expanded_property.startswith("@"):
            return None
        get = pyld_jsonld.JsonLdProcessor.get_context_value
        type_ = get(active_ctx, active_property, "@type")
        if type_ in ("@id", "@vocab"):
            return None
        language = get(active_ctx, active_property, "@language")
        direction = get(active_ctx, active_property, "@direction")
        return (None if type_ == "@none" else type_), language, direction

    def _memo_key(self, local_ctx: Any) -> Any:
        """URLs by value, sealed context objects by identity; None for a document's own context."""
        if isinstance(local_ctx, str):
            return local_ctx
        if isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
            return tuple(local_ctx)
        if id(local_ctx) in self._sealed_objects:
            return id(local_ctx)
        return None

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Mapping[str, Any],
        *args: Any,
        **kw: Any,
    ) -> Any:
        """pyld's step over one object's keys; the object is remembered for :meth:`_dropped`."""
        self._objects.append((active_ctx, element))
        try:
            return super()._expand_object(
                active_ctx, active_property, expanded_active_property, element, *args, **kw
            )
        finally:
            self._objects.pop()

    def _dropped(self, expanded: str | None) -> None:
        active_ctx, element = self._objects[-1]
        for key in sorted(element):  # pyld walks keys in this order; name the first it dropped
            if key == "@context":
                continue
            iri = self._expand_iri(active_ctx, key, vocab=True)
            if iri is None or not (ABSOLUTE_IRI.match(iri) or iri.startswith("@")):
                raise _Dropped(key, element)
        raise _Dropped(str(expanded), element)


class _Dropped(Exception):
    def __init__(self, key: str, element: Mapping[str, Any]) -> None:
        super().__init__(key)
        self.key = key
        self.element = element


def _pointer_to(document: Any, element: Mapping[str, Any], key: str) -> str:
    """JSON pointer of the first object equal to ``element`` (pyld works on a deep copy)."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            if value == element:
                return path + _segment(key)
            stack.extend(reversed([(path + _segment(k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}/{i}", v) for i, v in enumerate(value)]))
    return _segment(key)


def strict_expand(
    processor: StrictProcessor, document: Mapping[str, Any], options: dict[str, Any]
) -> list[dict[str, Any]]:
    """JSON-LD 1.1 API § 5.1 Expansion, refusing dropped terms and non-absolute ids/types.

    The nesting limit of :mod:`vckit.document` applies first: pyld recurses per level.
    """
    check_object_depth(document)
    try:
        with pyld_errors("JSON-LD expansion"):
            expanded: list[dict[str, Any]] = processor.expand(dict(document), options)
    except _Dropped as dropped:
        pointer = _pointer_to(document, dropped.element, dropped.key)
        raise UndefinedTermError(
            f"term {dropped.key!r} at {pointer} is not defined by any context "
            "and would be dropped by JSON-LD expansion"
        ) from None
    check_absolute(expanded, "")
    return expanded


def _segment(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


_NESTED = frozenset(("@graph", "@list", "@set", "@reverse", "@included"))


def check_absolute(value: Any, path: str) -> None:
    """Refuse ``@id`` and ``@type`` values that RDF conversion would silently skip.

    ``path`` is a JSON pointer into the *expanded* document (property IRIs as keys). The
    document is first checked without building pointers; they are only needed for the error.
    """
    if not _all_absolute(value):
        _check_absolute_at(value, path)


def _all_absolute(value: Any) -> bool:
    """:func:`check_absolute`'s test alone: True only if it would not raise."""
    if isinstance(value, list):
        return all(map(_all_absolute, value))
    if not isinstance(value, dict):
        return True
    is_value = "@value" in value
    for key, item in value.items():
        if key == "@id" or (key == "@type" and not is_value):
            for iri in item if isinstance(item, list) else (item,):
                if not (isinstance(iri, str) and (iri.startswith("_:") or ABSOLUTE_IRI.match(iri))):
                    return False
        elif key == "@type":
            if item != "@json" and not (isinstance(item, str) and ABSOLUTE_IRI.match(item)):
                return False
        elif (not key.startswith("@") or key in _NESTED) and not _all_absolute(item):
            return False
    return True


def _check_absolute_at(value: Any, path: str) -> None:
    """The walk that names the JSON pointer of the first non-absolute IRI."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_absolute_at(item, f"{path}/{i}")
        return
    if not isinstance(value, dict):
        return
    is_value = "@value" in value
    for key, item in value.items():
        if key == "@id" or (key == "@type" and not is_value):
            for iri in item if isinstance(item, list) else [item]:
                if not (isinstance(iri, str) and (iri.startswith("_:") or ABSOLUTE_IRI.match(iri))):
                    raise RelativeIriError(
                        f"{key} value {iri!r} is not an absolute IRI "
                        f"(expanded document, at {path}{_segment(key)})"
                    )
        elif key == "@type" and item != "@json" and not ABSOLUTE_IRI.match(item):
            raise RelativeIriError(
                f"datatype {item!r} is not an absolute IRI (expanded document, at {path}/@type)"
            )
        elif not key.startswith("@") or key in _NESTED:
            _check_absolute_at(item, path + _segment(key))
