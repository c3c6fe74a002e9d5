"""Text that belongs: the role once in the header, menus a role cannot use hidden, API docs only for the
ministry and the administrators, yes/no filters reading 「全部」, no orphan labels."""

import re

import pytest

from portal.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _menus(page: str) -> list[str]:
    return re.findall(r'data-bs-toggle="dropdown" aria-expanded="false">([^<]+)</a>', page)


def test_role_shown_once_in_the_header(client):
    user = make_user("zhuoma", "540000", Role.LIAISON)
    user.full_name = "西藏 卓玛（联络员）"
    user.save()
    client.force_login(user)
    page = client.get("/").content.decode()
    identity = re.search(r'id="user-identity">(.*?)</div>', page, re.S).group(1)
    assert identity.count("联络员") == 1


@pytest.mark.parametrize("role,code,expected,api_docs", [
    (Role.LIAISON, "540000", ["援藏援疆", "系统"], False),
    (Role.AUDIT_ADMIN, "000000", ["系统"], True),
    (Role.PROVINCE_STAFF, "540000", ["登记管理", "打击整治", "援藏援疆", "系统"], False),
    (Role.MINISTRY_STAFF, "000000", ["登记管理", "打击整治", "援藏援疆", "系统"], True),
])
def test_menus_a_role_cannot_use_are_hidden(client, role, code, expected, api_docs):
    client.force_login(make_user(f"menu_{code}", code, role))
    page = client.get("/").content.decode()
    menus = _menus(page)
    assert menus == expected
    assert ("/api/docs/" in page) is api_docs


def test_yes_no_filter_reads_all_and_hidden_filter_has_no_label(client, ministry_staff, hebei_staff):
    client.force_login(ministry_staff)
    page = client.get("/aid/campaigns/").content.decode()
    assert "未知" not in page and '<option value="unknown" selected>全部</option>' in page
    client.force_login(hebei_staff)
    page = client.get("/crackdown/leads/").content.decode()
    assert ">排查批次</label>" not in page and 'type="hidden" name="batch"' in page
