"""Paging parameters of list endpoints, bounded: ``limit`` 1..:data:`MAX_LIMIT`, ``offset``
0..:data:`MAX_OFFSET` (a database integer). A value out of range is a 422 problem naming the
parameter (``query.limit: ...``), never a 500 or a silently clamped list.

::

    @router.get("/api/things")
    def things(limit: Limit = 100, offset: Offset = 0) -> Response: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="at most this many items")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="skip this many items first")]
