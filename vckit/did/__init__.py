"""Decentralized identifiers: did:key and did:jwk (pure), did:web (its fetch passed in).

==============  ============================================================================
``resolver``    :class:`DidResolver`: a DID or DID URL to its document and key
``document``    DID documents: verification methods, relationships, key control
==============  ============================================================================
"""
