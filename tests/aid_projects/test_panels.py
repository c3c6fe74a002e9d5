"""The 援藏援疆 home panels: the first ten items and the true count (issue 17: the COUNT only when ten came back)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aid_projects.choices import ListKind, ListStatus, MatchStatus
from aid_projects.models import AidList, Match
from aid_projects.panels import aid_lists_to_review, aid_matches_to_answer
from portal.models import Authority
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db


def badge(page: str, title: str) -> str:
    return re.search(re.escape(title) + r' <span class="badge[^"]*panel-count">([^<（]+)', page).group(1)


def counts(sql: list[dict]) -> int:
    return sum(1 for query in sql if query["sql"].startswith("SELECT COUNT("))


def submitted_lists(n: int) -> None:
    """``n`` lists waiting for the ministry: one a kind for as many provinces as that takes."""
    campaign = make_campaign()
    provinces = Authority.objects.provinces().order_by("code")
    kinds = (ListKind.LIAISON, ListKind.NEED, ListKind.SUPPLY)
    for i in range(n):
        aid_list = make_list(campaign, provinces[i // 3].code, kinds[i % 3], ListStatus.SUBMITTED)
        AidList.objects.filter(pk=aid_list.pk).update(submitted_at=timezone.now())


def proposals_to_tibet(n: int) -> None:
    """``n`` 意向对接 from 浙江 on 西藏's accepted need list, waiting for 西藏's answer."""
    campaign = make_campaign()
    needs = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    supplies = make_list(campaign, "330000", ListKind.SUPPLY, ListStatus.ACCEPTED)
    supply = make_item(supplies, name="助学暖冬", place_code="330000")
    for i in range(n):
        Match.objects.create(need=make_item(needs, name=f"牧区小学{i}", place_code="540602"), supply=supply,
                             status=MatchStatus.PROPOSED)


@pytest.mark.parametrize("waiting", [9, 10, 11])
def test_lists_to_review_show_the_true_count(waiting, client, ministry_staff):
    submitted_lists(waiting)
    ministry_staff.get_all_permissions()  # the account's roles and permissions read before counting
    with CaptureQueriesContext(connection) as ctx:
        panel = aid_lists_to_review(ministry_staff)
    assert (len(panel.items), panel.total, panel.total_label) == (min(waiting, 10), waiting, str(waiting))
    # fewer than ten came back: they are all there is, no COUNT (the old panel counted every time)
    assert counts(ctx.captured_queries) == (0 if waiting < 10 else 1)
    assert len(ctx.captured_queries) <= (2 if waiting < 10 else 3)  # the open campaign, the lists, the COUNT
    client.force_login(ministry_staff)
    page = client.get(reverse("home")).content.decode()
    assert badge(page, "待审核的援藏援疆清单") == str(waiting)
    assert page.count(reverse("aid_projects:list-detail", args=[AidList.objects.order_by("submitted_at")[0].pk])) == 1


@pytest.mark.parametrize("waiting", [9, 10, 11])
def test_matches_to_answer_show_the_true_count(waiting, client, xizang_staff):
    proposals_to_tibet(waiting)
    xizang_staff.get_all_permissions()
    with CaptureQueriesContext(connection) as ctx:
        panel = aid_matches_to_answer(xizang_staff)
    assert (len(panel.items), panel.total, panel.total_label) == (min(waiting, 10), waiting, str(waiting))
    assert counts(ctx.captured_queries) == (0 if waiting < 10 else 1)
    assert len(ctx.captured_queries) <= (1 if waiting < 10 else 2)
    newest = Match.objects.order_by("-updated", "-id")[0]
    assert panel.items[0].text == f"浙江省：助学暖冬 → {newest.need.name}"
    assert panel.items[0].url == reverse("aid_projects:match-detail", args=[newest.pk])
    client.force_login(xizang_staff)
    assert badge(client.get(reverse("home")).content.decode(), "待答复的对接意向") == str(waiting)


def test_a_province_that_is_not_a_recipient_has_no_matches_panel(zhejiang_staff):
    proposals_to_tibet(1)
    assert aid_matches_to_answer(zhejiang_staff) is None


def test_the_home_page_follows_the_open_campaign(client, xizang_staff, django_capture_on_commit_callbacks):
    """The open campaign comes from the campaigns kept per process (no query on the home page, issue 17);
    opening, renaming or closing a campaign is on the next home page."""
    from django.test.utils import CaptureQueriesContext

    client.force_login(xizang_staff)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(2025)
    assert "援藏援疆填报（2025年度援藏援疆项目对接）" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert not any('FROM "aid_projects_campaign"' in q["sql"] for q in ctx.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.name = "2025年度援藏项目对接（更名）"
        campaign.save()
    assert "援藏援疆填报（2025年度援藏项目对接（更名））" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_campaign(2026)
    assert "援藏援疆填报（2026年度援藏援疆项目对接）" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for open_one in type(campaign).objects.filter(is_open=True):
            open_one.is_open = False
            open_one.save()
    assert "援藏援疆填报" not in client.get("/").content.decode()
