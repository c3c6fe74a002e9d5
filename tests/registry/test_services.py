"""The register's services (registry.services): former names, grades with their five-year validity, list
entries with their removal, and writes kept to the organization's authority.  The timeline: test_selectors.py."""

import datetime

import pytest

from portal.services import ApplicationError
from registry import services
from registry.models import CreditListEntry, Organization

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_new_name_keeps_the_old_one_as_a_former_name(tibet_org, xizang_staff):
    services.organization_update(actor=xizang_staff, organization=tibet_org, name="西藏自治区登山运动协会",
                                 renamed_on=D(2025, 4, 1))
    org = Organization.objects.get(pk=tibet_org.pk)
    former = org.formernames.get()
    assert (former.name, former.used_until) == ("西藏自治区测试协会", D(2025, 4, 1))
    assert org.former_names == "西藏自治区测试协会"
    assert "测试" in org.search_key  # the former name is searchable


def test_another_province_cannot_write_through_the_service(tibet_org, zhejiang_staff):
    with pytest.raises(ApplicationError, match="不由您所在的登记管理机关登记"):
        services.record_add(actor=zhejiang_staff, organization=tibet_org, kind="penalty",
                            decided_on=D(2025, 1, 1), penalty_type="warning", document_number="1")
    assert not tibet_org.penaltys.exists()


def test_ministry_writes_any_organization(tibet_org, ministry_staff):
    services.record_add(actor=ministry_staff, organization=tibet_org, kind="penalty",
                        decided_on=D(2025, 1, 1), penalty_type="warning", document_number="民罚〔2025〕1号")
    assert tibet_org.penaltys.count() == 1


def test_a_grade_lasts_five_years_to_the_day(tibet_org, xizang_staff):
    evaluation = services.record_add(actor=xizang_staff, organization=tibet_org, kind="evaluation", grade=4,
                                     rated_on=D(2021, 3, 15))
    assert evaluation.expires_on == D(2026, 3, 15)
    org = Organization.objects.get(pk=tibet_org.pk)
    assert org.current_grade(D(2026, 3, 15)).label == "4A"
    assert org.current_grade(D(2026, 3, 16)) is None


def test_a_grade_rated_on_29_february_expires_on_28_february(tibet_org, xizang_staff):
    evaluation = services.record_add(actor=xizang_staff, organization=tibet_org, kind="evaluation", grade=5,
                                     rated_on=D(2024, 2, 29))
    assert evaluation.expires_on == D(2029, 2, 28)


def test_the_latest_rating_is_the_current_grade(tibet_org, xizang_staff):
    services.record_add(actor=xizang_staff, organization=tibet_org, kind="evaluation", grade=5, rated_on=D(2023, 1, 1))
    services.record_add(actor=xizang_staff, organization=tibet_org, kind="evaluation", grade=3, rated_on=D(2025, 1, 1))
    assert Organization.objects.get(pk=tibet_org.pk).grade == 3


def test_list_entry_and_removal_keep_the_flags_and_the_history(tibet_org, xizang_staff):
    entry = services.record_add(actor=xizang_staff, organization=tibet_org, kind="listentry", list_kind="abnormal",
                                entered_on=D(2025, 7, 1), ground="未按规定报送年度工作报告")
    assert Organization.objects.get(pk=tibet_org.pk).on_abnormal_list
    with pytest.raises(ApplicationError, match="已在此名录中"):
        services.record_add(actor=xizang_staff, organization=tibet_org, kind="listentry", list_kind="abnormal",
                            entered_on=D(2025, 8, 1), ground="重复")
    with pytest.raises(ApplicationError, match="不能早于列入日期"):
        services.list_entry_remove(actor=xizang_staff, entry=entry, removed_on=D(2025, 6, 30), reason="补报")
    services.list_entry_remove(actor=xizang_staff, entry=entry, removed_on=D(2025, 9, 1), reason="已补报")
    org = Organization.objects.get(pk=tibet_org.pk)
    assert not org.on_abnormal_list
    assert CreditListEntry.objects.get(pk=entry.pk).removal_reason == "已补报"
    with pytest.raises(ApplicationError, match="已移出"):
        services.list_entry_remove(actor=xizang_staff, entry=entry, removed_on=D(2025, 9, 2), reason="再移")
