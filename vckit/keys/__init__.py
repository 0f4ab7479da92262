"""Keys: generate, sign, verify, and read/write JWK and Multikey.

==============  ============================================================================
``keypair``     :class:`KeyPair` / :class:`PublicKey` (Ed25519, P-256, P-384, RSA): the only
                module that touches private key bytes
``keyfile``     key files: a private JWK whose ``kid`` is its DID URL (``ler keys new``)
``multibase``   base58btc and base64url-no-pad, strict (Data Integrity, Multikey, JOSE)
``multicodec``  the varint headers that say what a Multikey value holds
==============  ============================================================================
"""
