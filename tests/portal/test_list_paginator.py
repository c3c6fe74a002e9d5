"""``portal.pagination.ListPaginator``: the first page's rows are the count when they are fewer than a page;
otherwise, and for any other page, Django's paginator as it was (issue 17)."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from portal.pagination import ListPaginator


class Rows(list):
    """A list that records its ``count()`` calls (a queryset's ``SELECT COUNT(*)``)."""

    counted = 0

    def count(self):
        type(self).counted += 1
        return len(self)

    def __getitem__(self, key):
        found = super().__getitem__(key)
        return Rows(found) if isinstance(key, slice) else found


@pytest.fixture(autouse=True)
def _reset():
    Rows.counted = 0


@pytest.mark.parametrize("number", [1, "1", 1.0, "01"])
def test_a_short_first_page_is_its_own_count(number):
    page = ListPaginator(Rows(range(7)), 50).page(number)
    assert list(page) == list(range(7)) and page.paginator.count == 7 and page.paginator.num_pages == 1
    assert not page.has_next() and page.end_index() == 7 and Rows.counted == 0


def test_an_empty_list_has_its_empty_first_page():
    page = ListPaginator(Rows(), 50).page(1)
    assert list(page) == [] and page.paginator.count == 0 and Rows.counted == 0


@pytest.mark.parametrize("rows, number", [(120, 1), (50, 1), (120, 2), (120, "3"), (7, 2), (7, "x"), (7, 0)])
def test_otherwise_as_djangos_paginator(rows, number):
    def outcome(paginator_class):
        try:
            page = paginator_class(Rows(range(rows)), 50).page(number)
        except (EmptyPage, PageNotAnInteger) as exc:
            return type(exc)
        return list(page), page.paginator.count, page.paginator.num_pages, page.has_next(), page.end_index()

    assert outcome(ListPaginator) == outcome(Paginator)
    if rows >= 50 and number in (1, 2, "3"):
        assert Rows.counted == 2  # a full first page, or another page: counted (once by each paginator)


def test_orphans_count_as_before():
    paginator = ListPaginator(Rows(range(55)), 50, orphans=10)
    assert len(paginator.page(1)) == 55 and Rows.counted == 1
