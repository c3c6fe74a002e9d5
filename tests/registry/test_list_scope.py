"""The register's lists (page and API): the register is public information, so every authority is shown
every organization (issue 10); writes stay with the organization's own authority (test_write_scope.py).

One line per list route; ``tests/portal/test_url_walk.py`` fails when a list route has no line.
"""

import datetime

import pytest

from tests.scope_world import ListCheck, assert_check, build_world

pytestmark = pytest.mark.django_db

def rounds_are_read_by_every_authority(client, world):
    """A round is the ministry's and every authority works in it: each is shown it."""
    from registry.models import CommendationRound

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    for key in ("hb", "zj", "bu"):
        client.force_login(world.users[key])
        ids = [row["id"] for row in client.get("/api/registry/rounds/").json()["results"]]
        assert ids == [round_.pk]


def nominees_are_their_provinces(client, world):
    """河北 is shown 河北's nominee, 浙江 浙江's, the ministry both."""
    from registry.models import CommendationRound, Nomination

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    nominees = {}
    for key in ("hb", "zj"):
        org = world.obj("organization", key)
        nominees[key] = Nomination.objects.create(round=round_, organization=org, authority=org.authority,
                                                  reason="成效突出").pk
    for key, expected in (("hb", {nominees["hb"]}), ("zj", {nominees["zj"]}), ("bu", set(nominees.values()))):
        client.force_login(world.users[key])
        response = client.get("/api/registry/nominations/", {"round": round_.pk})
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == expected, key


def verdicts_are_their_provinces(client, world):
    """The stored verdicts: 河北 is shown its own organizations', 浙江 its own, 西藏 none, the ministry all three
    (the register is public, but the round's list is each province's own work)."""
    from registry.commendation import verdicts_compute
    from registry.models import CommendationRound

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date=datetime.date(2025, 6, 30))
    verdicts_compute(round_)
    orgs = {key: world.obj("organization", key).pk for key in ("hb", "zj", "bu")}
    for key, expected in (("hb", {orgs["hb"]}), ("zj", {orgs["zj"]}), ("xz", set()), ("bu", set(orgs.values()))):
        client.force_login(world.users[key])
        response = client.get("/api/registry/verdicts/", {"round": round_.pk})
        assert response.status_code == 200
        assert {row["organization"] for row in response.json()["results"]} == expected, key
        page = client.get(f"/registry/rounds/{round_.pk}/").content.decode()
        for other, pk in orgs.items():
            assert (world.obj("organization", other).name in page) == (pk in expected), (key, other)


LIST_CHECKS = {
    "api-roundverdict-list": verdicts_are_their_provinces,
    "api-commendationround-list": rounds_are_read_by_every_authority,
    "api-nomination-list": nominees_are_their_provinces,
    "registry:organization-list": ListCheck("/registry/organizations/", "organization", public=True),
    "api-organization-list": ListCheck("/api/registry/organizations/", "organization", marker="id", public=True),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(LIST_CHECKS))
def test_list_shows_every_organization_to_every_authority(route, client, world):
    assert_check(LIST_CHECKS[route], client, world)
