"""Every aid list (pages and API) shows a province its own rows plus, where the pairing shares them,
its paired recipients' accepted need lists; the ministry sees all.

One line per list route; ``tests/portal/test_url_walk.py`` fails when a list route has no line.
"""

import pytest

from tests.scope_world import PAIRED_ITEMS, ListCheck, assert_check, build_world

pytestmark = pytest.mark.django_db

NEEDS = ("xz", "xz_nq", "xz_ls", "sc", "xz_draft")
NEED_VISIBLE = {viewer: [o for o in owners if o in NEEDS] for viewer, owners in PAIRED_ITEMS.items()}

LIST_CHECKS = {
    "aid_projects:list-list": ListCheck("/aid/lists/", "aidlist"),
    "aid_projects:need-list": ListCheck("/aid/needs/", "aiditem", visible=NEED_VISIBLE, only=NEEDS),
    "aid_projects:liaison-list": ListCheck("/aid/liaisons/", "liaison"),
    "aid_projects:match-list": ListCheck("/aid/matches/", "match"),
    # a list's page shows its items: an aiding province reads the rows of its paired prefectures only
    "aid_projects:list-detail": ListCheck(lambda w: f"/aid/lists/{w.obj('aidlist', 'xz').pk}/", "aiditem",
                                          visible={"hb": ["xz"], "zj": ["xz_nq"], "xz": ["xz", "xz_nq", "xz_ls"]},
                                          ministry_sees=("xz", "xz_nq", "xz_ls")),
    "api-aidlist-list": ListCheck("/api/aid/lists/", "aidlist", marker="id"),
    "api-aiditem-list": ListCheck("/api/aid/items/", "aiditem", marker="id"),
    "api-liaison-list": ListCheck("/api/aid/liaisons/", "liaison", marker="id"),
    "api-upload-list": ListCheck("/api/aid/uploads/", "upload", marker="id"),
    "api-listversion-list": ListCheck("/api/aid/submissions/", "listversion", marker="id"),
    "api-match-list": ListCheck("/api/aid/matches/", "match", marker="id"),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(LIST_CHECKS))
def test_list_shows_only_the_users_rows(route, client, world):
    assert_check(LIST_CHECKS[route], client, world)
