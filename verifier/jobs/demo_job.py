"""The demo job that ``ler up`` seeds (``LER_DEMO_SEED=1``), so the tour's step 3 can start
from it: a care assistant at Maple Grove Care Home, needing *Patient data privacy* from an
accredited issuer within two years. Made with :func:`verifier.jobs.requests.create_job` like any
job, once, for the care home (:mod:`verifier.accounts.demo`): a job with its title already
there is left as it is.
"""

from __future__ import annotations

from typing import Any

from servicekit.demo_seed import JOB_SKILL, JOB_TITLE
from verifier.installation import Installation
from verifier.jobs import requests as jobs
from verifier.store import JobRecord

REQUIREMENTS: dict[str, Any] = {
    "types": ["OpenBadgeCredential"],
    "skills": [{"name": JOB_SKILL}],
    "accreditedOnly": True,
    "issuedWithinYears": 2,
}


def seed(inst: Installation, organisation_id: str) -> JobRecord:
    """The demo job of the organisation: the oldest job with its title, or a new one."""
    for job in sorted(jobs.list_jobs(inst, organisation_id), key=lambda j: j.created):
        if job.title == JOB_TITLE:
            return job
    return jobs.create_job(inst, JOB_TITLE, REQUIREMENTS, organisation=organisation_id)
