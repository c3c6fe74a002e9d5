"""The demo data: loads, is idempotent, and shows cases at different stages in 河北 and 浙江."""

import pytest

from crackdown.choices import CaseStage, ListStatus
from crackdown.demo import load_demo
from crackdown.models import Case, Lead, ListBatch
from portal.demo import load_demo_accounts

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_without_duplicates():
    from tests.factories import ensure_reference

    ensure_reference()
    accounts = load_demo_accounts()
    line = load_demo(accounts)
    assert "打击整治" in line
    counts = (Lead.objects.count(), Case.objects.count(), ListBatch.objects.count())
    load_demo(accounts)
    assert (Lead.objects.count(), Case.objects.count(), ListBatch.objects.count()) == counts
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {CaseStage.FILING, CaseStage.INVESTIGATION, CaseStage.LEGAL_REVIEW, CaseStage.CLOSED,
            CaseStage.DISSUADED} <= stages
    # 移送 is a record beside the decision now (issue 14 point 1): the demo bans and refers the same case
    from crackdown.models import CaseReferral

    referral = CaseReferral.objects.get()
    assert referral.case.outcome == "banned" and referral.suspects_caught == 2
    assert set(Case.objects.values_list("authority__code", flat=True)) == {"130000", "330000"}
    assert ListBatch.objects.filter(status=ListStatus.PUBLISHED, authority__code="130000", kind="banned").exists()
    assert ListBatch.objects.filter(status=ListStatus.PUBLISHED, authority__code="330000").exists()
    assert Lead.objects.filter(receipt_number__isnull=True, informant__isnull=False).exists()
