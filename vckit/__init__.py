"""vckit: the credential core. Spec logic only: no web, no storage, no network, no globals.

Follow one credential: ``openbadges`` builds it, ``data_integrity`` or ``jose`` signs it,
``presentation`` wraps it for a verifier, ``verify`` checks it and returns a ``report``.
"""
