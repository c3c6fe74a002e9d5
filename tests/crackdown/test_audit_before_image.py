"""Crackdown writes record the stored row as the before-image, whatever the caller did to the instance."""

import pytest

from crackdown import services
from crackdown.choices import TargetType
from crackdown.models import Case, Lead
from portal.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_lead_edit_page_records_the_old_name_before(client, hebei_staff, make_lead):
    lead = make_lead(hebei_staff, name="旧名称研究会")
    client.force_login(hebei_staff)
    response = client.post(f"/crackdown/leads/{lead.pk}/edit/", {"org_name": "新名称研究会", "source": "patrol",
                                                                  "received_on": "2026-03-02"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(lead.pk),
                                   content_type__model="lead")
    assert (entry.before["org_name"], entry.after["org_name"]) == ("旧名称研究会", "新名称研究会")


def test_case_update_service_takes_the_before_image_from_the_database(hebei_staff, make_lead):
    lead = make_lead(hebei_staff)
    case = services.case_create(actor=hebei_staff, org_name=lead.org_name, target_type=TargetType.UNREGISTERED,
                                lead=Lead.objects.get(pk=lead.pk))
    case = Case.objects.get(pk=case.pk)
    case.summary = "调用方先改过的摘要"  # a caller that changed the instance before asking the service to save it
    services.case_update(case=case, actor=hebei_staff, expected_version=case.version, summary="新的案情摘要")
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, content_type__model="case").latest("id")
    stored = Case.objects.get(pk=case.pk)
    assert entry.before["summary"] != "调用方先改过的摘要"
    assert entry.after["summary"] == stored.summary == "新的案情摘要"
