"""servicekit: what every service needs and no specification does.

==============  ============================================================================
``app``         the app skeleton: ``service_app`` (body limit, request log, health, stats,
                offline docs) and the one error handler (problem+json or the error page)
``problems``    RFC 9457 problem details and the ``Problem`` exception routes raise
``json_route``  the strict JSON edge: bodies read like a file, then validated by a model
``pages``       page routes and the one page renderer (security headers, CSRF, no-store)
``forms``       urlencoded and multipart forms, read by hand
``db``          one transaction API over SQLite or PostgreSQL; ``migrations`` its runner
``sessions``    signed staff and learner sessions with CSRF tokens
``sealing``     secrets at rest: sealed columns and files (AES-256-GCM under a KEK);
                ``kek``: where the KEK comes from, sealing at start, rotation
``outbound``    what a service may fetch: https, no private addresses, bounded
``limits``      the request body limit (413)
``health``      ``/healthz`` and ``/readyz``; ``stats`` and ``stats_api``: ``/stats``
``logs``        JSON-line logs; ``serve``: one service under uvicorn
``apidocs``     ``/docs`` from ``/openapi.json``, offline
``demo_seed``   the demo learner and job that ``ler up`` asks for
==============  ============================================================================

The services (issuer, wallet, verifier, landing) import it; it imports none of them, and
``vckit`` never imports it.
"""
