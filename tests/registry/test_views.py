"""The register's pages and API: the permission matrix and what each reader is shown."""

import pytest

from portal.models import Authority
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


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
