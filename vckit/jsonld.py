"""JSON-LD over a sealed set of contexts: expand strictly, canonicalize with RDFC-1.0.

- **Sealed loader.** :class:`SealedLoader` serves only the contexts in ``contexts/index.json``
  (plus any ``extra`` passed in); every other URL is :class:`UnknownContextError`, never a fetch.
- **Nothing vanishes.** pyld (like every JSON-LD processor) silently drops a property whose
  term no context defines (JSON-LD 1.1 API § 13.9 IRI Expansion, § 19.3 Expansion step 13.2).
  :func:`expand` refuses such documents (:class:`UndefinedTermError`, with the term and a JSON
  pointer) and any ``@id``/``@type`` that is not an absolute IRI (:class:`RelativeIriError`);
  no base IRI is used. This matches Digital Bazaar's ``jsonld.js`` "safe mode", which its Data
  Integrity libraries use. Both the VC 1.1 and the VC 2.0 base contexts are refused an undefined
  term. A context with ``@vocab`` defines every term by design: VC Data Model 2.0 § 5.2 offers
  ``https://www.w3.org/ns/credentials/undefined-terms/v2`` (``@vocab`` ``.../undefined-term#``)
  for issuers that want that; a document that lists it keeps its unknown terms. That is the
  spec, not a hole. (Drafts of the v2 context carried ``@vocab`` ``.../issuer-dependent#``
  themselves; the sealed final one does not.)
- **Exact canonical form.** :func:`canonicalize` turns the expanded document into RDF
  (JSON-LD 1.1 API § 8 Deserialize JSON-LD to RDF, pyld) and canonicalizes it with
  :mod:`vckit.rdfc10` (RDFC-1.0, bounded work, canonical N-Quads escaping as Digital Bazaar's
  ``rdf-canonize`` writes it).

Speed: processed contexts are cached per loader (pyld's resolved-context cache, held by the
loader rather than pyld's process-wide one, so loaders with different ``extra`` never mix).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

from vckit import rdfc10
from vckit.errors import JsonLdError, RelativeIriError, UndefinedTermError, UnknownContextError

K = TypeVar("K")
V = TypeVar("V")

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:\S*$")
"""Absolute IRI as pyld tests it before writing RDF (anything else it silently skips)."""


def contexts_dir() -> Path:
    """The sealed contexts: ``vckit/_contexts`` in a wheel, else the repo's ``contexts/``."""
    installed = Path(__file__).parent / "_contexts"
    if (installed / "index.json").is_file():
        return installed
    return Path(__file__).resolve().parents[1] / "contexts"


@functools.cache
def _sealed_documents() -> Mapping[str, Any]:
    """Parse ``index.json`` and every context it names, once per process."""
    root = contexts_dir()
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    return {
        url: json.loads((root / name).read_text(encoding="utf-8")) for url, name in index.items()
    }


class _BoundedCache(dict[K, V]):
    """A dict that empties itself when full (documents' inline contexts must not pile up)."""

    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries

    def __setitem__(self, key: K, value: V) -> None:
        if len(self) >= self.max_entries:
            self.clear()
        super().__setitem__(key, value)


class SealedLoader:
    """A pyld document loader that serves only the sealed contexts (and ``extra``)."""

    def __init__(self, extra: Mapping[str, dict[str, Any]] | None = None) -> None:
        self._documents: dict[str, Any] = {**_sealed_documents(), **(extra or {})}
        # pyld's resolved/processed-context cache, owned by this loader (see module docstring).
        self._context_cache: _BoundedCache[str, Any] = _BoundedCache(512)
        self._processed: _BoundedCache[tuple[Any, ...], tuple[Any, Any, Any]] = _BoundedCache(1024)
        self.lock = threading.RLock()  # the caches above are not thread-safe

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        document = self._documents.get(url)
        if document is None:
            raise UnknownContextError(
                f"unknown JSON-LD context {url!r}: not in the sealed set (contexts/index.json); "
                "contexts are never fetched"
            )
        # "static": pyld keeps the resolved (and processed) context in the resolver's cache.
        return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}

    @functools.cached_property
    def sealed_objects(self) -> frozenset[int]:
        """Identities of every object inside the served contexts (scoped contexts among them)."""
        found: set[int] = set()
        stack: list[Any] = list(self._documents.values())
        while stack:
            value = stack.pop()
            if isinstance(value, dict | list):
                found.add(id(value))
                stack.extend(value.values() if isinstance(value, dict) else value)
        return frozenset(found)

    def urls(self) -> frozenset[str]:
        """The context URLs this loader serves."""
        return frozenset(self._documents)

    def context_resolver(self) -> ContextResolver:
        """A pyld context resolver sharing this loader's processed-context cache."""
        return ContextResolver(self._context_cache, self)


@functools.cache
def default_loader() -> SealedLoader:
    """The loader over ``contexts/`` alone (cached: it also caches processed contexts)."""
    return SealedLoader()


class _StrictProcessor(pyld_jsonld.JsonLdProcessor):  # type: ignore[misc]
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

    def __init__(self, loader: SealedLoader) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self._objects: list[tuple[Any, Mapping[str, Any]]] = []
        self._memo = loader._processed
        self._sealed_objects = loader.sealed_objects

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
        local_key = self._memo_key(local_ctx)
        if local_key is None or cycles is not None:
            return super()._process_context(
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
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped
        )
        self._memo[key] = (active_ctx, local_ctx, result)
        return result

    def _memo_key(self, local_ctx: Any) -> Any:
        """URLs by value, sealed context objects by identity; None for a document's own context."""
        if isinstance(local_ctx, str):
            return local_ctx
        if isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
            return tuple(local_ctx)
        if id(local_ctx) in self._sealed_objects:
            return id(local_ctx)
        return None

    def _expand_object(self, active_ctx: Any, active_property: Any, *args: Any, **kw: Any) -> Any:
        self._objects.append((active_ctx, args[1]))
        try:
            return super()._expand_object(active_ctx, active_property, *args, **kw)
        finally:
            self._objects.pop()

    def _dropped(self, expanded: str | None) -> None:
        active_ctx, element = self._objects[-1]
        for key in element:
            if key == "@context":
                continue
            iri = self._expand_iri(active_ctx, key, vocab=True)
            if iri is None or not (_ABSOLUTE_IRI.match(iri) or iri.startswith("@")):
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


def _options(loader: SealedLoader) -> dict[str, Any]:
    return {
        "documentLoader": loader,
        "contextResolver": loader.context_resolver(),
        "base": None,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


def _expand_with(
    processor: _StrictProcessor, document: Mapping[str, Any], loader: SealedLoader
) -> list[dict[str, Any]]:
    """JSON-LD 1.1 API § 5.1 Expansion, refusing dropped terms and non-absolute ids/types."""
    try:
        expanded: list[dict[str, Any]] = processor.expand(dict(document), _options(loader))
    except _Dropped as dropped:
        pointer = _pointer_to(document, dropped.element, dropped.key)
        raise UndefinedTermError(
            f"term {dropped.key!r} at {pointer} is not defined by any context "
            "and would be dropped by JSON-LD expansion"
        ) from None
    except pyld_jsonld.JsonLdError as error:
        raise _translate(error) from error
    _check_absolute(expanded, "")
    return expanded


def _translate(error: Exception) -> JsonLdError:
    """Surface our own errors raised inside pyld (it wraps them), else a JsonLdError."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, JsonLdError):
            return cause
        cause = cause.__cause__
    return JsonLdError(f"JSON-LD processing failed: {error}")


def _segment(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


def _check_absolute(value: Any, path: str) -> None:
    """Refuse ``@id`` and ``@type`` values that RDF conversion would silently skip.

    ``path`` is a JSON pointer into the *expanded* document (property IRIs as keys).
    """
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_absolute(item, f"{path}/{i}")
        return
    if not isinstance(value, dict):
        return
    is_value = "@value" in value
    for key, item in value.items():
        if key == "@id" or (key == "@type" and not is_value):
            for iri in item if isinstance(item, list) else [item]:
                if not (
                    isinstance(iri, str) and (iri.startswith("_:") or _ABSOLUTE_IRI.match(iri))
                ):
                    raise RelativeIriError(
                        f"{key} value {iri!r} is not an absolute IRI "
                        f"(expanded document, at {path}{_segment(key)})"
                    )
        elif key == "@type" and item != "@json" and not _ABSOLUTE_IRI.match(item):
            raise RelativeIriError(
                f"datatype {item!r} is not an absolute IRI (expanded document, at {path}/@type)"
            )
        elif not key.startswith("@") or key in ("@graph", "@list", "@set", "@reverse", "@included"):
            _check_absolute(item, path + _segment(key))


def expand(document: Mapping[str, Any], loader: SealedLoader | None = None) -> list[dict[str, Any]]:
    """Expand ``document`` with the sealed contexts; nothing may be dropped or left relative."""
    loader = loader or default_loader()
    with loader.lock:
        return _expand_with(_StrictProcessor(loader), document, loader)


def _term(component: Mapping[str, Any]) -> str:
    """One pyld RDF term as canonical N-Quads text."""
    kind = component["type"]
    if kind == "IRI":
        return f"<{component['value']}>"
    if kind == "blank node":
        return str(component["value"])
    return rdfc10.literal_term(
        component["value"], component.get("datatype"), component.get("language")
    )


def to_quads(document: Mapping[str, Any], loader: SealedLoader | None = None) -> list[rdfc10.Quad]:
    """JSON-LD 1.1 API § 8.1 Deserialize JSON-LD to RDF, after the strict :func:`expand`."""
    loader = loader or default_loader()
    processor = _StrictProcessor(loader)
    with loader.lock:
        expanded = _expand_with(processor, document, loader)
    issuer = pyld_jsonld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": "json-ld-1.1",
    }
    quads: list[rdfc10.Quad] = []
    for graph_name, graph in sorted(node_map.items()):
        if graph_name == "@default":
            graph_term = ""
        elif graph_name.startswith("_:") or _ABSOLUTE_IRI.match(graph_name):
            graph_term = graph_name if graph_name.startswith("_:") else f"<{graph_name}>"
        else:
            raise RelativeIriError(f"graph name {graph_name!r} is not an absolute IRI")
        for triple in processor._graph_to_rdf(graph, issuer, options):
            quads.append(
                (
                    _term(triple["subject"]),
                    _term(triple["predicate"]),
                    _term(triple["object"]),
                    graph_term,
                )
            )
    return quads


def canonicalize(
    document: Mapping[str, Any],
    loader: SealedLoader | None = None,
    *,
    hash_name: rdfc10.HashName = "sha256",
    max_work: int = rdfc10.DEFAULT_MAX_WORK,
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (sorted lines, each ending in LF).

    ``hash_name="sha384"`` is for ecdsa-rdfc-2019 with P-384; ``max_work`` bounds the
    blank-node labelling (:class:`~vckit.errors.CanonicalizationLimitError` past it).
    """
    quads = to_quads(document, loader)
    return "".join(rdfc10.canonical_lines(quads, max_work=max_work, hash_name=hash_name))


def canonicalize_nquads(
    nquads: str,
    *,
    hash_name: rdfc10.HashName = "sha256",
    max_work: int = rdfc10.DEFAULT_MAX_WORK,
) -> str:
    """RDFC-1.0 canonical N-Quads of an N-Quads dataset (RDF 1.1 N-Quads syntax)."""
    quads = rdfc10.parse_nquads(nquads)
    return "".join(rdfc10.canonical_lines(quads, max_work=max_work, hash_name=hash_name))
