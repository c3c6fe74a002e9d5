"""An organization's timeline (registry.selectors.organization_timeline): every record, newest first."""

import datetime

import pytest

from registry import services
from registry.models import Organization
from registry.selectors import organization_timeline

pytestmark = pytest.mark.django_db
D = datetime.date


def test_timeline_lists_every_record_newest_first(tibet_org, xizang_staff):
    services.organization_update(actor=xizang_staff, organization=tibet_org, registered_on=D(2010, 5, 4))
    services.record_add(actor=xizang_staff, organization=tibet_org, kind="inspection", year=2022, result="passed",
                        concluded_on=D(2023, 5, 1))
    services.record_add(actor=xizang_staff, organization=tibet_org, kind="penalty", decided_on=D(2024, 2, 2),
                        penalty_type="warning", document_number="藏民罚〔2024〕2号")
    entry = services.record_add(actor=xizang_staff, organization=tibet_org, kind="listentry",
                                list_kind="dishonest", entered_on=D(2024, 3, 3), ground="弄虚作假")
    services.list_entry_remove(actor=xizang_staff, entry=entry, removed_on=D(2025, 3, 3), reason="期满")
    org = Organization.objects.get(pk=tibet_org.pk)
    events = organization_timeline(org)
    assert [(e.day, e.kind) for e in events] == [
        (D(2025, 3, 3), "unlist"), (D(2024, 3, 3), "list"), (D(2024, 2, 2), "penalty"),
        (D(2023, 5, 1), "inspection"), (D(2010, 5, 4), "registration")]
    assert events[0].title == "移出严重违法失信名单" and events[0].detail == "期满"
