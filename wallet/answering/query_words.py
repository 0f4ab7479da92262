"""What a verifier's credential query asks for, in words (the request page's headings).

::

    title("ldp_vc", ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
                     "https://www.w3.org/2018/credentials#VerifiableCredential"])
    # -> "Open Badges credentials (signed JSON-LD)"
    title("dc+sd-jwt", ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"])
    # -> "Open Badges credentials as SD-JWT"
    technical("ldp_vc", [...])  # -> "ldp_vc · OpenBadgeCredential" (for a small muted note)

    asked_claim(("credentialSubject", "achievement", "alignment", None, "targetName"),
                ("Patient data privacy",))
    # -> "the skill Patient data privacy"

Types are DCQL ``type_values`` (ldp_vc: expanded IRIs), ``vct_values`` (dc+sd-jwt), or a
QueryByExample's ``type`` (compact names); only their last segment is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: DCQL credential formats (OpenID4VP 1.0 Appendix B), said as a person would.
FORMAT_WORDS = {
    "ldp_vc": "(signed JSON-LD)",
    "jwt_vc_json": "(signed JWT)",
    "dc+sd-jwt": "as SD-JWT",
    "vc+sd-jwt": "as SD-JWT",
    "mso_mdoc": "as mdoc",
}
#: Credential types people know by another name.
TYPE_WORDS = {
    "OpenBadgeCredential": "Open Badges credentials",
    "AchievementCredential": "Open Badges credentials",
    "EndorsementCredential": "Open Badges endorsements",
    "ClrCredential": "Comprehensive Learner Records",
}
GENERIC = frozenset({"VerifiableCredential", "VerifiablePresentation"})


def local_name(type_id: str) -> str:
    """The last segment of a type IRI (after ``#`` or ``/``), or the compact name itself."""
    return re.split(r"[#/:]", type_id.rstrip("/#"))[-1] or type_id


def _type_words(types: Sequence[str]) -> str:
    names = [local_name(t) for t in types]
    specific = list(dict.fromkeys(n for n in names if n not in GENERIC))
    if not specific:
        return "credentials" if names else "any credentials"
    words = [TYPE_WORDS.get(n, _humanize(n)) for n in specific]
    return " that are also ".join(dict.fromkeys(words))


def _humanize(name: str) -> str:
    """``NursingLicenceCredential`` -> ``Nursing licence credentials``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    text = spaced[:1] + spaced[1:].lower()
    return text if text.endswith("s") else text + "s"


def title(fmt: str, types: Sequence[str]) -> str:
    """The query in words: the kind of credential, then its form."""
    form = FORMAT_WORDS.get(fmt, f"({fmt})" if fmt else "")
    return f"{_type_words(types)} {form}".strip()


def technical(fmt: str, types: Sequence[str]) -> str:
    """The query's technical id, short: the format and the specific type names."""
    names = [local_name(t) for t in types if local_name(t) not in GENERIC] or [
        local_name(t) for t in types
    ]
    return " · ".join(part for part in (fmt, " + ".join(dict.fromkeys(names))) if part)


#: The last segment of a DCQL claims path (§7) that people know by another name.
CLAIM_WORDS = {"targetName": "the skill", "targetUrl": "the skill", "name": "the name"}


def asked_claim(path: Sequence[str | int | None], values: Sequence[object]) -> str:
    """A claims query with ``values`` (§6.3) in words: what the credential should show."""
    last = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    what = CLAIM_WORDS.get(last, _humanize(last).rstrip("s").lower() if last else "the value")
    shown = " or ".join(str(v) for v in values)
    return f"{what} {shown}"
