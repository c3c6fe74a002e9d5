"""Counts where work waits: each home card and the navigation bar show how many items wait, overdue in red."""

import re

import pytest
from django.core.cache import cache

from aid_projects import services
from aid_projects.choices import ListKind
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db


def test_home_card_and_navigation_count_the_lists_waiting_for_the_ministry(client, ministry_staff, xizang_liaison,
                                                                            zhejiang_liaison):
    campaign = make_campaign()
    for code, liaison in (("540000", xizang_liaison), ("330000", zhejiang_liaison)):
        aid_list = make_list(campaign, code, ListKind.NEED if code == "540000" else ListKind.SUPPLY)
        make_item(aid_list)
        services.list_submit(aid_list=aid_list, user=liaison)
    cache.delete(f"portal:waiting:{ministry_staff.pk}")
    client.force_login(ministry_staff)
    page = client.get("/").content.decode()
    card = re.search(r"待审核的援藏援疆清单 <span class=\"badge[^\"]*panel-count\">(\d+)</span>", page)
    assert card and card.group(1) == "2"
    # the navigation bar shows it, on the home and then on every page (as the home last counted it)
    nav = re.compile(r'id="nav-waiting">待办 <span class="badge[^"]*">(\d+)<span class="visually-hidden">项</span>')
    assert nav.search(page).group(1) == "2"
    assert nav.search(client.get("/aid/lists/").content.decode()).group(1) == "2"


NAV_COUNT = re.compile(r'id="nav-waiting">待办 <span class="badge[^"]*">(\d+)<span class="visually-hidden">项</span>')


def test_navigation_count_is_forgotten_by_a_write_and_counted_again_by_the_home_page(
        client, ministry_staff, xizang_liaison, zhejiang_liaison, django_capture_on_commit_callbacks):
    """Issue 17: the cached 待办 count is dropped when a write that changes it commits, never shown stale."""
    campaign = make_campaign()
    lists = {}
    for code, kind in (("540000", ListKind.NEED), ("330000", ListKind.SUPPLY)):
        lists[code] = make_list(campaign, code, kind)
        make_item(lists[code])
    with django_capture_on_commit_callbacks(execute=True):
        services.list_submit(aid_list=lists["540000"], user=xizang_liaison)
    client.force_login(ministry_staff)
    assert NAV_COUNT.search(client.get("/").content.decode()).group(1) == "1"
    assert NAV_COUNT.search(client.get("/aid/lists/").content.decode()).group(1) == "1"

    # another province submits: the count the home page remembered is not shown any more (it would say 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.list_submit(aid_list=lists["330000"], user=zhejiang_liaison)
    assert callbacks, "the write asks to forget the counts when it commits"
    page = client.get("/aid/lists/").content.decode()
    assert 'id="nav-waiting">待办</a>' in page and not NAV_COUNT.search(page)
    # the home page counts again, and every page shows the new count
    assert NAV_COUNT.search(client.get("/").content.decode()).group(1) == "2"
    assert NAV_COUNT.search(client.get("/aid/lists/").content.decode()).group(1) == "2"


def test_navigation_count_survives_reads(client, ministry_staff, xizang_liaison, django_capture_on_commit_callbacks):
    """Sign-ins, downloads and other reads are audited too but change no one's work: the count stays."""
    from portal.audit import record_change
    from portal.models import AuditAction

    campaign = make_campaign()
    aid_list = make_list(campaign, "540000", ListKind.NEED)
    make_item(aid_list)
    services.list_submit(aid_list=aid_list, user=xizang_liaison)
    client.force_login(ministry_staff)
    assert NAV_COUNT.search(client.get("/").content.decode()).group(1) == "1"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_change(actor=xizang_liaison, action=AuditAction.LOGIN, obj=xizang_liaison)
        record_change(actor=ministry_staff, action=AuditAction.DOWNLOAD, obj=aid_list)
    assert not callbacks
    assert NAV_COUNT.search(client.get("/aid/lists/").content.decode()).group(1) == "1"
