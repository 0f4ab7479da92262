"""``ler demo``: the story of docs/PRODUCT.md, run against the three services over HTTP.

==============  ==============================================================================
``clients``     the services' real HTTP interfaces: the issuer's API (with its token), the
                wallet's pages and JSON API (a learner's session cookie and CSRF token), the
                verifier's JSON API
``story``       the six steps and the negative control, each with the result it must give
``reports``     a verifier report (JSON) as lines for people, check by check
``servers``     ``--start``: the three services in this process, on free ports, in a temp dir
``cli``         the ``ler demo`` sub-command (``ler/cli.py`` adds it)
==============  ==============================================================================

The demo imports no service to run the story: it talks HTTP, as a newcomer's tools would.
Only ``servers`` (for ``--start``) imports the services' app factories.
"""
