"""The registry's organizations are written through portal's generic views: the before-image is the stored row."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from portal.models import AuditAction, AuditEntry
from portal.views.generic import ScopedDeleteView, ScopedUpdateView
from registry.models import Organization
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class NameForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]


class OrganizationUpdate(ScopedUpdateView):
    model = Organization
    form_class = NameForm
    success_url = "/registry/organizations/"


class OrganizationDelete(ScopedDeleteView):
    model = Organization
    success_url = "/registry/organizations/"


def _request(user, data):
    request = RequestFactory().post("/", data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def registrar():
    user = make_user("tibet_registrar", "540000", "省级工作人员")
    from django.contrib.auth.models import Permission
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_organization", "delete_organization",
                                                                       "view_organization"]))
    return type(user).objects.get(pk=user.pk)


def test_update_records_the_stored_name_before(tibet_org, registrar):
    response = OrganizationUpdate.as_view()(_request(registrar, {"name": "西藏自治区改名协会"}), pk=tibet_org.pk)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(tibet_org.pk))
    assert (entry.before["name"], entry.after["name"]) == ("西藏自治区测试协会", "西藏自治区改名协会")


def test_delete_records_the_stored_row(tibet_org, registrar):
    tibet_org.name = "内存里改过的名字"  # what the view deletes is the stored row, and that is what is logged
    response = OrganizationDelete.as_view()(_request(registrar, {}), pk=tibet_org.pk)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(tibet_org.pk))
    assert entry.before["name"] == "西藏自治区测试协会" and entry.after is None
