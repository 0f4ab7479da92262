"""Disclosing the fields a holder chose (:mod:`vckit.disclosure.fields` lists them), for both
selective-disclosure formats, and exactly what the verifier will see.

=================== ===================================================================
disclose_ecdsa_sd   the derived credential revealing the chosen fields (§ 3.6.5)
disclose_sd_jwt     the SD-JWT (+ Key Binding JWT) revealing the chosen fields (RFC 9901 §7.2)
preview             exactly what the verifier will see of the credential
=================== ===================================================================

Each disclosure is checked against :func:`preview` before it is returned: a credential that
would show the verifier anything else is refused, not sent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from vckit import sdjwt as sd_jwt
from vckit.di import ecdsa_sd
from vckit.disclosure.fields import (
    Field,
    fields_of_ecdsa_sd,
    fields_of_sd_jwt,
    is_under,
    mandatory_paths,
    pointer_to_path,
    sd_jwt_view,
)
from vckit.errors import SdPointerError
from vckit.keys.keypair import KeyPair


def _check_matches_preview(
    seen: Mapping[str, Any], fields: list[Field], shown: Collection[str], source: Mapping[str, Any]
) -> None:
    """Defence in depth: what a verifier will see must be exactly what :func:`preview`
    showed the holder; anything else is refused rather than sent. Empty arrays are left out
    of both sides: an SD-JWT keeps an array whose every element was withheld (``[]``), which
    the preview does not list, and an empty array reveals no value."""
    expected = preview(fields, shown, credential=source)
    if _without_empty_arrays(dict(seen)) != _without_empty_arrays(expected):
        raise SdPointerError("the disclosed credential would differ from the preview; not sent")


def _without_empty_arrays(value: Any) -> Any:
    if isinstance(value, Mapping):
        kept = {k: _without_empty_arrays(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != []}
    if isinstance(value, list):
        return [_without_empty_arrays(v) for v in value]
    return value


def _known(fields: list[Field], pointers: Sequence[str]) -> None:
    known = {f.pointer for f in fields}
    unknown = [p for p in pointers if p not in known]
    if unknown:
        raise SdPointerError(f"no field at {unknown}")


def disclose_ecdsa_sd(secured: Mapping[str, Any], pointers: Sequence[str]) -> dict[str, Any]:
    """The derived credential that reveals the locked fields and those at ``pointers``
    (a locked field is revealed whole, as :func:`preview` shows it)."""
    mandatory = mandatory_paths(secured)
    fields = fields_of_ecdsa_sd(secured)
    _known(fields, pointers)
    shown = [f.pointer for f in fields if f.mandatory or f.pointer in pointers]
    selective = [p for p in shown if not any(is_under(pointer_to_path(p), m) for m in mandatory)]
    derived = ecdsa_sd.add_derived_proof(secured, selective)
    revealed = {name: value for name, value in derived.items() if name != "proof"}
    _check_matches_preview(revealed, fields, pointers, secured)
    return derived


def disclose_sd_jwt(
    token: str,
    pointers: Sequence[str],
    holder_key: KeyPair | None,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    iat: datetime | int | None = None,
) -> str:
    """The SD-JWT revealing the chosen fields (with every disclosure inside a revealed field,
    so a locked field shows whole), plus a Key Binding JWT when ``holder_key`` is given.
    ``pointers`` are field pointers (:func:`fields_of_sd_jwt`: positions in the holder's
    view); each disclosure is found by its view position and sent by its issuer position."""
    view, result = sd_jwt_view(token)
    fields = fields_of_sd_jwt(token)
    _known(fields, pointers)
    shown = [pointer_to_path(f.pointer) for f in fields if f.mandatory or f.pointer in pointers]
    wanted = [
        issuer_path
        for issuer_path, view_path in zip(result.disclosed_paths, result.view_paths, strict=True)
        if any(is_under(view_path, s) for s in shown)
    ]
    presentation = sd_jwt.present(token, wanted, holder_key, nonce=nonce, aud=aud, iat=iat)
    sent, _ = sd_jwt_view(presentation.rsplit("~", 1)[0] + "~")
    _check_matches_preview(sent, fields, pointers, view)
    return presentation


def preview(
    fields: list[Field], chosen: Collection[str], *, credential: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the verifier will see: the locked fields and the chosen ones, withheld array
    elements left out. With ``credential``, its ``@context``, ``id``, ``type`` and the
    subject's ``id``/``type`` (always revealed) are included too."""
    view: dict[str, Any] = {}
    if credential is not None:
        view = {k: credential[k] for k in ("@context", "id", "type") if k in credential}
        subject = credential.get("credentialSubject")
        if isinstance(subject, Mapping):
            view["credentialSubject"] = {k: subject[k] for k in ("id", "type") if k in subject}
    for field in fields:
        if not (field.mandatory or field.pointer in chosen):
            continue
        path = pointer_to_path(field.pointer)
        parent: Any = view
        for part, following in zip(path[:-1], path[1:], strict=True):
            if part not in parent:
                parent[part] = [] if isinstance(following, int) else {}
            parent = parent[part]
        if isinstance(parent, list):
            parent.append(field.value)
        else:
            parent[path[-1]] = field.value
    return view
