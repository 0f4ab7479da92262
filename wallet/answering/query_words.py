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

    conditions({"accreditedOnly": True, "issuedWithinYears": 3})
    # -> ("only credentials from issuers they have accredited count",
    #     "only credentials issued within the last 3 years count")

Types are DCQL ``type_values`` (ldp_vc: expanded IRIs), ``vct_values`` (dc+sd-jwt), or a
QueryByExample's ``type`` (compact names); only their last segment is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vckit.document import parse_json
from vckit.errors import VckitError

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


#: The request's extension parameter with the conditions DCQL has no words for (our
#: verifier's ``verifier.jobs.oid4vp_request.REQUIREMENTS_PARAMETER``; other verifiers'
#: requests simply lack it).
CONDITIONS_PARAMETER = "ler_requirements"


def conditions(value: object) -> tuple[str, ...]:
    """The verifier's conditions in words: ``accreditedOnly`` and ``issuedWithinYears``
    (an object, or its JSON text as a request by value carries it, read by the strict,
    depth-bounded reader); whatever else, or a malformed value, says nothing."""
    if isinstance(value, str) and len(value) <= 2000:
        try:
            value = parse_json(value)  # bounded: the text is the verifier's, not ours
        except VckitError:
            return ()
    if not isinstance(value, dict):
        return ()
    said = []
    if value.get("accreditedOnly") is True:
        said.append("only credentials from issuers they have accredited count")
    years = value.get("issuedWithinYears")
    if type(years) is int and 1 <= years <= 1000:
        span = "year" if years == 1 else f"{years} years"
        said.append(f"only credentials issued within the last {span} count")
    return tuple(said)
