"""Fixtures of the crackdown tests: approvers and reviewers, and cases put at a given stage."""

from __future__ import annotations

from datetime import date

import pytest

from crackdown.choices import LeadSource, TargetType
from crackdown.models import Case, CaseEvent
from crackdown.roles import APPROVER, INFORMANT_READER, LEGAL_REVIEWER
from crackdown.services import case_create, lead_create
from tests.factories import make_user

STAFF = "省级工作人员"


@pytest.fixture
def hebei_approver(db):
    """河北 staff who also approves (立案、决定) and publishes lists."""
    return make_user("hebei_approver", "130000", STAFF, APPROVER)


@pytest.fixture
def hebei_reviewer(db):
    return make_user("hebei_reviewer", "130000", STAFF, LEGAL_REVIEWER)


@pytest.fixture
def hebei_chief(db):
    """Holds every extra duty: approves, reviews, reads informants."""
    return make_user("hebei_chief", "130000", STAFF, APPROVER, LEGAL_REVIEWER, INFORMANT_READER)


@pytest.fixture
def zhejiang_approver(db):
    return make_user("zhejiang_approver", "330000", STAFF, APPROVER)


@pytest.fixture
def zhejiang_chief(db):
    return make_user("zhejiang_chief", "330000", STAFF, APPROVER, LEGAL_REVIEWER, INFORMANT_READER)


@pytest.fixture
def make_lead():
    def make(user, name="华夏复兴促进会", **fields):
        fields.setdefault("source", LeadSource.PATROL)
        return lead_create(actor=user, org_name=name, **fields)

    return make


@pytest.fixture
def make_case():
    """make_case(requester, stage): a case whose current stage was asked for by ``requester``."""

    def make(requester, stage="filing", name="中华传统文化复兴研究院", **fields):
        case = case_create(actor=requester, org_name=name, target_type=TargetType.UNREGISTERED, **fields)
        if stage != "filing":
            Case.objects.filter(pk=case.pk).update(stage=stage, filed_on=date(2025, 6, 1))
            CaseEvent.objects.create(case=case, from_stage="filing", to_stage=stage, actor=requester)
            case.refresh_from_db()
        return case

    return make
