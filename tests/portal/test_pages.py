"""Permission matrix of the foundation's pages and endpoints (registry and the pairing table)."""

import pytest

from aid_projects.models import Pairing
from portal.models import Authority
from registry.demo import credit_code
from registry.models import Organization
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def tibet_org():
    return Organization.objects.create(credit_code=credit_code("social_group", "540000", "MJ5400009"),
                                       name="西藏自治区测试协会", kind="social_group",
                                       authority=Authority.objects.get(code="540000"))


@pytest.fixture
def zhejiang_org():
    return Organization.objects.create(credit_code=credit_code("foundation", "330000", "MJ3300009"),
                                       name="浙江省测试基金会", kind="foundation",
                                       authority=Authority.objects.get(code="330000"))


def test_registry_pages(client, tibet_org, zhejiang_org, xizang_staff, zhejiang_staff, no_role_user):
    response = assert_permission_matrix(client, "/registry/organizations/", own=xizang_staff, no_perm=no_role_user)
    html = response.content.decode()
    assert "西藏自治区测试协会" in html and "浙江省测试基金会" not in html
    assert_permission_matrix(client, f"/registry/organizations/{tibet_org.pk}/", own=xizang_staff,
                             no_perm=no_role_user, other=zhejiang_staff)
    data = assert_permission_matrix(client, "/api/registry/organizations/", own=xizang_staff,
                                    no_perm=no_role_user).json()
    assert [o["name"] for o in data["results"]] == ["西藏自治区测试协会"]
    assert_permission_matrix(client, f"/api/registry/organizations/{tibet_org.pk}/", own=xizang_staff,
                             no_perm=no_role_user, other=zhejiang_staff)


def test_ministry_sees_every_province(client, tibet_org, zhejiang_org, ministry_staff):
    client.force_login(ministry_staff)
    names = {o["name"] for o in client.get("/api/registry/organizations/").json()["results"]}
    assert {"西藏自治区测试协会", "浙江省测试基金会"} <= names
    filtered = client.get("/api/registry/organizations/", {"province": Authority.objects.get(code="330000").pk})
    assert {o["name"] for o in filtered.json()["results"]} == {"浙江省测试基金会"}


def test_credit_code_is_validated(tibet_org):
    from django.core.exceptions import ValidationError

    tibet_org.credit_code = tibet_org.credit_code[:-1] + ("0" if tibet_org.credit_code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        tibet_org.full_clean()


def test_pairing_pages_ministry_edits_provinces_read(client, ministry_staff, zhejiang_staff, no_role_user):
    pairing = Pairing.objects.first()
    response = assert_permission_matrix(client, "/aid/pairings/", own=zhejiang_staff, no_perm=no_role_user)
    assert "那曲市" in response.content.decode()
    assert_permission_matrix(client, "/aid/pairings/new/", own=ministry_staff, no_perm=zhejiang_staff)
    assert_permission_matrix(client, f"/aid/pairings/{pairing.pk}/", own=ministry_staff, no_perm=zhejiang_staff)
    assert_permission_matrix(client, "/api/aid/pairings/", own=zhejiang_staff, no_perm=no_role_user)
    assert_permission_matrix(client, f"/api/aid/pairings/{pairing.pk}/", own=zhejiang_staff, no_perm=no_role_user)
    client.force_login(zhejiang_staff)
    assert client.patch(f"/api/aid/pairings/{pairing.pk}/", {"source_note": "x"},
                        content_type="application/json").status_code == 403


def test_pairing_form_says_what_is_wrong_in_chinese(client, ministry_staff):
    client.force_login(ministry_staff)
    lhasa = Authority.objects.get(code="540100")
    response = client.post("/aid/pairings/new/", {
        "program": "援疆", "aiding_authority": Authority.objects.get(code="330000").pk,
        "recipient_province": Authority.objects.get(code="650000").pk, "recipient_area": lhasa.pk,
        "level": "prefecture", "confidence": "high", "valid_from": "2025-06-01", "valid_to": "2025-01-01",
        "source_note": "新增的结对",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["recipient_area"] == ["受援地市不属于所选受援省份。"]
    assert errors["valid_to"] == ["终止日期不能早于起始日期。"]
    assert "新增的结对" in response.content.decode()


def test_api_schema_and_docs_need_login(client, xizang_staff):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(xizang_staff)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_healthz_answers_when_database_and_redis_do(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_empty_choice_reads_in_chinese():
    from django import forms

    class F(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")])

    html = str(F()["kind"])
    assert ">请选择</option>" in html and "---------" not in html
