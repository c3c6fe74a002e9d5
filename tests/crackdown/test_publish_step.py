"""Drawing up a list batch (issue 12 point 7): eligible cases to pick from, errors beside the field with what
was typed kept, 提请发布 to the person who may publish (「待发布名单」 on their home page), 退回."""

from __future__ import annotations

import pytest

from crackdown.choices import CaseStage, ListKind, ListStatus
from crackdown.models import ListBatch
from crackdown.selectors import eligible_cases, lists_to_publish
from crackdown.services import (
    case_transition,
    list_batch_create,
    list_entry_add,
    list_publish,
    list_return,
    list_submit,
)
from portal.models import AuditAction, AuditEntry
from portal.services import ApplicationError
from tests.crackdown.conftest import document

pytestmark = pytest.mark.django_db


def ban(case, approver, number):
    return case_transition(case=case, to_stage=CaseStage.SERVICE, actor=approver, expected_version=case.version,
                           decision_number=number, documents=[("decision", document("decision"))])


@pytest.fixture
def banned_cases(make_case, hebei_staff, hebei_approver):
    return [ban(make_case(hebei_staff, CaseStage.DECISION, name=name), hebei_approver, f"冀民取字〔2025〕{i}号")
            for i, name in enumerate(["中华孝道文化促进会", "国际养生研究总院"], start=1)]


def test_eligible_cases_are_decided_and_not_yet_published(make_case, hebei_staff, hebei_approver, zhejiang_staff,
                                                          banned_cases):
    first, second = banned_cases
    make_case(hebei_staff, CaseStage.INVESTIGATION, name="调查中的研究会")  # no decision: not for the ban list
    make_case(zhejiang_staff, CaseStage.DECISION, name="浙江的促进会")
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第1批")
    assert set(eligible_cases(hebei_staff, batch)) == {first, second}
    assert list(eligible_cases(hebei_staff, batch, "孝道")) == [first]
    list_entry_add(batch=batch, actor=hebei_staff, case=first)
    assert list(eligible_cases(hebei_staff, batch)) == [second]  # already in this batch
    list_publish(batch=batch, actor=hebei_approver)
    later = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第2批")
    assert list(eligible_cases(hebei_staff, later)) == [second]  # on a published ban list
    with pytest.raises(ApplicationError, match="已发布的"):
        list_entry_add(batch=later, actor=hebei_staff, case=first)
    suspected = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第3批")
    assert "调查中的研究会" in {c.org_name for c in eligible_cases(hebei_staff, suspected)}
    assert "浙江的促进会" not in {c.org_name for c in eligible_cases(hebei_staff, suspected)}


def test_batch_page_offers_the_cases_and_searches(client, hebei_staff, banned_cases):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第1批")
    client.force_login(hebei_staff)
    page = client.get(f"/crackdown/lists/{batch.pk}/").content.decode()
    assert 'id="candidates"' in page and "中华孝道文化促进会" in page and "国际养生研究总院" in page
    page = client.get(f"/crackdown/lists/{batch.pk}/?q=孝道").content.decode()
    assert "中华孝道文化促进会" in page and "国际养生研究总院" not in page
    response = client.post(f"/crackdown/lists/{batch.pk}/entries/", {"case": banned_cases[0].pk, "name": ""})
    assert response.status_code == 302
    assert list(batch.entries.values_list("name", flat=True)) == ["中华孝道文化促进会"]


def test_wrong_entry_keeps_what_was_typed_with_the_error_beside_the_field(client, hebei_staff, make_lead,
                                                                        banned_cases):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第1批")
    lead = make_lead(hebei_staff, "某某协会")
    client.force_login(hebei_staff)
    # a lead cannot go on the ban list: the error is beside the number, and the number and name stay
    url = f"/crackdown/lists/{batch.pk}/entries/"
    response = client.post(url, {"number": lead.number, "name": "某某协会（公布名）"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_number_error"' in page and "取缔名单只能收录已作出取缔决定的案件" in page
    assert f'value="{lead.number}"' in page and 'value="某某协会（公布名）"' in page
    # an unknown number
    page = client.post(f"/crackdown/lists/{batch.pk}/entries/", {"number": "XS000"}).content.decode()
    assert "未找到编号为 XS000 的线索或案件" in page and 'id="id_number_error"' in page
    # nothing chosen: said beside the picker
    page = client.post(f"/crackdown/lists/{batch.pk}/entries/", {}).content.decode()
    assert 'id="id_case_error"' in page and "请从上表中选择一个案件" in page
    # the same name twice: beside the name
    client.post(f"/crackdown/lists/{batch.pk}/entries/", {"case": banned_cases[0].pk})
    page = client.post(f"/crackdown/lists/{batch.pk}/entries/",
                       {"case": banned_cases[1].pk, "name": "中华孝道文化促进会"}).content.decode()
    assert 'id="id_name_error"' in page and "已在本批名单中" in page
    assert batch.entries.count() == 1


def test_submit_sends_the_batch_to_the_publisher_home(client, hebei_staff, hebei_approver, zhejiang_approver,
                                                     banned_cases):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第1批")
    with pytest.raises(ApplicationError, match="没有条目"):
        list_submit(batch=batch, actor=hebei_staff)
    list_entry_add(batch=batch, actor=hebei_staff, case=banned_cases[0])
    client.force_login(hebei_staff)
    assert client.post(f"/crackdown/lists/{batch.pk}/submit/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ListStatus.SUBMITTED and batch.submitted_by == hebei_staff and batch.submitted_at
    assert AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(batch.pk),
                                     note__startswith="提请发布").exists()
    # locked while it waits
    with pytest.raises(ApplicationError, match="已提请发布"):
        list_entry_add(batch=batch, actor=hebei_staff, case=banned_cases[1])
    # the publisher's home shows it; the clerk's and another province's do not
    assert list(lists_to_publish(hebei_approver)) == [batch]
    assert list(lists_to_publish(zhejiang_approver)) == []
    client.force_login(hebei_approver)
    home = client.get("/").content.decode()
    assert "待发布名单" in home and str(batch) in home
    client.force_login(zhejiang_approver)
    assert str(batch) not in client.get("/").content.decode()
    # returned with a reason, it is a draft again; submitted again and published
    client.force_login(hebei_approver)
    assert client.post(f"/crackdown/lists/{batch.pk}/return/", {"reason": "请补充第二个案件"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ListStatus.DRAFT and batch.return_reason == "请补充第二个案件"
    client.force_login(hebei_staff)
    assert "请补充第二个案件" in client.get(f"/crackdown/lists/{batch.pk}/").content.decode()
    list_entry_add(batch=batch, actor=hebei_staff, case=banned_cases[1])
    list_submit(batch=batch, actor=hebei_staff)
    list_publish(batch=batch, actor=hebei_approver)
    assert ListBatch.objects.get(pk=batch.pk).status == ListStatus.PUBLISHED
    assert list(lists_to_publish(hebei_approver)) == []


def test_return_needs_a_reason_and_the_duty(hebei_staff, hebei_approver, banned_cases):
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第1批")
    list_entry_add(batch=batch, actor=hebei_staff, case=banned_cases[0])
    with pytest.raises(ApplicationError, match="待发布"):
        list_return(batch=batch, actor=hebei_approver, reason="x")
    list_submit(batch=batch, actor=hebei_staff)
    with pytest.raises(ApplicationError, match="权限"):
        list_return(batch=batch, actor=hebei_staff, reason="x")
    with pytest.raises(ApplicationError, match="原因"):
        list_return(batch=batch, actor=hebei_approver, reason=" ")
