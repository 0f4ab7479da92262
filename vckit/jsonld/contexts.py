"""The JSON-LD context URLs vckit writes into credentials and presentations, named once.

The context documents themselves are in the repository's ``contexts/`` folder, served by
the sealed loader (:mod:`vckit.jsonld.expansion`); these are only their URLs.
"""

from __future__ import annotations

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
"""VC Data Model 2.0 §4.3: the first ``@context`` of a VC 2.0 credential or presentation."""

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
"""VC Data Model 1.1 §4.1: the first ``@context`` of a VC 1.1 credential or presentation."""

STATUS_LIST_2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
"""StatusList2021 (W3C FPWD 2023): defines its entry and list types on VC 1.1."""
