"""JSON-LD over a sealed set of contexts: strict expansion, RDF, RDFC-1.0 canonicalization.

==============  ============================================================================
``expansion``   the sealed loader (``contexts/``, never the network), expand, to quads,
                canonicalize: what the Data Integrity suites call
``strict``      expansion on pyld where nothing may vanish and every id and type is absolute,
                and no protected term is redefined (scoped ones included)
``fast``        the strict expansion's result, faster, for documents over sealed context
                URLs only (anything else: the strict path)
``failures``    the one translation of pyld's errors: syntax (fails) or unloadable (unchecked)
``policy``      no inline ``@vocab``/``@base``, bounded documents to sign: ``check_signable``
``rdf``         expanded JSON-LD to RDF quads in one walk (JSON-LD 1.1 API §8.1)
``rdfc10``      RDF Dataset Canonicalization (RDFC-1.0), bounded, canonical N-Quads
``contexts``    the context URLs vckit writes, named once
==============  ============================================================================
"""
