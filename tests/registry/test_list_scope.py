"""The register's lists (page and API) show a province its own authority's organizations, the ministry all.

One line per list route; ``tests/portal/test_url_walk.py`` fails when a list route has no line.
"""

import pytest

from tests.scope_world import ListCheck, assert_check, build_world

pytestmark = pytest.mark.django_db

LIST_CHECKS = {
    "registry:organization-list": ListCheck("/registry/organizations/", "organization"),
    "api-organization-list": ListCheck("/api/registry/organizations/", "organization", marker="id"),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(LIST_CHECKS))
def test_list_shows_only_the_users_rows(route, client, world):
    assert_check(LIST_CHECKS[route], client, world)
