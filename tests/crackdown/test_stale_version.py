"""A stale version (optimistic lock) is refused the same way everywhere: 409 with the Chinese message in
the API (one exception handler), the form shown again with the message in the browser (one base view)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crackdown.choices import CaseStage
from crackdown.models import Case

pytestmark = pytest.mark.django_db
API = "/api/crackdown"
STALE = "该案件已被他人修改，请刷新后重试。"


def test_api_answers_409_with_the_message_and_the_current_version(client, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff)
    client.force_login(hebei_approver)
    step = client.post(f"{API}/cases/{case.pk}/transition/", {"to_stage": "investigation", "version": 0},
                       content_type="application/json")
    assert step.status_code == 409 and step.json() == {"detail": STALE, "version": case.version}
    edit = client.patch(f"{API}/cases/{case.pk}/", {"version": 0, "summary": "乙"}, content_type="application/json")
    assert edit.status_code == 409 and edit.json()["detail"] == STALE
    assert Case.objects.get(pk=case.pk).stage == CaseStage.FILING


def test_other_refusals_keep_400(client, make_case, hebei_staff):
    case = make_case(hebei_staff)
    client.force_login(hebei_staff)  # the requester cannot approve their own 立案申请
    response = client.post(f"{API}/cases/{case.pk}/transition/", {"to_stage": "investigation",
                                                                  "version": case.version},
                           content_type="application/json")
    assert response.status_code == 400 and "version" not in response.json()


def test_the_step_page_shows_the_stale_message(client, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff)
    client.force_login(hebei_approver)
    response = client.post(reverse("crackdown:case-transition", args=[case.pk, "investigation"]),
                           {"version": case.version - 1, "note": "同意"})
    assert response.status_code == 409
    assert STALE in response.content.decode()
    assert response.context["form"].non_field_errors() == [STALE]
