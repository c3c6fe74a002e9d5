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
        # the 立案申请 comes with its 立案审批表, which the approval step needs
        fields.setdefault("documents", [document("filing_form")])
        case = case_create(actor=requester, org_name=name, target_type=TargetType.UNREGISTERED, **fields)
        if stage != "filing":
            Case.objects.filter(pk=case.pk).update(stage=stage, filed_on=date(2025, 6, 1))
            CaseEvent.objects.create(case=case, from_stage="filing", to_stage=stage, actor=requester)
            case.refresh_from_db()
        return case

    return make


def document(kind: str, name: str = ""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crackdown.choices import DocumentKind

    return SimpleUploadedFile(name or f"{DocumentKind(kind).label}.pdf", b"%PDF-1.4 test", "application/pdf")


def step_kwargs(src: str, dst: str, *, officer=None) -> dict:
    """What the table says the step src → dst needs: a value for each required input, each document."""
    from crackdown.choices import ServiceMethod
    from crackdown.workflow import TRANSITIONS

    step = TRANSITIONS[src][dst]
    values = {"party_statement": "当事人放弃陈述申辩", "review_result": "当事人提出新事实，须补充调查",
              "decision_number": "冀民取字〔2025〕1号", "hearing_on": date(2025, 7, 1), "hearing_officer": officer,
              "service_method": ServiceMethod.DIRECT, "served_on": date(2025, 7, 2),
              "announced_on": date(2025, 7, 3)}
    kwargs = {name: values[name] for name in step.requires}
    kwargs["documents"] = [(kind, document(kind)) for kind in step.documents]
    return kwargs


@pytest.fixture
def hebei_officer(db):
    """河北 staff who took no part in investigating: chairs hearings."""
    return make_user("hebei_officer", "130000", STAFF)
