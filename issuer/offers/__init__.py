"""OpenID4VCI 1.0: offers and metadata (``oid4vci``), the Token Endpoint (``token``), the
Nonce and Credential Endpoints (``credential``)."""
