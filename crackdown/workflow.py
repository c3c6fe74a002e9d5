"""The case procedure of 《取缔非法社会组织办法》 as a table (STYLE.md point 5).

``TRANSITIONS[stage][next_stage] = Step(...)`` says everything about one step: who may take it (the
permission, and whether it must be someone other than the person who asked for it), the values it
asks for (``requires`` / ``optional``, named in ``INPUTS``), the documents that must be on the case
before it can be taken, and the outcome it sets.  ``services.case_transition`` checks it; the page's
``TransitionForm`` and the API's transition serializer are built from it, so they ask for the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from crackdown.choices import CaseOutcome, DocumentKind, PropertyDisposal, ServiceMethod
from crackdown.choices import CaseStage as S

CHANGE = "crackdown.change_case"
APPROVE = "crackdown.approve_case"
REVIEW = "crackdown.review_case"


@dataclass(frozen=True)
class Input:
    """A value a step asks for.  ``kind`` picks the form and serializer field (forms.step_field,
    api.serializers.step_field); ``missing`` is the message when a required value is not given;
    ``on_case`` says the value is stored in the case's field of the same name (else the service
    makes a record of it, e.g. the confiscated property)."""

    label: str
    kind: str  # text | line | date | decimal | choice | organization | user
    missing: str = ""
    help: str = ""
    choices: type | None = None
    on_case: bool = True


INPUTS: dict[str, Input] = {
    "party_statement": Input("当事人陈述申辩意见", "text",
                             "请记录当事人的陈述申辩意见（未陈述申辩的，请注明“当事人放弃陈述申辩”）。",
                             "当事人未陈述申辩的，请注明“当事人放弃陈述申辩”"),
    "review_result": Input("复核意见", "text", "请记录对当事人陈述申辩的复核意见。",
                           "对当事人提出的事实、理由和证据进行复核的结果（《行政处罚法》第四十五条）"),
    "hearing_on": Input("听证日期", "date", "请填写听证日期。"),
    "hearing_officer": Input("听证主持人", "user", "请选择听证主持人。",
                             "须为本案调查人员以外的人员（《行政处罚法》第六十四条）"),
    "decision_number": Input("取缔决定书文号", "line", "作出取缔决定须填写取缔决定书文号。"),
    "confiscation_description": Input("没收的非法财产", "line", help="没有没收财产的，留空", on_case=False),
    "confiscation_amount": Input("没收金额（元）", "decimal", "请填写没收财产的金额（元）。", on_case=False),
    "confiscation_disposal": Input("处置情况", "choice", choices=PropertyDisposal, on_case=False),
    "registered_organization": Input("已登记的社会组织", "organization",
                                     help="尚未完成登记的，可在登记后于案件信息中补充"),
    "outcome_date": Input("决定日期", "date", help="留空为今天"),
    "service_method": Input("送达方式", "choice", "请选择送达方式。", choices=ServiceMethod),
    "served_on": Input("送达日期", "date", "请填写送达日期（以送达回证为准）。",
                       "决定书未当场交付的，应在七日内送达（《行政处罚法》第六十一条）；超过的将标记为逾期送达"),
    "announced_on": Input("公告日期", "date", "请填写公告日期。"),
}


@dataclass(frozen=True)
class Step:
    permission: str
    needs_second_person: bool
    label: str  # the button's text
    requires: tuple[str, ...] = ()  # INPUTS that must be given
    optional: tuple[str, ...] = ()  # INPUTS that may be given
    documents: tuple[str, ...] = ()  # DocumentKinds that must be on the case (since its current stage began)
    outcome: str = ""  # the CaseOutcome this step decides (statistics count it on outcome_date)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.requires + self.optional


def _decide(label: str, outcome: str, *requires: str, optional: tuple[str, ...] = (),
            documents: tuple[str, ...] = ()) -> Step:
    """A decision (决定审批): by an approver other than the person who asked for it, dated."""
    return Step(APPROVE, True, label, requires=requires, optional=(*optional, "outcome_date"), documents=documents,
                outcome=outcome)


D = DocumentKind
STATEMENT = ("party_statement",)
CONFISCATION = ("confiscation_description", "confiscation_amount", "confiscation_disposal")

TRANSITIONS: dict[str, dict[str, Step]] = {
    S.FILING: {
        S.INVESTIGATION: Step(APPROVE, True, "批准立案", documents=(D.FILING_FORM,)),
        S.NOT_FILED: _decide("不予立案", CaseOutcome.NOT_FILED),
    },
    S.INVESTIGATION: {
        S.REPORT: Step(CHANGE, False, "调查终结，提交报告", documents=(D.REPORT,)),
        # 劝散: a minor, low-harm organization that disbands after 劝诫 needs no ban decision, so the case
        # may close from the investigation on the written 劝诫 record and the members' undertaking
        S.DISSUADED: _decide("情节轻微，劝散结案", CaseOutcome.DISSUADED, documents=(D.ADMONITION, D.UNDERTAKING)),
    },
    S.REPORT: {
        S.LEGAL_REVIEW: Step(CHANGE, False, "提请法制审核"),
        S.INVESTIGATION: Step(CHANGE, False, "补充调查"),
    },
    S.LEGAL_REVIEW: {
        S.NOTICE: Step(REVIEW, True, "法制审核通过，告知当事人", documents=(D.LEGAL_OPINION, D.NOTICE)),
        S.INVESTIGATION: Step(REVIEW, True, "法制审核退回，补充调查"),
    },
    S.NOTICE: {
        # the party's statement (陈述申辩) is recorded with the step that leaves 告知; a statement that
        # raises new facts is reviewed (复核, 《行政处罚法》第四十五条) and may send the case back
        S.DECISION: Step(CHANGE, False, "记录陈述申辩，提请决定", requires=STATEMENT),
        S.INVESTIGATION: Step(CHANGE, False, "复核：退回补充调查", requires=(*STATEMENT, "review_result")),
        S.LEGAL_REVIEW: Step(CHANGE, False, "复核：重新法制审核", requires=(*STATEMENT, "review_result")),
        S.HEARING: Step(CHANGE, False, "当事人申请听证", requires=("hearing_on", "hearing_officer"),
                        optional=STATEMENT),
    },
    S.HEARING: {
        S.DECISION: Step(CHANGE, False, "听证结束，提请决定", optional=STATEMENT, documents=(D.HEARING,)),
    },
    S.DECISION: {
        S.SERVICE: _decide("作出取缔决定", CaseOutcome.BANNED, "decision_number", optional=CONFISCATION,
                           documents=(D.DECISION,)),
        S.DISSUADED: _decide("劝散，不予取缔", CaseOutcome.DISSUADED),
        S.DISSOLVED: _decide("已自行解散，结案", CaseOutcome.DISSOLVED),
        S.REGISTERED: _decide("引导登记，结案", CaseOutcome.REGISTERED, optional=("registered_organization",)),
        S.WITHDRAWN: _decide("撤案", CaseOutcome.WITHDRAWN),
        S.NOTICE: Step(APPROVE, True, "退回，重新告知"),
    },
    S.SERVICE: {
        S.ANNOUNCEMENT: Step(CHANGE, False, "已送达，进入公告", requires=("service_method", "served_on"),
                             documents=(D.SERVICE_RECEIPT,)),
    },
    S.ANNOUNCEMENT: {
        S.CLOSED: Step(CHANGE, False, "已公告，结案", requires=("announced_on",), documents=(D.ANNOUNCEMENT,)),
    },
}

TERMINAL_STAGES = frozenset({S.CLOSED, S.DISSUADED, S.DISSOLVED, S.REGISTERED, S.WITHDRAWN, S.NOT_FILED})

# Entering these stages sets the case's outcome (what the statistics count): read off the table.
OUTCOME_FOR_STAGE = {to: step.outcome for steps in TRANSITIONS.values() for to, step in steps.items()
                     if step.outcome}

# Stages whose every step waits for an approver / a legal reviewer (the home page's queues); 调查取证,
# where the approver may also close a minor case as 劝散, stays the handling staff's work.
AWAITING_APPROVAL = frozenset(stage for stage, steps in TRANSITIONS.items()
                              if all(s.permission == APPROVE for s in steps.values()))
AWAITING_REVIEW = frozenset(stage for stage, steps in TRANSITIONS.items()
                            if all(s.permission == REVIEW for s in steps.values()))


# The stages in the order the procedure runs: a step to an earlier one sends the case back (退回、补充调查).
STAGE_ORDER = (S.FILING, S.INVESTIGATION, S.REPORT, S.LEGAL_REVIEW, S.NOTICE, S.HEARING, S.DECISION, S.SERVICE,
               S.ANNOUNCEMENT, S.CLOSED)


def is_return(from_stage: str, to_stage: str) -> bool:
    return (from_stage in STAGE_ORDER and to_stage in STAGE_ORDER
            and STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(from_stage))


def is_irreversible(to_stage: str, step: Step) -> bool:
    """A decision or a closing: nothing in the table leads out of it, so the page asks for confirmation."""
    return bool(step.outcome) or to_stage in TERMINAL_STAGES


def step_tone(from_stage: str, to_stage: str) -> str:
    """The button's colour by the step's consequence (Bootstrap's names): a decision that sanctions or drops
    the case (取缔、撤案、不予立案、劝散、解散) is red, a return grey, a step forward (批准、提请、结案…) green.
    引导登记 ends the case as the organization registers: a good end, green."""
    step = steps_from(from_stage)[to_stage]
    if step.outcome and step.outcome != CaseOutcome.REGISTERED:
        return "danger"
    if is_return(from_stage, to_stage):
        return "secondary"
    return "success"


def steps_from(stage: str) -> dict[str, Step]:
    return TRANSITIONS.get(stage, {})


def may_take(step: Step, user, requester_id: int | None) -> str:
    """Why ``user`` may not take ``step`` now ("" if they may): the one rule of who takes a step."""
    if not user.has_perm(step.permission):
        return f"您没有“{step.label}”的权限。"
    if step.needs_second_person and requester_id is not None and requester_id == user.pk:
        return f"“{step.label}”须由提请人以外的人员审批，您不能审批自己提请的事项。"
    return ""


def document_field(kind: str) -> str:
    """The name of the upload field for a document of ``kind`` (the page's form and the API alike)."""
    return f"doc_{kind}"


def pop_documents(values: dict) -> list[tuple[str, object]]:
    """Take the uploads out of a form's or serializer's cleaned values: [(DocumentKind, file), …]."""
    found = [(DocumentKind.OTHER, f) for f in values.pop("documents", None) or ()]
    for kind in DocumentKind.values:
        found += [(kind, f) for f in values.pop(document_field(kind), None) or ()]
    return found


def allowed_steps(case, user, requester_id=None) -> list[tuple[str, Step]]:
    """The moves this user may make now (the buttons on the case page)."""
    return [(to_stage, step) for to_stage, step in steps_from(case.stage).items()
            if not may_take(step, user, requester_id)]


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
