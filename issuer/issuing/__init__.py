"""Issuing: one OB 3.0 credential of the catalogue (``issuance``) or one the caller wrote
over the W3C VC-API (``vc_api``), secured and stored the same way (``securing``), with the
learner data a holder may hide (``learner_data``, ``sd_issue``), and baked into a badge image
(``baking``)."""
