"""The ministry's campaign progress page (issue 12 point 9): counts by state, filter, the tile-grid map's data,
催报 seen on the province's home page (audited, each province only its own), and 批量接收 (point 2)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import timezone

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import Reminder
from aid_projects.progress import TILE_POSITIONS, progress_page
from portal.models import AuditAction, AuditEntry, Authority
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(xizang_liaison, zhejiang_staff):
    """Deadlines far ahead; 西藏's need list submitted, 浙江's supply list submitted, the rest not started."""
    year = timezone.localdate().year + 1
    campaign = make_campaign(year, liaison_due=datetime.date(year, 6, 30), need_due=datetime.date(year, 7, 5),
                             supply_due=datetime.date(year, 7, 31))
    need = make_list(campaign, "540000", ListKind.NEED)
    make_item(need, name="色尼区学校供暖")
    services.list_submit(aid_list=need, user=xizang_liaison)
    supply = make_list(campaign, "330000", ListKind.SUPPLY)
    make_item(supply, name="助学暖冬", place_code="330000")
    services.list_submit(aid_list=supply, user=zhejiang_staff)
    return campaign


def test_every_province_has_a_tile():
    codes = set(Authority.objects.provinces().values_list("code", flat=True))
    assert codes == set(TILE_POSITIONS)
    assert len(set(TILE_POSITIONS.values())) == len(TILE_POSITIONS)  # no two squares on one place


def test_counts_filter_and_map(campaign, ministry_staff):
    page = progress_page(campaign, ministry_staff)
    counts = {key: n for key, _label, _colour, n in page.counts}
    assert counts["submitted"] == 2 and counts["accepted"] == 0 and counts["overdue"] == 0
    assert sum(counts.values()) == page.total == len(page.rows)
    tiles = {t["code"]: t for t in page.tiles}
    assert tiles["330000"]["state"] == "submitted" and tiles["330000"]["color"] == "#0d6efd"
    # 西藏: need submitted, liaison table not started: the tile shows the more urgent state
    assert tiles["540000"]["state"] == "not_started" and "附件2 项目需求清单：已报送" in tiles["540000"]["lists"]
    assert [r.progress.province.code for r in progress_page(campaign, ministry_staff, state="submitted").rows] == \
        ["330000", "540000"]
    assert {r.progress.kind for r in progress_page(campaign, ministry_staff, kind=ListKind.LIAISON).rows} == \
        {ListKind.LIAISON}
    assert {r.progress.province.name for r in progress_page(campaign, ministry_staff, q="浙江").rows} == {"浙江省"}


def test_overdue_lists_are_red(ministry_staff):
    campaign = make_campaign(2020)
    page = progress_page(campaign, ministry_staff)
    assert {r.state for r in page.rows} == {"overdue"} and page.tiles[0]["color"] == "#dc3545"


def test_progress_page(client, campaign, ministry_staff, xizang_staff):
    client.force_login(ministry_staff)
    html = client.get(f"/aid/campaigns/{campaign.pk}/progress/?state=submitted").content.decode()
    assert "共 2 条" in html and 'id="progress-map"' in html and "vendor/echarts/echarts.min.js" in html
    data = json.loads(re.search(r'<script id="progress-map-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    assert len(data["tiles"]) == len(TILE_POSITIONS) and data["legend"][0]["label"] == "逾期未报"
    assert html.count('name="lists"') == 2  # the submitted lists can be ticked for 批量接收
    client.force_login(xizang_staff)
    assert client.get(f"/aid/campaigns/{campaign.pk}/progress/").status_code == 403


def test_remind_reaches_only_the_provinces_not_submitted(client, campaign, ministry_staff, xizang_staff,
                                                         zhejiang_staff, hebei_staff):
    client.force_login(ministry_staff)
    assert client.post(f"/aid/campaigns/{campaign.pk}/remind/").status_code == 302
    reminded = set(Reminder.objects.values_list("authority__code", flat=True))
    assert "330000" not in reminded  # 浙江 submitted its only list
    assert {"540000", "130000"} <= reminded  # 西藏 still owes attachment 1; 河北 has not started
    xizang = Reminder.objects.get(authority__code="540000")
    assert "附件1 社会组织援藏援疆工作省级联络员表" in xizang.message and "附件2" not in xizang.message
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, note="催报西藏自治区", user=ministry_staff).exists()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, note__startswith="催报").count() == len(reminded)
    # each province sees its own reminder on its home page, and no other
    assert list(Reminder.objects.restrict(xizang_staff, "view")) == [xizang]
    client.force_login(xizang_staff)
    home = client.get("/").content.decode()
    assert "部里催报" in home and "省级联络员表（" in home
    client.force_login(zhejiang_staff)
    assert "部里催报" not in client.get("/").content.decode()
    client.force_login(hebei_staff)
    assert "部里催报" in client.get("/").content.decode()
    # a province cannot send reminders
    assert client.post(f"/aid/campaigns/{campaign.pk}/remind/").status_code == 403


def test_remind_refused_when_closed(campaign, ministry_staff):
    campaign.is_open = False
    campaign.save()
    with pytest.raises(ApplicationError, match="停止收集"):
        services.campaign_remind(campaign=campaign, actor=ministry_staff)


def test_bulk_accept_audits_each_list(client, campaign, ministry_staff, xizang_staff):
    lists = list(campaign.lists.filter(status=ListStatus.SUBMITTED))
    draft = make_list(campaign, "540000", ListKind.LIAISON)
    client.force_login(ministry_staff)
    response = client.post(f"/aid/campaigns/{campaign.pk}/accept/",
                           {"lists": [a.pk for a in lists] + [draft.pk]}, follow=True)
    page = response.content.decode()
    assert "已接收 2 份清单" in page and "未接收" in page
    for aid_list in lists:
        aid_list.refresh_from_db()
        assert aid_list.status == ListStatus.ACCEPTED and aid_list.decided_by == ministry_staff
        assert AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(aid_list.pk),
                                         note__startswith="接收").count() == 1
    draft.refresh_from_db()
    assert draft.status == ListStatus.DRAFT
    client.force_login(xizang_staff)
    assert client.post(f"/aid/campaigns/{campaign.pk}/accept/", {"lists": [draft.pk]}).status_code == 403
