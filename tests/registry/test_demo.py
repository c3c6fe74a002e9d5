"""Demo data: named organizations with a credit history and a few thousand generated, idempotent and quick."""

import time

import pytest

from registry.demo import GENERATED, load_demo
from registry.models import Organization
from registry.namecheck import name_check
from registry.selectors import organization_timeline

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_quick():
    started = time.monotonic()
    load_demo({})
    took = time.monotonic() - started
    total = Organization.objects.count()
    assert total >= GENERATED and took < 30
    load_demo({})
    assert Organization.objects.count() == total
    assert Organization.objects.values("authority__code").distinct().count() > 100  # across provinces
    hebei = Organization.objects.get(name="河北省慈善联合会")
    assert hebei.grade == 4 and [e.kind for e in organization_timeline(hebei)].count("inspection") == 4
    assert [m.organization.name for m in name_check("河北省气功养生研究会").revoked] == ["河北省气功养生研究会"]
