"""The wallet as an Open Badges 3.0 **Host** (OB 3.0 §6 "Open Badges API", §7 "API Security").

Another platform (a badge issuer, another wallet) registers itself (RFC 7591), asks the learner
for consent (authorization code grant with PKCE S256, RFC 6749 and RFC 7636), and then reads
(``credential.readonly``, ``profile.readonly``) or writes (``credential.upsert``,
``profile.update``) the learner's Open Badges under ``/ims/ob/v3p0``. One module a concept:

* ``scopes.py``       the four OB scopes and what each lets a client do, in words
* ``errors.py``       the API's error bodies (``Imsx_StatusInfo``) and the OAuth errors
* ``clients.py``      dynamic client registration: the metadata rules, the client secret
* ``oauth.py``        the authorization server: authorization requests, codes, tokens
                      (refresh rotates), revocation (RFC 7009), and the bearer check
* ``discovery.py``    the Service Description Document: the official OpenAPI file, profiled
* ``credentials.py``  getCredentials (paging, ``since``) and upsertCredential (verified on
                      arrival, the spec's credential equality rule)
* ``profile.py``      getProfile and putProfile

The web layer (``wallet/web/api/host.py``, ``wallet/web/api/oauth.py``,
``wallet/web/pages/connections.py``) only reads requests and writes answers.
"""
