"""JSON-LD over a sealed set of contexts: expand strictly, canonicalize with RDFC-1.0.

- **Sealed loader.** :class:`SealedLoader` serves only the contexts in ``contexts/index.json``
  (plus any ``extra`` passed in); every other URL is :class:`UnknownContextError`, never a fetch.
- **Nothing vanishes.** :func:`expand` refuses a term that no context defines
  (:class:`UndefinedTermError`, naming the term and its JSON pointer) and any ``@id``/``@type``
  that is not an absolute IRI (:class:`RelativeIriError`); no base IRI is used
  (:mod:`vckit.jsonld.strict`). So a credential using only the VC 1.1 or only the VC 2.0 base
  context with an undefined term is refused. A context with ``@vocab`` defines every term by
  design: VC Data Model 2.0 § 5.2 offers ``https://www.w3.org/ns/credentials/undefined-terms/v2``
  (``@vocab`` ``.../undefined-term#``); a document that lists it keeps its unknown terms. That
  is the spec, not a hole. (Drafts of the v2 context carried ``@vocab`` ``.../issuer-dependent#``
  themselves; the sealed final one does not.)
- **Protected terms stay put.** A context that redefines a protected term differently is
  :class:`ProtectedTermError`, including terms protected inside the sealed contexts' scoped
  contexts (:attr:`SealedLoader.protected_scopes`; the reason is in :mod:`vckit.jsonld.strict`).
- **Exact canonical form.** :func:`canonicalize` turns the expanded document into RDF
  (JSON-LD 1.1 API § 8 Deserialize JSON-LD to RDF, in one walk: :mod:`vckit.jsonld.rdf`,
  checked against pyld's node-map path; ``rdfDirection`` ``"i18n-datatype"``, so a ``@direction``
  is in the quads and signed) and canonicalizes it with
  :mod:`vckit.jsonld.rdfc10` (RDFC-1.0, bounded work, canonical N-Quads escaping as Digital Bazaar's
  ``rdf-canonize`` writes it).

Speed: each loader holds pyld's resolved-context cache (not pyld's process-wide one, so loaders
with different ``extra`` never mix) and a memo of processed contexts; together they took the
OB 3.0 spec sample from about 570 to about 3,100 canonicalizations/s (``bench/canonicalize.py``).
IRI expansion memoized per call (:class:`~vckit.jsonld.strict.StrictProcessor`) and the
one-walk RDF conversion took it to about 3,900/s; nothing derived from a document
outlives the call that reads it. :func:`expand` and :func:`to_quads` first try
:func:`vckit.jsonld.fast.fast_expand` (documents whose contexts are all sealed URLs: the
same expanded form, about 7x faster on a credential with 50 alignments) and take the strict
path for whatever it refuses; errors always come from the strict path.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pyld.context_resolver import ContextResolver

from vckit.errors import UnknownContextError
from vckit.jsonld import rdfc10
from vckit.jsonld.fast import Memo, fast_expand
from vckit.jsonld.rdf import quads_of
from vckit.jsonld.strict import ProtectedScopes, StrictProcessor, strict_expand

K = TypeVar("K")
V = TypeVar("V")


def contexts_dir() -> Path:
    """The sealed contexts: ``vckit/_contexts`` in a wheel, else the repo's ``contexts/``."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "_contexts"
    if (installed / "index.json").is_file():
        return installed
    return package.parent / "contexts"


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
        self._documents: dict[str, Any] = {
            **_sealed_documents(),
            **copy.deepcopy(dict(extra or {})),
        }
        # pyld's resolved/processed-context cache, owned by this loader (see module docstring).
        self._context_cache: _BoundedCache[str, Any] = _BoundedCache(512)
        self._processed: _BoundedCache[tuple[Any, ...], tuple[Any, Any, Any]] = _BoundedCache(1024)
        # Canonical forms of small documents met again and again (Data Integrity proof
        # configurations: :func:`vckit.di.cryptosuites.configure_proof`), keyed by their JSON.
        self.canonical_memo: _BoundedCache[tuple[str, str], str] = _BoundedCache(256)
        self._iris: _BoundedCache[tuple[int, str, Any, Any], tuple[Any, Any]] = _BoundedCache(8192)
        # What the fast expansion worked out per active context (:mod:`vckit.jsonld.fast`).
        self.fast_memo: Memo = _BoundedCache(1024)
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

    @functools.cached_property
    def protected_scopes(self) -> ProtectedScopes:
        """Per served URL: each term protected inside a scoped context, and those contexts.

        Only scoped contexts (a term definition's ``@context``): the protected terms of a
        top-level context are in the active context, where pyld itself guards them.
        """
        index: dict[str, dict[str, tuple[Mapping[str, Any], ...]]] = {}
        for url, document in self._documents.items():
            terms: dict[str, tuple[Mapping[str, Any], ...]] = {}
            top = document.get("@context") if isinstance(document, Mapping) else None
            for context in top if isinstance(top, list) else [top]:
                if isinstance(context, Mapping):
                    _index_scopes(context, terms)
            index[url] = terms
        return index

    def urls(self) -> frozenset[str]:
        """The context URLs this loader serves."""
        return self._urls

    @functools.cached_property
    def _urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def context_resolver(self) -> ContextResolver:
        """A pyld context resolver sharing this loader's resolved-context cache."""
        return ContextResolver(self._context_cache, self)

    def processor(self) -> StrictProcessor:
        """A strict pyld processor sharing this loader's memo of processed contexts."""
        return StrictProcessor(
            self._processed, self.sealed_objects, self.protected_scopes, self._iris
        )


def _index_scopes(
    context: Mapping[str, Any], terms: dict[str, tuple[Mapping[str, Any], ...]]
) -> None:
    """Add the protected terms of every scoped context under ``context``'s definitions."""
    for definition in context.values():
        scoped = definition.get("@context") if isinstance(definition, Mapping) else None
        if not isinstance(scoped, Mapping):
            continue
        protect_all = scoped.get("@protected") is True
        for term, inner in scoped.items():
            if term.startswith("@"):
                continue
            own = inner.get("@protected") if isinstance(inner, Mapping) else None
            if own is True or (protect_all and own is not False):
                terms[term] = (*terms.get(term, ()), scoped)
        _index_scopes(scoped, terms)


@functools.cache
def default_loader() -> SealedLoader:
    """The loader over ``contexts/`` alone (cached: it also caches processed contexts)."""
    return SealedLoader()


def _options(loader: SealedLoader) -> dict[str, Any]:
    return {
        "documentLoader": loader,
        "contextResolver": loader.context_resolver(),
        "base": None,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


def _expanded(
    loader: SealedLoader, processor: StrictProcessor, document: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The strict expansion: by :func:`vckit.jsonld.fast.fast_expand` when it takes the
    document (the same result, faster), else by :func:`vckit.jsonld.strict.strict_expand`."""
    options = _options(loader)
    with loader.lock:
        expanded = fast_expand(processor, document, options, loader.urls(), loader.fast_memo)
        if expanded is None:
            expanded = strict_expand(processor, document, options)
    return expanded


def expand(document: Mapping[str, Any], loader: SealedLoader | None = None) -> list[dict[str, Any]]:
    """Expand ``document`` with the sealed contexts; nothing may be dropped or left relative."""
    loader = loader or default_loader()
    return _expanded(loader, loader.processor(), document)


def to_quads(document: Mapping[str, Any], loader: SealedLoader | None = None) -> list[rdfc10.Quad]:
    """JSON-LD 1.1 API § 8.1 Deserialize JSON-LD to RDF, after the strict :func:`expand`."""
    loader = loader or default_loader()
    processor = loader.processor()
    return quads_of(_expanded(loader, processor, document), processor)


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
