"""The shared lists — home queues, jobs, users, audit, locked accounts — show each reader only their rows.

One line per list route; ``tests/portal/test_url_walk.py`` fails when a list route has no line.
"""

import pytest

from tests.factories import make_user
from tests.permissions import assert_list_scope
from tests.scope_world import ListCheck, assert_check, build_world

pytestmark = pytest.mark.django_db


def check_users(client, world):
    """A provincial system administrator sees his province's accounts; the ministry's every account."""
    hb_sys = make_user("scope_sys_hb", "130000", "系统管理员")
    bu_sys = make_user("scope_sys_bu", "000000", "系统管理员")
    bu_sec = make_user("scope_sec_bu", "000000", "安全管理员")
    users = {key: world.users[key].username for key in ("hb", "zj", "bu")}
    everyone = set(users.values())
    assert_list_scope(client, "/users/", universe=everyone,
                      sees={hb_sys: {users["hb"]}, bu_sys: everyone, bu_sec: everyone})
    client.force_login(world.users["hb"])
    assert client.get("/users/").status_code == 403


def check_audit(client, world):
    """Only the audit administrator reads the log, all of it; nobody else reads a line."""
    auditor = make_user("scope_audit", "000000", "审计管理员")
    leads = {world.obj("lead", key).org_name for key in ("hb", "zj", "bu")}
    assert_list_scope(client, "/audit/?q=线索研究会", universe=leads, sees={auditor: leads})
    for key in ("hb", "zj", "bu"):
        client.force_login(world.users[key])
        assert client.get("/audit/").status_code == 403


def check_locked(client, world):
    """Locked accounts are read by the security administrator only."""
    from axes.models import AccessAttempt

    for key in ("hb", "zj"):
        AccessAttempt.objects.create(username=world.users[key].username, ip_address="127.0.0.1", user_agent="t",
                                     failures_since_start=5, get_data="", post_data="", http_accept="", path_info="/")
    names = {world.users[key].username for key in ("hb", "zj")}
    assert_list_scope(client, "/users/locked/", universe=names,
                      sees={make_user("scope_sec", "000000", "安全管理员"): names})
    for key in ("hb", "zj", "bu"):
        client.force_login(world.users[key])
        assert client.get("/users/locked/").status_code == 403


LIST_CHECKS = {
    # the home page's queues: a province's own work; the ministry's queue is the ministry's own work
    "home": ListCheck("/", "lead", ministry_sees=("bu",)),
    "job-list": ListCheck("/jobs/", "job"),
    "api-job-list": ListCheck("/api/jobs/", "job", marker="id"),
    "user-list": check_users,
    "audit-list": check_audit,
    "user-locked": check_locked,
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(LIST_CHECKS))
def test_list_shows_only_the_users_rows(route, client, world):
    assert_check(LIST_CHECKS[route], client, world)
