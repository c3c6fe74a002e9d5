"""The crackdown duty groups: synced with their permissions, and assignable beside a staff role."""

import pytest
from django.contrib.auth.models import Group

from crackdown.roles import APPROVER, INFORMANT_READER, LEGAL_REVIEWER
from portal.forms import RoleAssignmentForm
from portal.models import Role

pytestmark = pytest.mark.django_db


def test_groups_hold_the_duty_permissions(hebei_staff, hebei_chief):
    assert set(Group.objects.get(name=APPROVER).permissions.values_list("codename", flat=True)) == {
        "approve_case", "publish_list"}
    assert not hebei_staff.has_perm("crackdown.approve_case")
    assert not hebei_staff.has_perm("crackdown.view_informant")
    assert hebei_chief.has_perm("crackdown.review_case") and hebei_chief.has_perm("crackdown.view_informant")


def test_security_admin_assigns_a_duty_group(hebei_staff):
    form = RoleAssignmentForm({"roles": [Role.PROVINCE_STAFF, APPROVER]}, account=hebei_staff)
    assert form.is_valid(), form.errors
    form.save()
    assert set(hebei_staff.groups.values_list("name", flat=True)) == {Role.PROVINCE_STAFF, APPROVER}
    choices = dict(RoleAssignmentForm(account=hebei_staff).fields["roles"].choices)
    assert {APPROVER, LEGAL_REVIEWER, INFORMANT_READER} <= set(choices)
