"""The SD-JWT holder (RFC 9901 §4.3, §7.2): keep the chosen disclosures and add a Key
Binding JWT over the verifier's nonce and audience."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from vckit.errors import KeyBindingError, SdJwtFormatError
from vckit.keys.keypair import JWS_ALG, KeyPair
from vckit.sdjwt.compact import jwt_parts, sign_jws, split
from vckit.sdjwt.disclosures import DEFAULT_HASH_ALG, Path, process_in_order
from vckit.sdjwt.verifier import KB_JWT_TYP, numeric_date, sd_hash


def present(
    sd_jwt: str,
    disclose: Collection[Path],
    holder_key: KeyPair | None,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    iat: datetime | int | None = None,
) -> str:
    """RFC 9901 §7.2 (holder, for presentation): keep the disclosures at the ``disclose``
    paths (and those of their parent claims, which recursive disclosure needs), then with
    ``holder_key`` append a KB-JWT (§4.3) over ``nonce``, ``aud``, ``iat`` and ``sd_hash``.
    The holder checks the SD-JWT it received with :func:`verify` (§7.2 step 1); this
    function only reads it, and refuses an SD-JWT+KB (§7.2)."""
    jwt, disclosures, kb = split(sd_jwt)
    if kb is not None:
        raise SdJwtFormatError("the SD-JWT already carries a Key Binding JWT")
    _, payload = jwt_parts(jwt, "issuer-signed JWT")
    alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    result, encoded = process_in_order(payload, disclosures)
    by_path = dict(zip(result.disclosed_paths, encoded, strict=True))
    wanted = {tuple(p) for p in disclose}
    unknown = wanted - set(by_path)
    if unknown:
        raise SdJwtFormatError(f"no disclosure at {sorted(map(str, unknown))}")
    keep = {path[:n] for path in wanted for n in range(1, len(path) + 1)} & set(by_path)
    chosen = [by_path[p] for p in result.disclosed_paths if p in keep]
    presentation = jwt + "~" + "".join(d + "~" for d in chosen)
    if holder_key is None:
        return presentation
    if nonce is None or aud is None or iat is None:
        raise KeyBindingError("a Key Binding JWT needs nonce, aud and iat")
    header = {"alg": JWS_ALG[holder_key.public.kind], "typ": KB_JWT_TYP}
    claims = {
        "iat": numeric_date(iat),
        "aud": aud,
        "nonce": nonce,
        "sd_hash": sd_hash(presentation, alg),
    }
    return presentation + sign_jws(header, claims, holder_key)
