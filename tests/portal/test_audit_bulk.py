"""``record_changes``: a bulk import's audit rows in one chained insert, one row per object, the chain intact."""

from itertools import pairwise

import pytest
from django.utils import timezone

from portal.audit import record_change, record_changes, verify_chain
from portal.models import AuditAction, AuditEntry, Authority

pytestmark = pytest.mark.django_db


def test_bulk_rows_are_chained_between_single_rows(zhejiang_staff):
    first = record_change(actor=None, action=AuditAction.UPDATE, username="u0", note="之前")
    objects = list(Authority.objects.order_by("code")[:3])
    assert record_changes(actor=zhejiang_staff, action=AuditAction.CREATE,
                          changes=((a, {"code": a.code, "when": timezone.now().date()}, f"批量 {a.code}")
                                   for a in objects)) == 3
    last = record_change(actor=None, action=AuditAction.UPDATE, username="u1", note="之后")
    rows = list(AuditEntry.objects.filter(pk__gte=first.pk, pk__lte=last.pk).order_by("id"))
    assert len(rows) == 5 and [r.pk for r in rows] == list(range(first.pk, first.pk + 5))
    for before, after in pairwise(rows):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    bulk = rows[1:4]
    assert [r.object_id for r in bulk] == [str(a.pk) for a in objects]
    assert {(r.user_id, r.authority_id, r.action) for r in bulk} == {
        (zhejiang_staff.pk, zhejiang_staff.authority_id, AuditAction.CREATE)}
    report = verify_chain()
    assert report.broken_id is None and report.checked >= 5


def test_nothing_to_record_writes_nothing():
    count = AuditEntry.objects.count()
    assert record_changes(actor=None, action=AuditAction.CREATE, changes=[]) == 0
    assert AuditEntry.objects.count() == count
