"""Grouped reads compiled once per shape and run with each call's dates (portal.kept_statements, issue 17)."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from crackdown.models import CheckBatch
from portal import kept_statements

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    kept_statements.forget()
    yield
    kept_statements.forget()


@pytest.fixture
def batches(authority):
    hebei, zhejiang = authority("130000"), authority("330000")
    for number, day, where, leads in (("冀1", date(2025, 3, 1), hebei, 3), ("冀2", date(2025, 5, 1), hebei, 1),
                                      ("浙1", date(2025, 2, 1), zhejiang, 2), ("冀0", date(2024, 12, 31), hebei, 4)):
        CheckBatch.objects.create(number=number, checked_on=day, authority=where, lead_count=leads)
    return hebei, zhejiang


def grouped(date_from, date_to):
    return [CheckBatch.objects.filter(checked_on__gte=date_from, checked_on__lte=date_to).values("authority_id")
            .annotate(batches=Count("id"), leads=Sum("lead_count")).order_by("authority_id")]


def test_kept_rows_are_the_orm_s_for_every_period(batches):
    hebei, zhejiang = batches
    for period in ({"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)},
                   {"date_from": date(2025, 4, 1), "date_to": date(2025, 4, 30)},
                   {"date_from": date(2024, 1, 1), "date_to": date(2025, 3, 1)}):
        with CaptureQueriesContext(connection) as kept:
            rows = kept_statements.kept_values(("test",), grouped, period)
        with CaptureQueriesContext(connection) as orm:
            expected = [list(queryset) for queryset in grouped(**period)]
        assert rows == expected
        assert [q["sql"] for q in kept.captured_queries][-1] == orm.captured_queries[-1]["sql"], "the ORM's statement"
    assert kept_statements._kept[("test",)] is not None, "kept, not run by the ORM"
    year = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
    rows = kept_statements.kept_values(("test",), grouped, year)
    assert rows == [[{"authority_id": hebei.pk, "batches": 2, "leads": 4},
                     {"authority_id": zhejiang.pk, "batches": 1, "leads": 2}]]


def test_the_numbers_are_read_every_time(batches):
    hebei, _ = batches
    period = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
    before = kept_statements.kept_values(("test",), grouped, period)[0]
    CheckBatch.objects.create(number="冀3", checked_on=date(2025, 6, 1), authority=hebei, lead_count=5)
    after = kept_statements.kept_values(("test",), grouped, period)[0]
    assert before[0] == {"authority_id": hebei.pk, "batches": 2, "leads": 4}
    assert after[0] == {"authority_id": hebei.pk, "batches": 3, "leads": 9}


def test_a_read_whose_sql_depends_on_the_value_is_left_to_the_orm(batches):
    def shaped(date_from):  # the markers (year 1) would take the other branch: the check finds it
        qs = CheckBatch.objects.filter(checked_on__gte=date_from) if date_from.year > 1 \
            else CheckBatch.objects.filter(checked_on__lte=date_from)
        return [qs.values("authority_id").annotate(n=Count("id")).order_by()]

    rows = kept_statements.kept_values(("shaped",), shaped, {"date_from": date(2025, 1, 1)})
    assert kept_statements._kept[("shaped",)] is None
    assert sum(row["n"] for row in rows[0]) == 3


def test_nothing_to_read_and_values_that_are_not_dates(batches):
    def nothing(date_from):
        return [CheckBatch.objects.none().filter(checked_on__gte=date_from).values("authority_id")
                .annotate(n=Count("id")).order_by()]

    assert kept_statements.kept_values(("none",), nothing, {"date_from": date(2025, 1, 1)}) == [[]]
    assert kept_statements._kept[("none",)] is None
    rows = kept_statements.kept_values(("text",), lambda number: [CheckBatch.objects.filter(number=number)
                                                                   .values("number").annotate(n=Count("id"))
                                                                   .order_by()], {"number": "冀1"})
    assert rows == [[{"number": "冀1", "n": 1}]] and kept_statements._kept[("text",)] is None
    assert kept_statements.kept_values(({"unhashable": 1},), grouped,
                                       {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)})[0]
