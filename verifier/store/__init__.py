"""All of the verifier's SQL, one module a table. Every function takes an open transaction
(:class:`servicekit.db.Tx`); records are frozen dataclasses with JSON columns decoded.

API note for the other verifier modules (jobs, delivery, views): use the package, not its
modules::

    from verifier import store
    with inst.db.transaction() as tx:               # inst: verifier.installation.Installation
        job = store.add_job(tx, "Care assistant", {"types": [...]}, created=stamp)
        request = store.add_request(tx, job.id, kind="openid4vp", nonce=n,
                                    client_id=c, created=stamp, expires_at=later)
        first = store.mark_used(tx, request.id, at=stamp)   # False: used already (replay)

* columns.py     new_id, dump, load (how values sit in columns; no SQL)
* jobs.py        add_job, get_job, list_jobs, count_jobs
* requests.py    add_request, get_request, find_request_by_nonce, mark_used, set_result
* responses.py   add_response, list_responses (of a job, or every one), get_response;
                 verdict_counts, latest_reports (for ``/stats``)
* webhooks.py    set_webhook, get_webhook, delete_webhook
* deliveries.py  add_delivery, list_deliveries; undelivered (the delivery queue)
* organisations.py  organisations, staff and API tokens (add, get, find, list, revoke)
* refused.py     add_refused, refused_count, latest_refused (answers refused, bounded per request)
* trust.py       add_trust, remove_trust, list_trust; log_change, list_changes (an
                 organisation's own trust in issuers, per achievement, and its log)
"""

from __future__ import annotations

from verifier.store.columns import new_id
from verifier.store.deliveries import (
    DeliveryRecord,
    PendingDelivery,
    add_delivery,
    list_deliveries,
    undelivered,
)
from verifier.store.jobs import JobRecord, add_job, count_jobs, get_job, list_jobs
from verifier.store.organisations import (
    OrganisationRecord,
    StaffRecord,
    TokenRecord,
    add_organisation,
    add_staff,
    add_token,
    bump_staff_epoch,
    find_organisation,
    find_token,
    get_organisation,
    get_staff,
    get_staff_by_email,
    list_organisations,
    list_tokens,
    revoke_token,
    set_staff_password,
)
from verifier.store.refused import RefusedRecord, add_refused, latest_refused, refused_count
from verifier.store.requests import (
    RequestRecord,
    add_request,
    find_request_by_nonce,
    get_request,
    mark_used,
    set_result,
)
from verifier.store.responses import (
    ResponseRecord,
    add_response,
    get_response,
    latest_reports,
    list_responses,
    verdict_counts,
)
from verifier.store.trust import (
    TrustChange,
    TrustRecord,
    add_trust,
    list_changes,
    list_trust,
    log_change,
    remove_trust,
)
from verifier.store.webhooks import WebhookRecord, delete_webhook, get_webhook, set_webhook

__all__ = [
    "OrganisationRecord",
    "StaffRecord",
    "TokenRecord",
    "add_organisation",
    "add_staff",
    "add_token",
    "bump_staff_epoch",
    "find_organisation",
    "find_token",
    "get_organisation",
    "get_staff",
    "get_staff_by_email",
    "list_organisations",
    "list_tokens",
    "revoke_token",
    "set_staff_password",
    "DeliveryRecord",
    "JobRecord",
    "PendingDelivery",
    "RefusedRecord",
    "RequestRecord",
    "ResponseRecord",
    "WebhookRecord",
    "add_delivery",
    "add_job",
    "add_refused",
    "add_request",
    "add_response",
    "count_jobs",
    "delete_webhook",
    "find_request_by_nonce",
    "get_job",
    "get_request",
    "get_response",
    "get_webhook",
    "latest_refused",
    "latest_reports",
    "list_deliveries",
    "list_jobs",
    "list_responses",
    "mark_used",
    "new_id",
    "refused_count",
    "set_result",
    "set_webhook",
    "undelivered",
    "verdict_counts",
    "TrustChange",
    "TrustRecord",
    "add_trust",
    "list_changes",
    "list_trust",
    "log_change",
    "remove_trust",
]
