"""The employer's verifier: checks what learners share and explains it.

It plays the map's Employers and HR Systems.

==============================  ==========================================================
``app.py``                      ``create_app(settings)``: wiring only
``settings.py``                 the environment, read by ``Settings.from_env``
``installation.py``             one installation: database, settings, verification, clock
``errors.py``                   the use-case error tree (``app.py`` maps it to statuses)
``migrations.py``, ``store/``   the schema, and all of the SQL (one module a table)
``checking/``                   verify under the fetch policy, then the employer's policy
                                (registry, requirements); intake of what people hand in
``jobs/``                       jobs, presentation requests (OpenID4VP, VC-API) and the
                                answers to them, verified and stored
``delivery/``                   results sent to a job's webhook, signed, retried
``views/``                      what pages and the API show: the report, disclosure, stats
``web/``                        the only HTTP: ``api/`` (JSON) and ``pages/`` (HTML)
==============================  ==========================================================
"""
