"""The round through the API (issue 10, point 9): the same services and step table as the pages."""

from __future__ import annotations

import datetime

import pytest

from portal.models import AuditAction, AuditEntry
from registry import commendation
from registry.models import CommendationRound, Nomination
from tests.registry.test_commendation import org

pytestmark = pytest.mark.django_db
D = datetime.date
JSON = "application/json"


@pytest.fixture
def round_(ministry_staff):
    return commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织", reference_date=D(2025, 6, 30),
                                   quotas={"330000": 1, "130000": 1})


def test_only_the_ministry_opens_a_round(client, zhejiang_staff, ministry_staff):
    data = {"title": "第四届", "reference_date": "2026-06-30", "quotas": {"330000": 5}}
    client.force_login(zhejiang_staff)
    assert client.post("/api/registry/rounds/", data, content_type=JSON).status_code == 403
    assert not CommendationRound.objects.exists()
    client.force_login(ministry_staff)
    response = client.post("/api/registry/rounds/", data, content_type=JSON)
    assert response.status_code == 201, response.json()
    round_ = CommendationRound.objects.get(pk=response.json()["id"])
    assert round_.quota_for(zhejiang_staff.authority) == 5
    assert response.json()["province_quotas"][0]["quota"] == 5
    over = client.post("/api/registry/rounds/", {**data, "local_quota": 3}, content_type=JSON)
    assert over.status_code == 400 and "超过地方名额" in over.json()["detail"]
    client.force_login(zhejiang_staff)
    assert client.get(f"/api/registry/rounds/{round_.pk}/").json()["title"] == "第四届"


def test_nominate_within_quota_then_400_in_chinese(client, round_, zhejiang_staff):
    first, second = org(name="浙江省甲协会"), org(name="浙江省乙协会")
    client.force_login(zhejiang_staff)
    response = client.post("/api/registry/nominations/", {"round": round_.pk, "organization": first.pk,
                                                          "reason": "服务大局成效突出"}, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["stage"] == "nominated" and response.json()["next_stages"][0] == "first_reviewed"
    response = client.post("/api/registry/nominations/", {"round": round_.pk, "organization": second.pk,
                                                          "reason": "服务大局成效突出"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"].endswith("的名额为 1 个，已推荐 1 个，不能再推荐。")
    assert Nomination.objects.count() == 1


def test_another_province_neither_sees_nor_moves_a_nominee(client, round_, zhejiang_staff, hebei_staff,
                                                           ministry_staff):
    nominee = commendation.nominate(actor=zhejiang_staff, round_=round_, organization=org(), reason="好")
    client.force_login(hebei_staff)
    assert client.get(f"/api/registry/nominations/{nominee.pk}/").status_code == 404
    assert client.get("/api/registry/nominations/").json()["results"] == []
    step = client.post(f"/api/registry/nominations/{nominee.pk}/step/", {"to_stage": "first_reviewed"},
                       content_type=JSON)
    assert step.status_code == 404
    nominee.refresh_from_db()
    assert nominee.stage == "nominated"
    client.force_login(ministry_staff)
    assert [r["id"] for r in client.get("/api/registry/nominations/").json()["results"]] == [nominee.pk]


def test_a_step_through_the_api_is_the_pages_step(client, round_, zhejiang_staff):
    by_api = commendation.nominate(actor=zhejiang_staff, round_=round_, organization=org(name="浙江省甲协会"),
                                   reason="好")
    client.force_login(zhejiang_staff)
    response = client.post(f"/api/registry/nominations/{by_api.pk}/step/",
                           {"to_stage": "first_reviewed", "opinion": "同意"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "first_reviewed"
    assert response.json()["next_stages"] == ["second_reviewed", "rejected", "withdrawn"]
    api_entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).order_by("-id").first()
    api_step = by_api.steps.order_by("-id").first()
    # the same step on the page (the quota is 1: the nominee is put back a step, and stepped there)
    Nomination.objects.filter(pk=by_api.pk).update(stage="nominated")
    assert client.post(f"/registry/nominations/{by_api.pk}/step/",
                       {"to_stage": "first_reviewed", "opinion": "同意"}).status_code == 302
    page_entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).order_by("-id").first()
    page_step = by_api.steps.order_by("-id").first()
    assert page_entry.pk != api_entry.pk
    for entry in (api_entry, page_entry):
        assert (entry.note, entry.user, entry.object_id) == ("浙江省甲协会：初审", zhejiang_staff, str(by_api.pk))
        assert entry.before["stage"] == "nominated" and entry.after["stage"] == "first_reviewed"
    for step in (api_step, page_step):
        assert (step.stage, step.opinion, step.by) == ("first_reviewed", "同意", zhejiang_staff)
    # the step table refuses a skipped step in Chinese, as the page does
    skipped = client.post(f"/api/registry/nominations/{by_api.pk}/step/", {"to_stage": "forwarded"},
                          content_type=JSON)
    assert skipped.status_code == 400 and skipped.json()["detail"] == "“初审通过”之后不能进行此操作。"
    # a publicity period still running is refused next to its field
    client.post(f"/api/registry/nominations/{by_api.pk}/step/", {"to_stage": "second_reviewed"}, content_type=JSON)
    early = client.post(f"/api/registry/nominations/{by_api.pk}/step/",
                        {"to_stage": "publicity_1", "starts_on": "2099-01-01", "ends_on": "2099-01-10"},
                        content_type=JSON)
    assert early.status_code == 400 and early.json()["errors"]["ends_on"] == ["公示期结束后才能登记公示结果。"]


def test_candidates_say_why_an_organization_is_excluded(client, round_, zhejiang_staff, hebei_staff):
    good = org(name="浙江省甲协会")
    bad = org(name="浙江省乙协会", years=[2021, 2022, 2024])
    client.force_login(zhejiang_staff)
    response = client.get(f"/api/registry/rounds/{round_.pk}/candidates/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[good.pk]["eligible"] and rows[good.pk]["failures"] == []
    assert not rows[bad.pk]["eligible"] and rows[bad.pk]["failures"] == ["2023年度年检未合格或年报未报送"]
    client.force_login(hebei_staff)
    assert {row["id"] for row in client.get(f"/api/registry/rounds/{round_.pk}/candidates/").json()["results"]} \
        .isdisjoint({good.pk, bad.pk})
