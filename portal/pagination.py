"""The list pages' paginator: no ``COUNT`` when the first page holds every row (issue 17).

Django's ``Paginator`` counts the rows (``SELECT COUNT(*)``, the list's query compiled a second time) before
it slices the page, to check the page number.  Most lists a province opens are shorter than a page: the
first page's rows, read anyway to be shown, are then all the rows, and their number is the count
(「共 N 条」, the pages).  Only a first page that is full, any other page and a paginator with
``orphans`` count as before; the rows shown and the page's HTML are the same.
"""

from __future__ import annotations

from django.core.paginator import Paginator


class ListPaginator(Paginator):
    def page(self, number):
        if "count" in self.__dict__ or self.orphans or not self.allow_empty_first_page or not _is_one(number):
            return super().page(number)
        # page 1 is always valid (``validate_number``: an empty first page is allowed): no count needed to show it
        page = self._get_page(self.object_list[: self.per_page], 1, self)
        rows = len(page.object_list)  # the page's rows, read here rather than when the table is written
        if rows < self.per_page:
            self.count = rows  # ``count`` is a cached property: every row is on this page
        return page


def _is_one(number) -> bool:
    """Whether ``validate_number`` reads ``number`` as 1 (it raises for what it cannot read: left to it)."""
    try:
        if isinstance(number, float) and not number.is_integer():
            return False
        return int(number) == 1
    except (TypeError, ValueError):
        return False
