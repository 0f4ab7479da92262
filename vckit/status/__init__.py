"""Status of a credential: W3C Bitstring Status List v1.0 (and the StatusList2021 it replaced).

====================  ======================================================================
``status_list``       status entries and status list credentials; checking one entry
``bitstring``         the bits themselves: set, read, GZIP, text
``list_credentials``  whether a credential is a status list (about credentials, not a person)
====================  ======================================================================

The status list is re-exported here: ``from vckit import status; status.StatusList.new()``.
"""

from vckit.status.list_credentials import (
    LIST_CREDENTIAL_TYPES,
    LIST_SUBJECT_TYPES,
    is_status_list,
)
from vckit.status.status_list import (
    ENTRY_TYPES,
    StatusList,
    StatusResult,
    check_entry,
    status_list_credential,
    status_list_entry,
)

__all__ = [
    "ENTRY_TYPES",
    "LIST_CREDENTIAL_TYPES",
    "LIST_SUBJECT_TYPES",
    "StatusList",
    "StatusResult",
    "check_entry",
    "is_status_list",
    "status_list_credential",
    "status_list_entry",
]
