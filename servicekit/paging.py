"""Bounds on the paging parameters of every list API: ``limit`` 1..500 (default 50) and
``offset`` 0..2^31-1 (default 0). A value outside them (a negative offset, an offset past
64 bits that the database could not bind) is a 422 problem naming the parameter
(``query.offset: ...``), never a 500.

::

    @router.get("/things")
    def things(limit: Limit = 50, offset: Offset = 0) -> ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"how many, 1 to {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="how many to skip first")]
