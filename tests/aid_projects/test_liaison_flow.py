"""The liaison officers' flow on the 附件1 page: back to the page after saving, 复制上年度联络员, and the
unit choice grouped by prefecture with a filter box."""

import re

import pytest

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import Liaison
from portal.models import AuditEntry, Authority
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_liaison, make_list
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_year(db):
    return make_campaign(2026)


@pytest.fixture
def liaison_list(this_year):
    return make_list(this_year, "540000", ListKind.LIAISON)


def form_data(campaign, code="540100", name="扎西"):
    return {"campaign": campaign.pk, "authority": Authority.objects.get(code=code).pk, "name": name,
            "unit": "拉萨市民政局", "work_phone": "0891-6320000", "mobile": "13908900000",
            "email": "zhaxi@example.cn"}


def test_saving_a_liaison_returns_to_the_attachment_1_page(client, xizang_liaison, this_year, liaison_list):
    client.force_login(xizang_liaison)
    page = client.get(f"/aid/lists/{liaison_list.pk}/").content.decode()
    assert f"/aid/liaisons/new/?list={liaison_list.pk}" in page
    response = client.post(f"/aid/liaisons/new/?list={liaison_list.pk}", form_data(this_year))
    assert response.status_code == 302 and response["Location"] == f"/aid/lists/{liaison_list.pk}/"
    liaison = Liaison.objects.get(name="扎西")
    page = client.get(f"/aid/lists/{liaison_list.pk}/").content.decode()
    assert f"/aid/liaisons/{liaison.pk}/?list={liaison_list.pk}" in page  # 修改 returns here too
    response = client.post(f"/aid/liaisons/{liaison.pk}/?list={liaison_list.pk}",
                           form_data(this_year, name="扎西次仁"))
    assert response["Location"] == f"/aid/lists/{liaison_list.pk}/"


def test_another_provinces_list_is_not_a_place_to_return_to(client, xizang_liaison, this_year):
    other = make_list(this_year, "510000", ListKind.LIAISON)
    client.force_login(xizang_liaison)
    response = client.post(f"/aid/liaisons/new/?list={other.pk}", form_data(this_year))
    assert response.status_code == 302 and response["Location"] == "/aid/liaisons/"


def test_copy_last_years_liaisons_into_the_draft(xizang_liaison, this_year, liaison_list):
    last_year = make_campaign(2025)
    make_liaison(last_year, "540000", name="卓玛")
    make_liaison(last_year, "540100", name="扎西")
    make_liaison(last_year, "510000", name="别省的人")  # 四川: not 西藏's to copy
    make_liaison(this_year, "540100", name="新任扎西")  # already named this year: kept
    assert services.liaisons_copy_previous(aid_list=liaison_list, user=xizang_liaison) == 1
    names = dict(Liaison.objects.filter(campaign=this_year).values_list("authority__code", "name"))
    assert names == {"540000": "卓玛", "540100": "新任扎西"}
    assert AuditEntry.objects.filter(note="复制自2025年度援藏援疆项目对接").count() == 1
    with pytest.raises(ApplicationError, match="没有可复制的联络员"):
        services.liaisons_copy_previous(aid_list=liaison_list, user=xizang_liaison)


def test_copy_refused_without_a_previous_campaign_or_once_submitted(xizang_liaison, this_year, liaison_list):
    with pytest.raises(ApplicationError, match="没有上一年度"):
        services.liaisons_copy_previous(aid_list=liaison_list, user=xizang_liaison)
    make_liaison(make_campaign(2025), "540000", name="卓玛")
    liaison_list.status = ListStatus.SUBMITTED
    liaison_list.save(update_fields=["status"])
    with pytest.raises(ApplicationError, match="已报送"):
        services.liaisons_copy_previous(aid_list=liaison_list, user=xizang_liaison)


def test_copy_button_and_its_permission_matrix(client, xizang_liaison, zhejiang_staff, ministry_staff, this_year,
                                               liaison_list):
    make_liaison(make_campaign(2025), "540000", name="卓玛")
    client.force_login(xizang_liaison)
    assert "复制上年度联络员" in client.get(f"/aid/lists/{liaison_list.pk}/").content.decode()
    client.logout()
    assert_permission_matrix(client, f"/aid/lists/{liaison_list.pk}/copy-liaisons/", method="post", data={},
                             own=xizang_liaison, no_perm=ministry_staff, other=zhejiang_staff, ok_status=302)
    assert Liaison.objects.filter(campaign=this_year, name="卓玛").exists()


def test_unit_choice_is_grouped_by_prefecture_and_searchable(client, xizang_liaison, liaison_list):
    client.force_login(xizang_liaison)
    page = client.get(f"/aid/liaisons/new/?list={liaison_list.pk}").content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    assert groups[0] == "省级" and "西藏自治区拉萨市" in groups and "西藏自治区阿里地区" in groups
    assert len(groups) == 8  # 省级 and 西藏's seven prefectures
    lhasa = page[page.index('<optgroup label="西藏自治区拉萨市">'):]
    lhasa = lhasa[:lhasa.index("</optgroup>")]
    assert "拉萨市（地市本级） 540100" in lhasa and "城关区 540102" in lhasa and "色尼区" not in lhasa
    assert "data-searchable" in page and "输入名称或区划代码筛选" in page
    assert "四川省" not in page  # only the user's own province
    assert "返回西藏自治区附件1" in page
