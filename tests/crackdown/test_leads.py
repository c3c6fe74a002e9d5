"""Leads: entry warnings, statuses, transfer, conversion to a case, public reports, informants."""

from __future__ import annotations

import pytest

from crackdown.choices import LeadSource, LeadStatus, PublicStatus, TargetType
from crackdown.masking import mask_name, mask_phone
from crackdown.models import Case, Informant, Lead
from crackdown.selectors import name_warnings, resolve_place
from crackdown.services import (
    informant_reveal,
    lead_set_status,
    lead_to_case,
    lead_transfer,
    public_report_create,
)
from portal.models import AuditAction, AuditEntry
from portal.services import ApplicationError
from registry.choices import OrgKind
from registry.demo import credit_code
from registry.models import Organization

pytestmark = pytest.mark.django_db


def test_lead_numbers_and_due_date(make_lead, hebei_staff):
    lead = make_lead(hebei_staff)
    assert lead.number.startswith("XS") and "130000" in lead.number
    assert lead.status == LeadStatus.PENDING and lead.check_due > lead.received_on
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(lead.pk)).exists()


def test_reserved_word_warning(hebei_staff):
    kinds = {w.kind: w.message for w in name_warnings("中华国学总会", user=hebei_staff)}
    assert "中华" in kinds["reserved"]
    assert name_warnings("石家庄读书会", user=hebei_staff) == []


def test_registered_organization_warning(hebei_staff, authority):
    Organization.objects.create(credit_code=credit_code(OrgKind.SOCIAL_GROUP, "130000", "MJ1300009"),
                                name="河北省书法家协会", kind=OrgKind.SOCIAL_GROUP, authority=authority("130000"))
    messages = [w.message for w in name_warnings("河北省书法家协会", user=hebei_staff) if w.kind == "registered"]
    assert messages and "同名" in messages[0] and "河北省民政厅" in messages[0]
    similar = [w.message for w in name_warnings("河北书法家协会", user=hebei_staff) if w.kind == "registered"]
    assert similar and "名称相似" in similar[0]


def test_other_province_named_without_details(make_lead, hebei_staff, zhejiang_staff, ministry_staff):
    zj_lead = make_lead(zhejiang_staff, "华夏文明传承促进会")
    warnings = name_warnings("华夏文明传承促进总会", user=hebei_staff)
    other = [w for w in warnings if w.kind == "other_province"]
    assert len(other) == 1 and "浙江省" in other[0].message
    assert zj_lead.number not in other[0].message and other[0].url == ""
    # the ministry sees both provinces, with the numbers
    hb_lead = make_lead(hebei_staff, "华夏文明传承促进会")
    texts = " ".join(w.message for w in name_warnings("华夏文明传承促进会", user=ministry_staff))
    assert zj_lead.number in texts and hb_lead.number in texts and "浙江省" in texts and "河北省" in texts


def test_same_province_duplicate_is_shown(make_lead, hebei_staff):
    first = make_lead(hebei_staff, "燕赵国学研究会")
    warnings = name_warnings("燕赵国学研究会", user=hebei_staff)
    assert any(first.number in w.message and w.url for w in warnings if w.kind == "same_province")


def test_lead_status_path(make_lead, hebei_staff):
    lead = make_lead(hebei_staff)
    with pytest.raises(ApplicationError):
        lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CONFIRMED)
    lead = lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead = lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CONFIRMED, note="经核查属实")
    assert "经核查属实" in lead.check_result
    with pytest.raises(ApplicationError):
        lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.UNFOUNDED)


def test_unfounded_closes_the_lead(make_lead, hebei_staff):
    lead = lead_set_status(lead=make_lead(hebei_staff), actor=hebei_staff, status=LeadStatus.UNFOUNDED)
    for status in (LeadStatus.CHECKING, LeadStatus.CONFIRMED):
        with pytest.raises(ApplicationError):
            lead_set_status(lead=lead, actor=hebei_staff, status=status)


def test_transfer_to_another_province_copies_the_lead(make_lead, hebei_staff, authority):
    lead = make_lead(hebei_staff)
    Informant.objects.create(lead=lead, name="张三", phone="13912341111")
    lead = lead_transfer(lead=lead, actor=hebei_staff, to_authority=authority("330000"), note="活动地在杭州")
    assert lead.status == LeadStatus.TRANSFERRED and lead.transfer_date is not None
    copy = Lead.objects.get(transferred_from=lead)
    assert copy.authority.code == "330000" and copy.source == LeadSource.TRANSFER
    assert copy.status == LeadStatus.PENDING and copy.informant.phone == "13912341111"


def test_transfer_to_department(make_lead, hebei_staff):
    lead = lead_transfer(lead=make_lead(hebei_staff), actor=hebei_staff, to_department="public_security")
    assert lead.transfer_department == "public_security" and not Lead.objects.filter(transferred_from=lead)
    with pytest.raises(ApplicationError):
        lead_transfer(lead=make_lead(hebei_staff, "其他组织"), actor=hebei_staff)


def test_lead_to_case(make_lead, hebei_staff):
    lead = make_lead(hebei_staff)
    with pytest.raises(ApplicationError, match="属实"):
        lead_to_case(lead=lead, actor=hebei_staff, target_type=TargetType.UNREGISTERED)
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CONFIRMED)
    case = lead_to_case(lead=lead, actor=hebei_staff, target_type=TargetType.REVOKED)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILED and case.lead == lead and case.stage == "filing"
    assert case.authority == lead.authority and case.org_name == lead.org_name
    with pytest.raises(ApplicationError):
        lead_to_case(lead=lead, actor=hebei_staff, target_type=TargetType.REVOKED)


@pytest.mark.parametrize(("place", "code"), [
    ("河北省石家庄市", "130000"), ("130100", "130000"), ("杭州市西湖区", "330000"), ("浙江", "330000"),
    ("不知道在哪里", "000000"), ("", "000000"),
])
def test_resolve_place(place, code, authority):
    province, _ = resolve_place(place)
    assert province.code == code


def test_public_report_and_status(hebei_staff):
    lead = public_report_create(org_name="世界华人联合总会", place="河北省廊坊市", description="收取会费",
                                informant={"name": "张三", "phone": "13912341111"}, ip="10.0.0.1")
    assert lead.authority.code == "130000" and lead.places and lead.places[0].startswith("13")
    assert len(lead.receipt_number) == 14 and lead.source == LeadSource.PUBLIC_REPORT
    assert lead.public_status == PublicStatus.RECEIVED
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead.refresh_from_db()
    assert lead.public_status == PublicStatus.CHECKING
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.UNFOUNDED)
    lead.refresh_from_db()
    assert lead.public_status == PublicStatus.CLOSED
    assert Informant.objects.get(lead=lead).ip == "10.0.0.1"


def test_masking():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("13912341111") == "139****1111"


def test_informant_reveal_is_audited(hebei_staff, hebei_chief):
    lead = public_report_create(org_name="某某促进会", place="河北", description="",
                                informant={"name": "李四", "phone": "13800001111"})
    with pytest.raises(ApplicationError):
        informant_reveal(lead=lead, actor=hebei_staff)
    informant = informant_reveal(lead=lead, actor=hebei_chief)
    assert informant.name == "李四"
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_SENSITIVE, object_id=str(lead.pk))
    assert entry.username == "hebei_chief"
    assert Case.objects.count() == 0


def test_a_leads_own_case_is_not_reported_as_a_similar_case(make_lead, hebei_staff):
    from crackdown.choices import TargetType
    from crackdown.services import lead_to_case

    lead = make_lead(hebei_staff, "燕赵援藏援疆公益促进会")
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead = lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CONFIRMED, note="属实")
    case = lead_to_case(lead=lead, actor=hebei_staff, target_type=TargetType.UNREGISTERED)
    assert not any(case.number in w.message for w in name_warnings(lead.org_name, user=hebei_staff,
                                                                     exclude_lead=lead))
    other = make_lead(hebei_staff, "燕赵援藏援疆公益促进会")
    assert any(case.number in w.message for w in name_warnings(other.org_name, user=hebei_staff, exclude_lead=other))


def test_a_similar_lead_at_the_ministry_is_named_as_the_ministry(make_lead, hebei_staff, ministry_staff):
    make_lead(ministry_staff, "天下书院联合总会", authority=ministry_staff.authority)
    texts = " ".join(w.message for w in name_warnings("天下书院联合总会", user=hebei_staff))
    assert "民政部已有名称相似的线索或案件" in texts


def test_editing_a_lead_with_the_date_emptied_keeps_its_date(client, hebei_staff, make_lead):
    """Found by the write-scope check: an edit without 收到日期 was a 500 (NOT NULL), now it keeps the date."""
    import datetime

    lead = make_lead(hebei_staff, received_on=datetime.date(2026, 3, 2))
    client.force_login(hebei_staff)
    response = client.post(f"/crackdown/leads/{lead.pk}/edit/",
                           {"org_name": "改名研究会", "source": "patrol", "received_on": ""})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.org_name == "改名研究会" and lead.received_on == datetime.date(2026, 3, 2)


def test_lead_name_check_uses_the_register_name_check(hebei_staff, authority):
    """The lead form's warnings come from registry.namecheck: revoked organizations and former names too."""
    import datetime

    from registry.services import organization_update

    org = Organization.objects.create(credit_code=credit_code(OrgKind.SOCIAL_GROUP, "130000", "MJ1300019"),
                                      name="河北省太极养生研究会", kind=OrgKind.SOCIAL_GROUP,
                                      authority=authority("130000"))
    organization_update(actor=hebei_staff, organization=org, name="河北省太极拳运动协会", status="revoked",
                        status_changed_on=datetime.date(2024, 1, 1), status_reason="违规",
                        renamed_on=datetime.date(2023, 1, 1))
    messages = [w.message for w in name_warnings("河北省太极养生研究会", user=hebei_staff) if w.kind == "registered"]
    assert any("曾用名相同" in m for m in messages)
    assert any("已撤销登记" in m and "非法社会组织" in m for m in messages)
