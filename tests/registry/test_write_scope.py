"""Every write on another authority's organization or record answers 404 and changes nothing.

The register is read by all (test_list_scope.py) but written only by the organization's own authority
(and the ministry): an edit, a new record or a removal from a list by another province is answered
404 — the object is outside what that user may change — with no row and no audit entry written.
One line per write route; the URL walk fails without one.
"""

import pytest

from tests.scope_world import WriteCheck, assert_check, build_world

pytestmark = pytest.mark.django_db


def org_form(world):
    org = world.obj("organization", "zj")
    return {"name": "改名书画协会", "kind": org.kind, "authority": org.authority_id, "status": "normal"}


WRITE_CHECKS = {
    "registry:organization-update": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/edit/", "organization",
                                               data=org_form),
    "registry:record-add": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/records/penalty/new/",
                                      "organization",
                                      data={"decided_on": "2026-06-01", "penalty_type": "warning",
                                            "document_number": "浙民罚〔2026〕1号"}),
    "registry:record-add:listentry": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/records/listentry/new/",
                                                "organization",
                                                data={"list_kind": "dishonest", "entered_on": "2026-06-01",
                                                      "ground": "弄虚作假"}),
    "registry:listentry-remove": WriteCheck(lambda o: f"/registry/list-entries/{o.pk}/remove/", "creditlistentry",
                                            data={"removed_on": "2026-07-01", "removal_reason": "已补报年报"}),
    # API
    "api-organization-detail:patch": WriteCheck(lambda o: f"/api/registry/organizations/{o.pk}/", "organization",
                                                method="patch", data={"name": "改名书画协会"}),
    "api-organization-records": WriteCheck(lambda o: f"/api/registry/organizations/{o.pk}/records/penalty/",
                                           "organization",
                                           data={"decided_on": "2026-06-01", "penalty_type": "warning",
                                                 "document_number": "浙民罚〔2026〕1号"}),
    "api-creditlistentry-remove": WriteCheck(lambda o: f"/api/registry/list-entries/{o.pk}/remove/",
                                             "creditlistentry",
                                             data={"removed_on": "2026-07-01", "removal_reason": "已补报年报"}),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(WRITE_CHECKS))
def test_write_on_another_authoritys_organization_is_404_and_changes_nothing(route, client, world):
    assert_check(WRITE_CHECKS[route], client, world)
