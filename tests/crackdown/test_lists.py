"""Exposure and ban lists: entries from leads and cases, deliberate publishing, withdrawal."""

from __future__ import annotations

import pytest

from crackdown.choices import CaseStage, ListKind, ListStatus
from crackdown.models import ListEntry
from crackdown.selectors import public_entries
from crackdown.services import (
    case_transition,
    list_batch_create,
    list_entry_add,
    list_entry_remove,
    list_entry_withdraw,
    list_publish,
)
from portal.models import AuditAction, AuditEntry
from portal.services import ApplicationError
from tests.crackdown.conftest import document

pytestmark = pytest.mark.django_db


@pytest.fixture
def banned_case(make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff, CaseStage.DECISION, name="中华孝道文化促进会")
    # the ban decision leads to 送达 now and needs its 决定书 (issue 14 points 3 and 8)
    return case_transition(case=case, to_stage=CaseStage.SERVICE, actor=hebei_approver,
                           expected_version=case.version, decision_number="冀民取字〔2025〕9号",
                           documents=[("decision", document("decision"))])


def test_ban_list_takes_only_decided_cases(make_case, hebei_staff, banned_case):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第1批")
    with pytest.raises(ApplicationError, match="取缔决定"):
        list_entry_add(batch=batch, actor=hebei_staff, case=make_case(hebei_staff, CaseStage.INVESTIGATION))
    entry = list_entry_add(batch=batch, actor=hebei_staff, case=banned_case)
    assert entry.name == "中华孝道文化促进会" and entry.province.code == "130000"
    with pytest.raises(ApplicationError, match="已在本批"):
        list_entry_add(batch=batch, actor=hebei_staff, case=banned_case)


def test_publish_is_by_another_person_and_final(make_lead, hebei_staff, hebei_approver):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第2批")
    with pytest.raises(ApplicationError, match="没有条目"):
        list_publish(batch=batch, actor=hebei_approver)
    entry = list_entry_add(batch=batch, actor=hebei_staff, lead=make_lead(hebei_staff, "国际书画研究院"))
    with pytest.raises(ApplicationError, match="权限"):
        list_publish(batch=batch, actor=hebei_staff)
    batch = list_publish(batch=batch, actor=hebei_approver)
    assert batch.status == ListStatus.PUBLISHED and batch.approver == hebei_approver and batch.published_on
    with pytest.raises(ApplicationError):
        list_entry_add(batch=batch, actor=hebei_staff, lead=make_lead(hebei_staff, "另一组织"))
    with pytest.raises(ApplicationError, match="只能撤回"):
        list_entry_remove(entry=entry, actor=hebei_staff)
    assert list(public_entries("国际书画")) == [entry]


def test_approver_cannot_publish_own_list(make_lead, hebei_approver):
    batch = list_batch_create(actor=hebei_approver, kind=ListKind.SUSPECTED, number="2025年第3批")
    list_entry_add(batch=batch, actor=hebei_approver, lead=make_lead(hebei_approver))
    with pytest.raises(ApplicationError, match="编制人以外"):
        list_publish(batch=batch, actor=hebei_approver)


def test_withdrawal_is_kept_in_history(make_lead, hebei_staff, hebei_approver):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第4批")
    entry = list_entry_add(batch=batch, actor=hebei_staff, lead=make_lead(hebei_staff, "全国老年健康联合会"))
    with pytest.raises(ApplicationError, match="直接删除"):
        list_entry_withdraw(entry=entry, actor=hebei_approver, reason="误列")
    list_publish(batch=batch, actor=hebei_approver)
    with pytest.raises(ApplicationError, match="原因"):
        list_entry_withdraw(entry=entry, actor=hebei_approver, reason=" ")
    with pytest.raises(ApplicationError, match="权限"):
        list_entry_withdraw(entry=entry, actor=hebei_staff, reason="误列")
    entry = list_entry_withdraw(entry=entry, actor=hebei_approver, reason="经复核已依法登记")
    assert entry.withdrawn and entry.withdrawn_by == hebei_approver and entry.withdrawn_at
    assert ListEntry.objects.filter(pk=entry.pk).exists()
    assert list(public_entries("全国老年")) == []
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(entry.pk),
                                     note__contains="经复核").exists()


def test_check_batch_counts_its_leads(make_lead, hebei_staff):
    from crackdown.services import check_batch_add_leads, check_batch_create

    first = make_lead(hebei_staff, "甲组织")
    second = make_lead(hebei_staff, "乙组织")
    a = check_batch_create(actor=hebei_staff, number="A", checked_on="2025-01-01", leads=[first, second])
    a.refresh_from_db()
    assert a.lead_count == 2 and first.__class__.objects.get(pk=first.pk).status == "checking"
    b = check_batch_create(actor=hebei_staff, number="B", checked_on="2025-02-01")
    check_batch_add_leads(batch=b, actor=hebei_staff, leads=[second])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.lead_count, b.lead_count) == (1, 1)
