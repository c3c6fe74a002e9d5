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
