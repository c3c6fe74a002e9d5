"""The register's lists (page and API): the register is public information, so every authority is shown
every organization (issue 10); writes stay with the organization's own authority (test_write_scope.py).

One line per list route; ``tests/portal/test_url_walk.py`` fails when a list route has no line.
"""

import pytest

from tests.scope_world import ListCheck, assert_check, build_world

pytestmark = pytest.mark.django_db

LIST_CHECKS = {
    "registry:organization-list": ListCheck("/registry/organizations/", "organization", public=True),
    "api-organization-list": ListCheck("/api/registry/organizations/", "organization", marker="id", public=True),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(LIST_CHECKS))
def test_list_shows_every_organization_to_every_authority(route, client, world):
    assert_check(LIST_CHECKS[route], client, world)
