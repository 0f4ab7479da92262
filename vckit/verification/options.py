"""What a caller of :func:`vckit.verify` allows and expects: :class:`VerifyOptions`.

The defaults take nothing from the network: did:web resolution goes through the
``DidResolver``'s fetch, status lists through ``fetch_status_list``; when they are missing
the check says *could not check*, never *pass*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from vckit.did.resolver import DidResolver
from vckit.errors import InputError
from vckit.jsonld.expansion import SealedLoader
from vckit.keys.keypair import PublicKey
from vckit.ob.schema import Explaining
from vckit.report import Report

MAX_CREDENTIALS = 50
"""A presentation with more credentials than this is refused (each is verified in full)."""

StatusListFetch = Callable[[str], bytes]
"""Given a status list credential URL, return the raw response body (or raise)."""
RememberStatusList = Callable[[str, bytes, Callable[[], Mapping[str, Any]]], Mapping[str, Any]]
"""Given a status list credential's URL, its fetched body and how to verify it (returning
the verified document or raising), return the verified document: the caller may return one
it verified before from the very same URL and bytes."""


@dataclass(frozen=True)
class VerifyOptions:
    """What the caller allows and expects. The defaults take nothing from the network."""

    resolver: DidResolver = field(default_factory=DidResolver)
    fetch_status_list: StatusListFetch | None = None
    now: datetime | None = None
    challenge: str | None = None
    domain: str | None = None
    loader: SealedLoader | None = None
    check_status: bool = True
    require_holder_binding: bool = True
    """A presentation's holder must have signed it and be the subject of its credentials. The
    VC Data Model leaves holder binding to the verifier (§5.8, "Holder binding is ... outside
    the scope"): a bare VC-API verification turns it off, and the check is then reported as
    advisory."""
    accept_base_proofs: bool = False
    """An ecdsa-sd-2023 *base* proof is the issuer's to the holder, who checks it on receipt
    (the holder's base proof verification) and derives from it; a verifier
    accepts only derived proofs (§3.5.8 parseDerivedProofValue: any other header MUST raise an
    error). Only a holder's wallet sets this."""
    always_disclosed: Callable[[str], frozenset[str]] | None = None
    """Given an issuer id, the top-level members ("credentialStatus", "validUntil") a trusted
    registry attests it makes mandatory in every selectively disclosable credential: their
    absence from a derived / SD-JWT credential then means "never issued", not "withheld"."""
    remember_status_list: RememberStatusList | None = None
    """Where a caller checking many credentials of one issuer keeps the status list
    credentials that verified (keyed by URL and exact bytes, for as long as it chooses), so
    that an unchanged list's proof is not verified again for every credential. None: every
    fetched list is verified."""
    fetch_refresh: Callable[[str], bytes] | None = None
    """Fetch a refreshed credential from a ``1EdTechCredentialRefresh`` service (OB 3.0
    verification step 3). None: a refresh service is reported, never called."""
    supplied_key: PublicKey | None = None
    """A public key the caller hands over for a JOSE token whose ``kid`` cannot be dereferenced
    (not a DID URL, a document that cannot be fetched): the signature is checked with it, and
    *issuer-key* stays could-not-check, because the caller, not the issuer's document, says
    whose key it is. A ``kid`` that resolves (or fails) is judged as usual; this key is unused."""
    max_values: int | None = None
    """The most JSON values (objects, arrays, strings, numbers, booleans, nulls) one document
    may hold, or it is refused as :class:`~vckit.errors.DocumentTooLargeError` before any
    check runs (:func:`vckit.document.check_object_depth`). What verification costs grows with
    the values: a service taking documents from anyone sets it; None: only the byte and depth
    limits of :mod:`vckit.document` apply."""
    verify_inner: Callable[[Any, VerifyOptions], Report] | None = field(
        default=None, repr=False, compare=False
    )
    """How a credential found inside or beside another (a status list, an endorsement, a CLR's
    nested credential, a refreshed copy) is verified: :func:`vckit.verify` sets itself here,
    so the parts can verify what they find without importing the dispatcher (no import
    cycle). Callers leave it unset."""

    explaining: Explaining | None = field(default=None, repr=False, compare=False)
    """What is left of the JSON values the schema check may walk to list a rejected
    document's problems (:class:`vckit.ob.schema.Explaining`): None, a fresh one for this
    credential; ``vckit.verification.embedded`` sets one that all the credentials inside a
    credential share. Callers leave it unset."""

    def __post_init__(self) -> None:
        if self.now is not None and self.now.tzinfo is None:
            raise InputError("VerifyOptions.now must carry a time zone")

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def verifying_inner(self, verify: Callable[[Any, VerifyOptions], Report]) -> VerifyOptions:
        """These options with ``verify_inner`` set to ``verify`` (unless set already). Made
        once per options object and kept on it: a caller verifying many credentials with the
        same options does not have them copied (``dataclasses.replace``) for each one."""
        if self.verify_inner is not None:
            return self
        made: VerifyOptions | None = self.__dict__.get("_verifying_inner")
        if made is None or made.verify_inner is not verify:
            made = replace(self, verify_inner=verify)
            object.__setattr__(self, "_verifying_inner", made)  # not a field: eq, hash, repr
        return made
