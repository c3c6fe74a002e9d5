# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md, branch i17h)
# Copy into tests/crackdown/ of each checkout, run with I17H_OUT=FILE.pkl pytest --create-db (a TEST_DB_NAME each),
# compare the two pickles as bench/_page_cpu/cmp.py does: the home page with more than ten items in every panel.
"""i17h: the home page with more than ten items a panel, dumped for a byte comparison of two checkouts."""
import datetime
import os
import pickle

import pytest
from django.utils import timezone

from aid_projects.choices import ListKind as AidKind, ListStatus as AidStatus, MatchStatus
from aid_projects.models import AidList, Match, Reminder
from crackdown.choices import CaseStage, ListKind, ListStatus
from crackdown.models import Case, Lead, ListBatch
from portal.models import Authority, Job
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.factories import make_user

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30))


def test_dump(client, make_lead, make_case, hebei_staff, hebei_approver, hebei_reviewer, ministry_staff,
              xizang_staff, xizang_liaison, zhejiang_staff):
    today = timezone.localdate()
    for i in range(13):
        lead = make_lead(hebei_staff, f"待核查组织{i}")
        if i % 4 == 0:
            Lead.objects.filter(pk=lead.pk).update(check_due=today - datetime.timedelta(days=i + 1))
    for i in range(12):
        make_case(hebei_staff, name=f"待审批案件{i}")
    make_case(hebei_approver, name="审批人自己申请的案件")
    for i in range(11):
        case = make_case(hebei_staff, CaseStage.INVESTIGATION, name=f"在办案件{i}")
        if i % 3 == 0:
            Case.objects.filter(pk=case.pk).update(deadline=today - datetime.timedelta(days=2))
        if i % 3 == 1:
            Case.objects.filter(pk=case.pk).update(step_due=today - datetime.timedelta(days=1))
    for i in range(11):
        make_case(hebei_staff, CaseStage.LEGAL_REVIEW, name=f"待法制审核案件{i}")
    hebei = Authority.objects.get(code="130000")
    for i in range(11):
        ListBatch.objects.create(kind=ListKind.BANNED if i % 2 else ListKind.SUSPECTED, number=f"2026年第{i}批",
                                 authority=hebei, status=ListStatus.SUBMITTED, submitted_by=hebei_staff,
                                 submitted_at=AT + datetime.timedelta(hours=i), created_by=hebei_staff)
    campaign = make_campaign(2026, is_open=True)
    provinces = list(Authority.objects.provinces().exclude(code="540000").order_by("code"))
    kinds = (AidKind.LIAISON, AidKind.NEED, AidKind.SUPPLY)
    for i in range(11):
        aid_list = make_list(campaign, provinces[i // 3].code, kinds[i % 3], AidStatus.SUBMITTED)
        AidList.objects.filter(pk=aid_list.pk).update(submitted_at=AT + datetime.timedelta(minutes=i))
    needs = make_list(campaign, "540000", AidKind.NEED, AidStatus.ACCEPTED)
    make_list(campaign, "540000", AidKind.LIAISON, AidStatus.RETURNED)
    supply = make_item(make_list(campaign, "330000", AidKind.SUPPLY, AidStatus.ACCEPTED), name="助学暖冬",
                       place_code="330000")
    for i in range(11):
        Match.objects.create(need=make_item(needs, name=f"牧区小学{i}", place_code="540602"), supply=supply,
                             status=MatchStatus.PROPOSED)
    tibet = Authority.objects.get(code="540000")
    for i in range(6):
        Reminder.objects.create(campaign=campaign, authority=tibet, message=f"请尽快报送（第{i}次）", sent_by=ministry_staff)
    for user in (hebei_staff, xizang_staff, ministry_staff):
        for i in range(6):
            Job.objects.create(kind="crackdown_statistics", title=f"统计导出{i}", created_by=user,
                               authority=user.authority, status=["queued", "running", "succeeded", "failed"][i % 4])
    lead = make_lead(ministry_staff, "部里收到的线索组织", authority=ministry_staff.authority, source="ministry")
    pages = {}
    for user in (hebei_staff, hebei_approver, hebei_reviewer, ministry_staff, xizang_staff, xizang_liaison,
                 zhejiang_staff):
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200
        pages[user.username] = response.content
    pickle.dump(pages, open(os.environ["I17H_OUT"], "wb"))
