"""The case procedure: every allowed and every refused transition, the second-person rule, versions."""

from __future__ import annotations

import itertools

import pytest

from crackdown.choices import CaseOutcome, CaseStage
from crackdown.models import Case, CaseEvent
from crackdown.services import STALE_MESSAGE, case_transition, case_update
from crackdown.workflow import APPROVE, REVIEW, TERMINAL_STAGES, TRANSITIONS
from portal.models import AuditAction, AuditEntry
from portal.services import ApplicationError
from tests.crackdown.conftest import step_kwargs

pytestmark = pytest.mark.django_db

ALLOWED = [(src, dst) for src, steps in TRANSITIONS.items() for dst in steps]
REFUSED = [(src, dst) for src, dst in itertools.product(CaseStage.values, CaseStage.values)
           if dst not in TRANSITIONS.get(src, {})]
OFFICER = {}


def extra_for(src, dst):
    """The step's required values and documents, read off the table (the hearing officer is a user)."""
    if dst in TRANSITIONS.get(src, {}):
        return step_kwargs(src, dst, officer=OFFICER.get("user"))
    return {}


@pytest.fixture(autouse=True)
def _officer(hebei_officer):
    OFFICER["user"] = hebei_officer


def test_the_table_covers_the_procedure():
    assert len(ALLOWED) + len(REFUSED) == len(CaseStage.values) ** 2
    for stage in TERMINAL_STAGES:
        assert stage not in TRANSITIONS
    reachable = {CaseStage.FILING} | {dst for _, dst in ALLOWED}
    assert reachable == set(CaseStage.values)


@pytest.mark.parametrize(("src", "dst"), ALLOWED)
def test_allowed_transition(src, dst, make_case, hebei_staff, hebei_chief):
    case = make_case(hebei_staff, src)
    step = TRANSITIONS[src][dst]
    actor = hebei_chief
    moved = case_transition(case=case, to_stage=dst, actor=actor, note="同意", expected_version=case.version,
                            **extra_for(src, dst))
    assert moved.stage == dst
    assert moved.version == case.version + 1
    event = moved.events.order_by("-id").first()
    assert (event.from_stage, event.to_stage, event.actor) == (src, dst, actor)
    assert event.note.splitlines()[-1] == "同意"  # after what the step records itself (复核意见, 逾期送达…)
    assert event.requested_by == (hebei_staff if step.needs_second_person else None)
    audit = AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(case.pk)).latest("id")
    assert audit.before["stage"] == src and audit.after["stage"] == dst
    if dst in TERMINAL_STAGES:
        assert moved.step_due is None
    else:
        assert moved.step_due is not None


@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_refused_transition(src, dst, make_case, hebei_staff, hebei_chief):
    case = make_case(hebei_staff, src)
    with pytest.raises(ApplicationError, match="不能转到"):
        case_transition(case=case, to_stage=dst, actor=hebei_chief, expected_version=case.version,
                        **extra_for(src, dst))
    assert Case.objects.get(pk=case.pk).stage == src


@pytest.mark.parametrize(("src", "dst"), [(s, d) for s, d in ALLOWED if TRANSITIONS[s][d].permission != APPROVE
                                          and TRANSITIONS[s][d].permission != REVIEW])
def test_staff_steps_need_change_permission(src, dst, make_case, hebei_staff, xizang_liaison, authority):
    case = make_case(hebei_staff, src)
    xizang_liaison.authority = authority("130000")
    with pytest.raises(ApplicationError, match="权限"):
        case_transition(case=case, to_stage=dst, actor=xizang_liaison, expected_version=case.version,
                        **extra_for(src, dst))


@pytest.mark.parametrize(("src", "dst"), [(s, d) for s, d in ALLOWED if TRANSITIONS[s][d].permission == APPROVE])
def test_approval_steps_need_the_approver_role(src, dst, make_case, hebei_staff, hebei_reviewer):
    case = make_case(hebei_staff, src)
    with pytest.raises(ApplicationError, match="权限"):
        case_transition(case=case, to_stage=dst, actor=hebei_reviewer, expected_version=case.version,
                        **extra_for(src, dst))


@pytest.mark.parametrize(("src", "dst"), [(s, d) for s, d in ALLOWED if TRANSITIONS[s][d].permission == REVIEW])
def test_legal_review_needs_the_reviewer_role(src, dst, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff, src)
    with pytest.raises(ApplicationError, match="权限"):
        case_transition(case=case, to_stage=dst, actor=hebei_approver, expected_version=case.version)


@pytest.mark.parametrize(("src", "dst"), [(s, d) for s, d in ALLOWED if TRANSITIONS[s][d].needs_second_person])
def test_second_person_rule(src, dst, make_case, hebei_chief, hebei_approver):
    """The person who asked for a step cannot approve it, even holding every permission."""
    case = make_case(hebei_chief, src)
    with pytest.raises(ApplicationError, match="提请人以外"):
        case_transition(case=case, to_stage=dst, actor=hebei_chief, expected_version=case.version,
                        **extra_for(src, dst))
    assert Case.objects.get(pk=case.pk).stage == src


def test_filing_request_then_approval_by_another(make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff)  # 立案申请 by hebei_staff
    with pytest.raises(ApplicationError):
        case_transition(case=case, to_stage=CaseStage.INVESTIGATION, actor=hebei_staff,
                        expected_version=case.version)
    case = case_transition(case=case, to_stage=CaseStage.INVESTIGATION, actor=hebei_approver,
                           expected_version=case.version)
    assert case.filed_on is not None
    assert list(case.events.values_list("to_stage", flat=True)) == ["filing", "investigation"]


def test_ban_decision_needs_number_and_sets_outcome(make_case, hebei_staff, hebei_approver):
    # 取缔 now leads to 送达 (《行政处罚法》第六十一条) and needs the 决定书 (issue 14 points 3 and 8)
    case = make_case(hebei_staff, CaseStage.DECISION)
    docs = step_kwargs(CaseStage.DECISION, CaseStage.SERVICE)["documents"]
    with pytest.raises(ApplicationError, match="文号"):
        case_transition(case=case, to_stage=CaseStage.SERVICE, actor=hebei_approver,
                        expected_version=case.version, documents=docs)
    case = case_transition(case=case, to_stage=CaseStage.SERVICE, actor=hebei_approver,
                           expected_version=case.version, decision_number="冀民取字〔2025〕3号", documents=docs)
    assert case.outcome == CaseOutcome.BANNED and case.outcome_date is not None


def test_notice_needs_the_party_statement(make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_approver, CaseStage.NOTICE)
    with pytest.raises(ApplicationError, match="陈述申辩"):
        case_transition(case=case, to_stage=CaseStage.DECISION, actor=hebei_staff, expected_version=case.version)
    case = case_transition(case=case, to_stage=CaseStage.DECISION, actor=hebei_staff,
                           expected_version=case.version, party_statement="当事人称系联谊活动")
    assert case.party_statement == "当事人称系联谊活动"


def test_stale_version_is_refused(make_case, hebei_staff, hebei_approver):
    """Two staff on the same case: the second save is refused and nothing is overwritten."""
    case = make_case(hebei_staff, CaseStage.INVESTIGATION)
    seen_by_a = seen_by_b = case.version
    case_update(case=case, actor=hebei_staff, expected_version=seen_by_a, summary="甲的修改")
    with pytest.raises(ApplicationError, match=STALE_MESSAGE):
        case_update(case=case, actor=hebei_approver, expected_version=seen_by_b, summary="乙的修改")
    with pytest.raises(ApplicationError, match=STALE_MESSAGE):
        case_transition(case=case, to_stage=CaseStage.REPORT, actor=hebei_approver, expected_version=seen_by_b)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.summary == "甲的修改" and fresh.stage == CaseStage.INVESTIGATION
    assert CaseEvent.objects.filter(case=case, to_stage=CaseStage.REPORT).count() == 0
