"""Keyset pagination and an estimated count, for a register of a million rows.

``OFFSET 500000`` reads and throws away half a million rows; a keyset page reads only its own 50:
``WHERE name >= :last AND (name > :last OR (name = :last AND id > :last_id)) ORDER BY name, id LIMIT 51``
walks the ``(name, id)`` index from where the previous page ended, so page 10,000 costs what page 1 costs.
The cursor is the sort key of the last row shown, opaque to the reader (base64 of JSON).

A whole-register ``COUNT(*)`` costs a scan; the list shows the exact number up to ``EXACT_UP_TO`` and
above that the planner's estimate ("约 …").
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import Q

# sort name → (field, the reader's label); every sort ends with id, so the key is unique
SORTS = {
    "name": ("name", "名称"),
    "credit_code": ("credit_code", "信用代码"),
}
DEFAULT_SORT = "name"
PAGE_SIZE = 50
EXACT_UP_TO = 1000


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not (isinstance(values, list) and len(values) == 2 and isinstance(values[0], str)
            and isinstance(values[1], int)):
        return None
    return values


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    sort: str
    first: bool


def keyset_page(queryset, *, sort: str = DEFAULT_SORT, cursor: str | None = None,
                size: int = PAGE_SIZE) -> KeysetPage:
    sort = sort if sort in SORTS else DEFAULT_SORT
    field = SORTS[sort][0]
    after = decode_cursor(cursor) if cursor else None
    qs = queryset.order_by(field, "id")
    if after:
        value, pk = after
        # ``field >= value`` beside the OR is what lets PostgreSQL start the index scan at the cursor: with
        # the OR alone it walks the index from the first row and filters (page 10,000 of 500,000 rows:
        # 1.3 s instead of 0.4 ms, docs/BENCHMARKS.md)
        qs = qs.filter(Q(**{f"{field}__gte": value}),
                       Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": pk}))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor([getattr(rows[-1], field), rows[-1].pk]) if more and rows else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, sort=sort, first=after is None)


@dataclass
class Count:
    value: int
    exact: bool

    def __str__(self):
        return f"{self.value}" if self.exact else f"约 {self.value}"


def estimated_count(queryset, *, narrowed: bool = False) -> Count:
    """Exact up to ``EXACT_UP_TO`` rows (a capped count reads no more than that), else the planner's estimate.

    ``narrowed``: the rows are one province's.  The capped count then walks the page's own order, which
    the ``(province_code, name, id)`` index serves, instead of the planner's sequential scan, which has to
    pass every other province's rows to find a common term's thousand (协会 in 河北 at 1,000,000 rows:
    34 ms → 2.5 ms).  Not for the whole register: there the scan is the faster path (学会: 11 ms against
    57 ms along the name index) — measured with bench/registry_search.py, docs/BENCHMARKS.md."""
    counted = queryset.order_by(SORTS[DEFAULT_SORT][0], "id") if narrowed else queryset.order_by()
    capped = counted[: EXACT_UP_TO + 1].count()
    if capped <= EXACT_UP_TO:
        return Count(capped, True)
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return Count(max(int(plan[0]["Plan"]["Plan Rows"]), EXACT_UP_TO + 1), False)
