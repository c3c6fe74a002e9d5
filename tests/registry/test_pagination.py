"""Pages of the register's list (registry.pagination): keyset pages on (name, id) or (credit code, id), an opaque
cursor, the exact count up to EXACT_UP_TO rows and the planner's estimate above."""

import pytest

from portal.models import Authority
from registry.demo import credit_code
from registry.models import Organization
from registry.pagination import EXACT_UP_TO, estimated_count, keyset_page
from tests.registry.conftest import NAMES

pytestmark = pytest.mark.django_db


def test_keyset_pages_walk_every_row_once(orgs):
    qs = Organization.objects.all()
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, cursor=cursor, size=2)
        seen += [o.name for o in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted(NAMES) and len(seen) == len(set(seen))
    by_code = keyset_page(qs, sort="credit_code", size=10).rows
    assert [o.credit_code for o in by_code] == sorted(o.credit_code for o in orgs.values())


def test_a_tampered_cursor_starts_from_the_first_page(orgs):
    assert [o.name for o in keyset_page(Organization.objects.all(), cursor="!!garbage", size=1).rows] == [
        sorted(NAMES)[0]]


def test_count_is_exact_when_small_and_estimated_when_large(orgs):
    small = estimated_count(Organization.objects.all())
    assert (small.value, small.exact, str(small)) == (len(NAMES), True, str(len(NAMES)))
    xizang = Authority.objects.get(code="540000")
    Organization.objects.bulk_create([
        Organization(name=f"西藏测试协会{n}", kind="social_group", authority=xizang,
                     credit_code=credit_code("social_group", "540000", f"MK{n:07d}")) for n in range(EXACT_UP_TO + 5)])
    large = estimated_count(Organization.objects.all())
    assert not large.exact and large.value > EXACT_UP_TO and str(large).startswith("约 ")


@pytest.mark.parametrize("sort", ["name", "credit_code"])
def test_a_deep_page_starts_its_index_scan_at_the_cursor(orgs, sort):
    """Page 10,000 must cost what page 1 costs: the cursor is an index condition, not a filter applied
    to every row walked from the start (1.3 s at 1,000,000 rows before, docs/BENCHMARKS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.pagination import encode_cursor

    field = sort
    first = Organization.objects.order_by(field, "id").first()
    cursor = encode_cursor([getattr(first, field), first.pk])
    qs = Organization.objects.filter(status="normal")
    with connection.cursor() as c:
        c.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough for a scan: ask for the index
        with CaptureQueriesContext(connection) as queries:
            keyset_page(qs, sort=sort, cursor=cursor, size=2)
        sql = queries.captured_queries[-1]["sql"]
        c.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in c.fetchall())
    assert "Index Cond" in plan and f"{field})::text >=" in plan, plan


def test_a_province_count_is_the_same_along_the_province_index(orgs):
    """``narrowed`` changes the path of the capped count, never its result."""
    from registry.filtersets import OrganizationFilterSet

    hebei = Authority.objects.get(code="130000")
    filterset = OrganizationFilterSet({"province": hebei.pk}, queryset=Organization.objects.all())
    assert filterset.narrowed_to_province()
    assert not OrganizationFilterSet({"q": "协会"}, queryset=Organization.objects.all()).narrowed_to_province()
    qs = filterset.qs
    assert estimated_count(qs, narrowed=True).value == estimated_count(qs).value == qs.count() == 2
