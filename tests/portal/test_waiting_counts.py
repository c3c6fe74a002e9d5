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
