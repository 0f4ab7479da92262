"""vckit.status.is_status_list: a status list credential is about credentials, not a person."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios import ISSUED, ISSUER, STATUS_URL, did_of, good_credential
from vckit import status
from vckit.status.status_list import status_list_credential

LISTS: dict[str, dict[str, Any]] = {
    "bitstring": status_list_credential(
        STATUS_URL, did_of(ISSUER), status.StatusList.new(), valid_from=ISSUED
    ),
    "statuslist2021": status_list_credential(
        STATUS_URL,
        did_of(ISSUER),
        status.StatusList.new(),
        valid_from=ISSUED,
        flavor="statuslist2021",
    ),
    "revocation-list-2020": {
        "type": ["VerifiableCredential", "RevocationList2020Credential"],
        "credentialSubject": {"id": f"{STATUS_URL}#list", "type": "RevocationList2020"},
    },
    "1edtech-revocation-list": {
        "type": ["VerifiableCredential", "1EdTechRevocationList"],
        "credentialSubject": {"revokedCredentials": []},
    },
    "list-subject-only": {
        "type": ["VerifiableCredential"],
        "credentialSubject": [{"id": f"{STATUS_URL}#list", "type": ["BitstringStatusList"]}],
    },
}


@pytest.mark.parametrize("name", list(LISTS), ids=list(LISTS))
def test_status_list_credentials_are_recognised(name: str) -> None:
    assert status.is_status_list(LISTS[name])


def test_a_credential_about_a_person_is_not_a_status_list() -> None:
    assert not status.is_status_list(good_credential())
    assert not status.is_status_list({"type": 7, "credentialSubject": "x"})
    assert "BitstringStatusListCredential" in status.LIST_CREDENTIAL_TYPES
