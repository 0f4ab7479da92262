"""The landing service: the LER Ecosystem Map, a guided tour of the demo, and statistics.

It has no database and holds no credential: it links to the issuer, wallet and verifier
(by their configured URLs) and reads their aggregate ``/stats`` over HTTP.
"""
