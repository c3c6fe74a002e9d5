"""django-tables2 computes a column's HTML attributes again for every cell (issue 17).

``BoundColumn.attrs`` builds the ``th``/``td``/``tf`` attribute dicts (and their class names) each
time the table template asks, which is once per cell: a tenth of a list page's rendering time in the
profile (docs/BENCHMARKS.md).  When neither the table's nor the column's attrs hold a callable — the
only thing that can make one cell's attributes differ from another's in the same column — the
result is the same for every cell of that column, so it is kept on the bound column for the rest of
the rendering.  A table with callable attrs is computed per cell as before.

Each table also deep-copied its class's columns when it was made (``copy.deepcopy(base_columns)``, so
that hiding a column or setting its accessor in one table leaves the class and other tables alone):
0.2–0.3 ms a list page, most of it copying accessors and link helpers that nothing changes.  A column
is now copied one level deep — its own attributes, and its ``attrs`` dicts, the only mutable values
it holds — which keeps the same independence (tests/portal/test_request_cost.py).

A list sorted by a column (``?sort=check_due``) was ordered by that column alone: rows with the same
value (a deadline, a status, a province) have no order among them, and PostgreSQL may return them in
another order for the next page, so a row could show on two pages and another on none.  The row's key
now comes last, as every list's default order already has it.
"""

from __future__ import annotations

import copy

from django_tables2.columns.base import BoundColumn, Column
from django_tables2.data import TableQuerysetData

_original_attrs = BoundColumn.attrs.fget


def holds_callable(value) -> bool:
    """Whether django-tables2 attrs (a value or a dict of them, nested) hold a function: then they differ per cell."""
    if callable(value):
        return True
    if isinstance(value, dict):
        return any(holds_callable(item) for item in value.values())
    return False


def _attrs(self):
    memo = self.__dict__.get("_portal_attrs")
    if memo is not None:
        # the header's classes follow the table's ordering: kept only while it is the same
        if memo[0] == str(self._table.order_by):
            return memo[1]
    attrs = _original_attrs(self)
    if not holds_callable(self._table.attrs) and not holds_callable(self.column.attrs):
        self.__dict__["_portal_attrs"] = (str(self._table.order_by), attrs)
    return attrs


def _copy_attrs(value):
    if isinstance(value, dict):  # dict, django-tables2's Attrs or AttributeDict: the same type again
        return type(value)((key, _copy_attrs(item)) for key, item in value.items())
    return value


def _copy_column(self, memo):
    """What a table made from the class's columns may change: the column's attributes and its attrs dicts."""
    column = copy.copy(self)
    if isinstance(self.attrs, dict):
        column.attrs = _copy_attrs(self.attrs)
    memo[id(self)] = column
    return column


_original_order_by = TableQuerysetData.order_by


def _order_by_then_key(self, aliases):
    _original_order_by(self, aliases)
    ordering = list(self.data.query.order_by)
    key_names = {"pk", "id", self.data.model._meta.pk.attname}
    if ordering and not any(isinstance(part, str) and part.lstrip("-") in key_names for part in ordering):
        self.data = self.data.order_by(*ordering, "pk")


def install() -> None:
    if BoundColumn.attrs.fget is not _attrs:
        BoundColumn.attrs = property(_attrs, doc=BoundColumn.attrs.__doc__)
    Column.__deepcopy__ = _copy_column
    TableQuerysetData.order_by = _order_by_then_key
