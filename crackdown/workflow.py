"""The case procedure of 《取缔非法社会组织办法》 as a table (STYLE.md point 5).

``TRANSITIONS[stage][next_stage] = Step(permission, needs_second_person, label)``.  Only
``services.case_transition`` reads it: the stage must allow the move, the actor must hold the
permission, and where ``needs_second_person`` is set the actor must not be the person who asked for
the step (the one who moved the case into its current stage).
"""

from __future__ import annotations

from dataclasses import dataclass

from crackdown.choices import CaseOutcome
from crackdown.choices import CaseStage as S

CHANGE = "crackdown.change_case"
APPROVE = "crackdown.approve_case"
REVIEW = "crackdown.review_case"


@dataclass(frozen=True)
class Step:
    permission: str
    needs_second_person: bool
    label: str  # the button's text


TRANSITIONS: dict[str, dict[str, Step]] = {
    S.FILING: {
        S.INVESTIGATION: Step(APPROVE, True, "批准立案"),
        S.NOT_FILED: Step(APPROVE, True, "不予立案"),
    },
    S.INVESTIGATION: {
        # every outcome, even 劝散 or 撤案, is decided at 决定审批 after legal review
        S.REPORT: Step(CHANGE, False, "调查终结，提交报告"),
    },
    S.REPORT: {
        S.LEGAL_REVIEW: Step(CHANGE, False, "提请法制审核"),
        S.INVESTIGATION: Step(CHANGE, False, "补充调查"),
    },
    S.LEGAL_REVIEW: {
        S.NOTICE: Step(REVIEW, True, "法制审核通过，告知当事人"),
        S.INVESTIGATION: Step(REVIEW, True, "法制审核退回，补充调查"),
    },
    S.NOTICE: {
        # the party's statement (陈述申辩) is recorded with this step
        S.DECISION: Step(CHANGE, False, "记录陈述申辩，提请决定"),
    },
    S.DECISION: {
        S.ANNOUNCEMENT: Step(APPROVE, True, "作出取缔决定"),
        S.DISSUADED: Step(APPROVE, True, "劝散，不予取缔"),
        S.DISSOLVED: Step(APPROVE, True, "已自行解散，结案"),
        S.REGISTERED: Step(APPROVE, True, "引导登记，结案"),
        S.REFERRED: Step(APPROVE, True, "移送公安或其他部门"),
        S.WITHDRAWN: Step(APPROVE, True, "撤案"),
        S.NOTICE: Step(APPROVE, True, "退回，重新告知"),
    },
    S.ANNOUNCEMENT: {
        S.CLOSED: Step(CHANGE, False, "已公告，结案"),
    },
}

TERMINAL_STAGES = frozenset({S.CLOSED, S.DISSUADED, S.DISSOLVED, S.REGISTERED, S.REFERRED, S.WITHDRAWN, S.NOT_FILED})

# Entering these stages sets the case's outcome (what the statistics count).
OUTCOME_FOR_STAGE = {
    S.ANNOUNCEMENT: CaseOutcome.BANNED,
    S.DISSUADED: CaseOutcome.DISSUADED,
    S.DISSOLVED: CaseOutcome.DISSOLVED,
    S.REGISTERED: CaseOutcome.REGISTERED,
    S.REFERRED: CaseOutcome.REFERRED,
    S.WITHDRAWN: CaseOutcome.WITHDRAWN,
    S.NOT_FILED: CaseOutcome.NOT_FILED,
}

# Stages whose work waits for an approver / a legal reviewer (the home page's queues).
AWAITING_APPROVAL = frozenset(stage for stage, steps in TRANSITIONS.items()
                              if any(s.permission == APPROVE for s in steps.values()))
AWAITING_REVIEW = frozenset(stage for stage, steps in TRANSITIONS.items()
                            if any(s.permission == REVIEW for s in steps.values()))


def steps_from(stage: str) -> dict[str, Step]:
    return TRANSITIONS.get(stage, {})


def allowed_steps(case, user, requester=None) -> list[tuple[str, Step]]:
    """The moves this user may make now (the buttons on the case page)."""
    result = []
    for to_stage, step in steps_from(case.stage).items():
        if not user.has_perm(step.permission):
            continue
        if step.needs_second_person and requester is not None and requester == user.pk:
            continue
        result.append((to_stage, step))
    return result


# Leads: 待核查 → 核查中 → 不属实 (closed) / 属实 → 转立案 or 移交.  A lead outside the authority's
# remit may be handed on (移交) at any point before it is closed.
LEAD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("checking", "unfounded", "transferred"),
    "checking": ("unfounded", "confirmed", "transferred"),
    "confirmed": ("filed", "transferred"),
    "unfounded": (),
    "filed": (),
    "transferred": (),
}
