"""The protocols credentials travel by: the pure pieces, no HTTP.

==============  ============================================================================
``oid4vci``     OpenID for Verifiable Credential Issuance 1.0: offers, metadata, key proofs
``oid4vp``      OpenID for Verifiable Presentations 1.0: the wallet's side of a request
``dcql``        the Digital Credentials Query Language: parse a query, match credentials
``obapi``       the Open Badges 3.0 API, client side: discovery, registration, PKCE, paging
==============  ============================================================================
"""
