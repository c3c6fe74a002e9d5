"""Permission matrix of the foundation's pages and endpoints: the pairing table."""

import pytest

from aid_projects.models import Pairing
from portal.models import Authority
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


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
    assert response.status_code == 200 and response.json() == {"status": "ok", "redis": "ok"}


def test_empty_choice_reads_in_chinese():
    from django import forms

    class F(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")])

    html = str(F()["kind"])
    assert ">请选择</option>" in html and "---------" not in html
