"""Who acts on which nominee (issue 10, point 6): a province nominates, reviews, publicises and forwards its own;
the ministry reads every nominee but takes none of a province's steps — it nominates and moves only the
organizations it registered itself (the 部管 quota).  Each refused request below is the test: it fails and
changes nothing, on the page and through the API alike."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from portal.models import AuditAction, AuditEntry
from portal.services import ApplicationError
from registry import commendation
from registry.choices import NominationStage as S
from registry.models import Nomination
from tests.registry.test_commendation import org

pytestmark = pytest.mark.django_db
D = datetime.date
JSON = "application/json"


@pytest.fixture
def round_(ministry_staff):
    return commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织", reference_date=D(2025, 6, 30),
                                   quotas={"330000": 2}, ministry_quota=130)


@pytest.fixture
def zj_nominee(round_, zhejiang_staff):
    return commendation.nominate(actor=zhejiang_staff, round_=round_, organization=org(), reason="成效突出")


def unchanged(nominee, stage=S.NOMINATED, steps=1):
    nominee.refresh_from_db()
    assert nominee.stage == stage and nominee.steps.count() == steps


def test_the_ministry_cannot_review_a_provinces_nominee_on_the_page(client, zj_nominee, ministry_staff):
    client.force_login(ministry_staff)
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE).count()
    for stage in (S.FIRST_REVIEWED, S.REJECTED, S.WITHDRAWN):
        response = client.post(reverse("registry:nomination-step", args=[zj_nominee.pk]),
                               {"to_stage": stage, "opinion": "部里代为处理"})
        assert response.status_code == 404, stage
    unchanged(zj_nominee)
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == updates


def test_the_ministry_cannot_review_a_provinces_nominee_through_the_api(client, zj_nominee, ministry_staff):
    client.force_login(ministry_staff)
    response = client.post(f"/api/registry/nominations/{zj_nominee.pk}/step/",
                           {"to_stage": "first_reviewed", "opinion": "同意"}, content_type=JSON)
    assert response.status_code == 404
    unchanged(zj_nominee)
    with pytest.raises(ApplicationError, match="不属于您所在的单位"):
        commendation.nomination_advance(actor=ministry_staff, nomination=zj_nominee, to_stage=S.FIRST_REVIEWED)
    unchanged(zj_nominee)


def test_the_ministry_cannot_publicise_or_forward_for_a_province(client, zj_nominee, zhejiang_staff, ministry_staff):
    for stage in (S.FIRST_REVIEWED, S.SECOND_REVIEWED):
        commendation.nomination_advance(actor=zhejiang_staff, nomination=zj_nominee, to_stage=stage)
    client.force_login(ministry_staff)
    publicity = {"to_stage": "publicity_1", "starts_on": "2025-08-01", "ends_on": "2025-08-07"}
    assert client.post(reverse("registry:nomination-step", args=[zj_nominee.pk]), publicity).status_code == 404
    assert client.post(f"/api/registry/nominations/{zj_nominee.pk}/step/", publicity,
                       content_type=JSON).status_code == 404
    unchanged(zj_nominee, S.SECOND_REVIEWED, 3)
    for i, stage in enumerate((S.PUBLICITY_1, S.PUBLICITY_2, S.PUBLICITY_3)):
        start = D(2025, 8, 1) + datetime.timedelta(days=10 * i)
        commendation.nomination_advance(actor=zhejiang_staff, nomination=zj_nominee, to_stage=stage, starts_on=start,
                                        ends_on=start + datetime.timedelta(days=6), today=D(2025, 9, 30))
    forward = {"to_stage": "forwarded", "opinion": "报送"}
    assert client.post(reverse("registry:nomination-step", args=[zj_nominee.pk]), forward).status_code == 404
    assert client.post(f"/api/registry/nominations/{zj_nominee.pk}/step/", forward,
                       content_type=JSON).status_code == 404
    unchanged(zj_nominee, S.PUBLICITY_3, 6)
    assert list(commendation.national_list(zj_nominee.round, ministry_staff)) == []  # not forwarded by the ministry


def test_the_ministry_cannot_nominate_a_provinces_organization(client, round_, ministry_staff):
    target = org(name="浙江省被代推荐协会")
    client.force_login(ministry_staff)
    response = client.post(reverse("registry:organization-nominate", args=[target.pk]),
                           {"round": round_.pk, "reason": "部里代为推荐"})
    assert response.status_code == 302
    api = client.post("/api/registry/nominations/", {"round": round_.pk, "organization": target.pk,
                                                     "reason": "部里代为推荐"}, content_type=JSON)
    assert api.status_code == 400 and "只能推荐本省" in api.json()["detail"]
    assert not Nomination.objects.exists()


def test_the_ministry_reads_every_nominee_without_step_forms(client, round_, zj_nominee, ministry_staff):
    client.force_login(ministry_staff)
    assert client.get(f"/api/registry/nominations/{zj_nominee.pk}/").status_code == 200
    assert [r["id"] for r in client.get("/api/registry/nominations/").json()["results"]] == [zj_nominee.pk]
    page = client.get(reverse("registry:round-detail", args=[round_.pk])).content.decode()
    assert "浙江省先进协会" in page
    assert reverse("registry:nomination-step", args=[zj_nominee.pk]) not in page


def test_the_ministry_nominates_and_moves_its_own_registered_organizations(client, round_, ministry_staff,
                                                                          zhejiang_staff):
    own = org(code="000000", name="中国先进促进会")
    client.force_login(ministry_staff)
    response = client.post(reverse("registry:organization-nominate", args=[own.pk]),
                           {"round": round_.pk, "reason": "全国性社会组织成效突出"})
    assert response.status_code == 302
    nominee = Nomination.objects.get(organization=own)
    assert nominee.authority.code == "000000"
    page = client.get(reverse("registry:round-detail", args=[round_.pk])).content.decode()
    assert "部管社会组织名额" in page and "名额 <strong>130</strong> 个，已推荐 <strong>1</strong> 个" in page
    assert reverse("registry:nomination-step", args=[nominee.pk]) in page
    response = client.post(f"/api/registry/nominations/{nominee.pk}/step/", {"to_stage": "first_reviewed"},
                           content_type=JSON)
    assert response.status_code == 200 and response.json()["stage"] == "first_reviewed"
    # and a province cannot move the ministry's nominee
    client.force_login(zhejiang_staff)
    assert client.post(f"/api/registry/nominations/{nominee.pk}/step/", {"to_stage": "second_reviewed"},
                       content_type=JSON).status_code == 404
    nominee.refresh_from_db()
    assert nominee.stage == S.FIRST_REVIEWED
