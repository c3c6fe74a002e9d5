"""Every crackdown list (pages and API) shows a province only its own rows, the ministry all.

One line per list route; ``tests/portal/test_url_walk.py`` fails when a list route has no line.
"""

import pytest

from tests.scope_world import ListCheck, assert_check, build_world

pytestmark = pytest.mark.django_db

LIST_CHECKS = {
    "crackdown:lead-list": ListCheck("/crackdown/leads/", "lead"),
    "crackdown:case-list": ListCheck("/crackdown/cases/", "case"),
    "crackdown:batch-list": ListCheck("/crackdown/batches/", "checkbatch"),
    "crackdown:listbatch-list": ListCheck("/crackdown/lists/", "listbatch"),
    # a list batch's page lists its entries; the batch itself is scoped, so read every batch's page
    "crackdown:listbatch-detail": ListCheck(lambda w: f"/crackdown/lists/{w.obj('listbatch', 'hb').pk}/",
                                            "listentry", visible={"hb": ["hb"]}, ministry_sees=("hb",)),
    "crackdown:batch-detail": ListCheck(lambda w: f"/crackdown/batches/{w.obj('checkbatch', 'zj').pk}/",
                                        "lead", visible={"zj": ["zj"]}, ministry_sees=("zj",)),
    "crackdown:statistics": ListCheck("/crackdown/statistics/", "province"),
    "api-statistics": ListCheck("/api/crackdown/statistics/", "province",
                                data={"date_from": "2026-01-01", "date_to": "2026-12-31"}),
    "api-lead-list": ListCheck("/api/crackdown/leads/", "lead", marker="id"),
    "api-case-list": ListCheck("/api/crackdown/cases/", "case", marker="id"),
    "api-checkbatch-list": ListCheck("/api/crackdown/batches/", "checkbatch", marker="id"),
    "api-listbatch-list": ListCheck("/api/crackdown/lists/", "listbatch", marker="id"),
    "api-listentry-list": ListCheck("/api/crackdown/list-entries/", "listentry", marker="id"),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(LIST_CHECKS))
def test_list_shows_only_the_users_rows(route, client, world):
    assert_check(LIST_CHECKS[route], client, world)
