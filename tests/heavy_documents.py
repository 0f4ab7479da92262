"""Large credentials for the cost bounds of verification (issue 15): what a hostile client
sends to the public ``POST /credentials/verify``, and what real users send that must still
verify. Each builder stays within the verifier's body limit (2 MiB)."""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from tests import scenarios as s
from vckit.ob import clr

IMAGE_BYTES = 128 * 1024
"""An OB 3.0 badge image embedded as a ``data:`` URL (OB 3.0 §B.1.9 Image), at its largest."""


def endorsement(inner: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An unsigned EndorsementCredential, endorsed in turn by ``inner``."""
    credential = s.ob3_credential(s.did_of(s.OTHER), s.did_of(s.ISSUER))
    credential["type"] = ["VerifiableCredential", "EndorsementCredential"]
    credential["credentialSubject"] = {
        "id": "https://college.example/achievements/nursing-1",
        "type": ["EndorsementSubject"],
        "endorsementComment": "A sound course.",
    }
    if inner:
        credential["endorsement"] = inner
    return credential


def endorsement_chain(depth: int) -> dict[str, Any]:
    """A credential endorsed by an endorsement endorsed by … ``depth`` deep."""
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    inner: dict[str, Any] | None = None
    for _ in range(depth):
        inner = endorsement([inner] if inner else None)
    credential["endorsement"] = [inner]
    return credential


def hostile_credential() -> dict[str, Any]:
    """What the campaign sent: 1.7 MB, 32 endorsements, 10,000 alignments, and one wrong date
    (so the schema check looked for the problems in all of it: 4.5 s of CPU)."""
    credential = with_alignments(s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)), 10_000)
    credential["endorsement"] = [endorsement() for _ in range(32)]
    credential["validFrom"] = "yesterday"
    return credential


def with_alignments(credential: dict[str, Any], count: int) -> dict[str, Any]:
    """``credential`` with ``count`` skill alignments (six JSON values each)."""
    achievement = credential["credentialSubject"]["achievement"]
    achievement["alignment"] = [
        {**alignment, "targetName": f"{alignment['targetName']} {n}"}
        for n in range(count // 2)
        for alignment in achievement["alignment"]
    ]
    return credential


def hostile_clr(count: int, alignments: int) -> dict[str, Any]:
    """An unsigned CLR of ``count`` nested credentials of ``alignments`` alignments each,
    every one with a wrong date: each nested credential fails its own schema check."""
    credentials = []
    for _ in range(count):
        nested = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
        nested["validFrom"] = "yesterday"
        credentials.append(with_alignments(nested, alignments))
    issuer = {"id": s.did_of(s.ISSUER), "type": ["Profile"], "name": "Demo Community College"}
    return clr.clr_credential(
        "urn:uuid:0b7f9d7e-1c1a-4a55-9a43-3c1f1c2f0a37",
        issuer,
        s.did_of(s.HOLDER),
        valid_from=s.ISSUED,
        name="A record of many wrong credentials",
        credentials=credentials,
    )


def with_image(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` with its achievement's image a ``data:`` URL of :data:`IMAGE_BYTES`."""
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (IMAGE_BYTES // 256)
    url = "data:image/png;base64," + base64.b64encode(png[:IMAGE_BYTES]).decode()
    credential["credentialSubject"]["achievement"]["image"] = {"id": url, "type": "Image"}
    return credential


@cache
def _nested(n: int) -> dict[str, Any]:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    credential["id"] = f"urn:uuid:6a9e0c41-7f0c-4a4b-9d5e-{n:012d}"
    return s.sign(credential, s.ISSUER)


@cache
def large_clr(count: int = 30) -> dict[str, Any]:
    """A signed CLR 2.0 of ``count`` signed OB 3.0 credentials, the first with an embedded
    image (:func:`with_image`)."""
    first = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    credentials = [s.sign(with_image(first), s.ISSUER), *(_nested(n) for n in range(1, count))]
    issuer = {"id": s.did_of(s.ISSUER), "type": ["Profile"], "name": "Demo Community College"}
    record = clr.clr_credential(
        "urn:uuid:0b7f9d7e-1c1a-4a55-9a43-3c1f1c2f0a36",
        issuer,
        s.did_of(s.HOLDER),
        valid_from=s.ISSUED,
        name="Nursing programme record",
        credentials=credentials,
    )
    return s.sign(record, s.ISSUER)
