"""The register's pages: the permission matrix, and what each reader is shown and may do.

The register is public information: another province reads an organization's page (200) but its edit
pages answer 404 (outside what that user may change), like any other province's object.
"""

import pytest

from portal.models import AuditEntry, Authority
from registry.models import CreditListEntry, Organization, Penalty
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


def test_list_and_api_are_read_by_every_province(client, tibet_org, zhejiang_org, xizang_staff, no_role_user):
    response = assert_permission_matrix(client, "/registry/organizations/", own=xizang_staff, no_perm=no_role_user)
    html = response.content.decode()
    assert "西藏自治区测试协会" in html and "浙江省测试基金会" in html
    data = assert_permission_matrix(client, "/api/registry/organizations/", own=xizang_staff,
                                    no_perm=no_role_user).json()
    assert {o["name"] for o in data["results"]} == {"西藏自治区测试协会", "浙江省测试基金会"}


def test_another_provinces_organization_page_is_read_without_edit_buttons(client, tibet_org, xizang_staff,
                                                                           zhejiang_staff, no_role_user):
    url = f"/registry/organizations/{tibet_org.pk}/"
    own = assert_permission_matrix(client, url, own=xizang_staff, no_perm=no_role_user).content.decode()
    assert "修改登记信息" in own and "信用时间轴" in own
    other = assert_permission_matrix(client, url, own=zhejiang_staff).content.decode()
    assert "西藏自治区测试协会" in other and "修改登记信息" not in other and "登记行政处罚" not in other
    assert_permission_matrix(client, f"/api/registry/organizations/{tibet_org.pk}/", own=zhejiang_staff,
                             no_perm=no_role_user)


@pytest.mark.parametrize("path", ["edit/", "records/penalty/new/", "records/inspection/new/",
                                  "records/evaluation/new/", "records/listentry/new/", "records/branch/new/",
                                  "records/formername/new/"])
def test_edit_pages_matrix(client, tibet_org, xizang_staff, zhejiang_staff, no_role_user, path):
    response = assert_permission_matrix(client, f"/registry/organizations/{tibet_org.pk}/{path}", own=xizang_staff,
                                        no_perm=no_role_user, other=zhejiang_staff)
    assert "<form" in response.content.decode()


def test_unknown_record_kind_is_404(client, tibet_org, xizang_staff):
    client.force_login(xizang_staff)
    assert client.get(f"/registry/organizations/{tibet_org.pk}/records/bogus/new/").status_code == 404


def test_list_entry_removal_matrix(client, tibet_org, xizang_staff, zhejiang_staff, no_role_user):
    entry = CreditListEntry.objects.create(organization=tibet_org, list_kind="abnormal",
                                           entered_on="2026-01-05", ground="未报送年报")
    response = assert_permission_matrix(client, f"/registry/list-entries/{entry.pk}/remove/", own=xizang_staff,
                                        no_perm=no_role_user, other=zhejiang_staff)
    assert "移出事由" in response.content.decode()


def test_create_page_matrix_and_a_province_registers_its_own(client, xizang_staff, no_role_user):
    from registry.demo import credit_code

    assert_permission_matrix(client, "/registry/organizations/new/", own=xizang_staff, no_perm=no_role_user)
    client.force_login(xizang_staff)
    lhasa = Authority.objects.get(code="540100")
    response = client.post("/registry/organizations/new/", {
        "name": "拉萨市登山协会", "credit_code": credit_code("social_group", "540100", "MJ5401001"),
        "kind": "social_group", "authority": lhasa.pk, "status": "normal"})
    org = Organization.objects.get(name="拉萨市登山协会")
    assert response.status_code == 302 and response["Location"] == f"/registry/organizations/{org.pk}/"
    assert AuditEntry.objects.filter(action="create", object_repr="拉萨市登山协会").exists()


def test_a_province_cannot_register_for_another_provinces_authority(client, xizang_staff):
    from registry.demo import credit_code

    client.force_login(xizang_staff)
    response = client.post("/registry/organizations/new/", {
        "name": "杭州市登山协会", "credit_code": credit_code("social_group", "330100", "MJ3301001"),
        "kind": "social_group", "authority": Authority.objects.get(code="330100").pk, "status": "normal"})
    assert response.status_code == 200
    assert "authority" in response.context["form"].errors
    assert not Organization.objects.filter(name="杭州市登山协会").exists()


def test_wrong_kind_for_the_code_is_shown_beside_the_field(client, xizang_staff):
    from registry.demo import credit_code

    client.force_login(xizang_staff)
    response = client.post("/registry/organizations/new/", {
        "name": "西藏自治区错码基金会", "credit_code": credit_code("social_group", "540000", "MJ5400077"),
        "kind": "foundation", "authority": Authority.objects.get(code="540000").pk, "status": "normal"})
    assert response.status_code == 200
    assert "与类型" in str(response.context["form"].errors["credit_code"])
    assert not Organization.objects.filter(name="西藏自治区错码基金会").exists()


def test_own_penalty_is_added_and_appears_on_the_timeline(client, tibet_org, xizang_staff):
    client.force_login(xizang_staff)
    response = client.post(f"/registry/organizations/{tibet_org.pk}/records/penalty/new/", {
        "decided_on": "2025-03-01", "penalty_type": "fine", "amount": "1.50", "document_number": "藏民罚〔2025〕3号",
        "reason": "未按章程开展活动"})
    assert response.status_code == 302
    assert Penalty.objects.get(organization=tibet_org).amount == 1.5
    page = client.get(f"/registry/organizations/{tibet_org.pk}/").content.decode()
    assert "行政处罚：罚款" in page and "藏民罚〔2025〕3号" in page


def test_revocation_needs_date_and_reason(client, tibet_org, xizang_staff):
    client.force_login(xizang_staff)
    response = client.post(f"/registry/organizations/{tibet_org.pk}/edit/", {
        "name": tibet_org.name, "kind": tibet_org.kind, "authority": tibet_org.authority_id, "status": "revoked"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "须填写日期" in str(errors["status_changed_on"]) and "须填写原因" in str(errors["status_reason"])
    tibet_org.refresh_from_db()
    assert tibet_org.status == "normal"


def test_ministry_sees_every_province_and_filters_by_one(client, tibet_org, zhejiang_org, ministry_staff):
    client.force_login(ministry_staff)
    names = {o["name"] for o in client.get("/api/registry/organizations/").json()["results"]}
    assert {"西藏自治区测试协会", "浙江省测试基金会"} <= names
    filtered = client.get("/api/registry/organizations/", {"province": Authority.objects.get(code="330000").pk})
    assert {o["name"] for o in filtered.json()["results"]} == {"浙江省测试基金会"}


def test_list_page_shows_count_and_next_link(client, orgs, xizang_staff):
    client.force_login(xizang_staff)
    html = client.get("/registry/organizations/", {"q": "协会"}).content.decode()
    assert "共 2 个社会组织" in html and "河北省书法家协会" in html and "浙江省书画研究会" not in html
    api = client.get("/api/registry/organizations/", {"q": "协会"}).json()
    assert api["count"] == 2 and api["count_exact"] and api["next"] is None
