"""servicekit: what every service needs and no specification does.

A database behind one small interface (SQLite or PostgreSQL, ``db``), problem details for
every client error (``problems``), a request body limit (``limits``) and signed staff or
learner sessions with CSRF tokens (``sessions``). The services (issuer, wallet, verifier)
import it; it imports none of them, and ``vckit`` never imports it.
"""
