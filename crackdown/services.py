"""Writes of the crackdown app (HackSoft style): keyword-only, validated, audited, in a transaction.

Business-rule failures raise ``ApplicationError`` with the Chinese message the user reads.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone

from crackdown import conf
from crackdown.choices import (
    CaseOutcome,
    CaseStage,
    DocumentKind,
    Jurisdiction,
    LeadSource,
    LeadStatus,
    ListKind,
    ListStatus,
    PropertyDisposal,
    ReportChannel,
    UnfoundedReason,
)
from crackdown.models import (
    Case,
    CaseConfiscation,
    CaseDocument,
    CaseEvent,
    CaseExtension,
    CaseReferral,
    CaseSuspension,
    CheckBatch,
    Informant,
    Lead,
    LeadAttachment,
    ListBatch,
    ListEntry,
)
from crackdown.selectors import (
    case_investigators,
    inquiry_officer_names,
    resolve_place,
    stage_document_kinds,
    step_requester,
)
from crackdown.workflow import INPUTS, LEAD_TRANSITIONS, TERMINAL_STAGES, document_field, may_take, steps_from
from portal.audit import record_change, snapshot, stored_snapshot
from portal.gazetteer import province_of
from portal.jobs import job_start
from portal.models import AuditAction, Authority, Job
from portal.scoping import object_in_scope
from portal.services import ApplicationError, StaleVersion

STALE_MESSAGE = "该案件已被他人修改，请刷新后重试。"




# --- leads ---------------------------------------------------------------------------------------
def _placeholder() -> str:
    return "TMP" + uuid.uuid4().hex[:20]


def _full_clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        def label(name):
            try:
                return f"{obj._meta.get_field(name).verbose_name}："
            except FieldDoesNotExist:  # a non-field error has no label
                return ""

        messages = "；".join(f"{label(name)}{m}" for name, msgs in exc.message_dict.items() for m in msgs)
        raise ApplicationError(messages or "数据不完整。", extra=exc.message_dict) from exc


def _check_scope(obj, actor):
    if actor is not None and not object_in_scope(obj, actor):
        raise ApplicationError("该记录不在您的管辖范围内。")


@transaction.atomic
def lead_create(*, actor, authority: Authority | None = None, informant: dict | None = None,
                attachments=(), places_from_text: bool = False, **fields) -> Lead:
    """A new lead in the actor's queue (or ``authority``'s, which must lie in the actor's area).

    ``places_from_text``: a lead entered on the page with no division code takes the division its
    place text names (``selectors.resolve_place``), as a public report does."""
    authority = authority or actor.authority
    if places_from_text and not fields.get("places") and fields.get("place_text"):
        _, fields["places"] = resolve_place(fields["place_text"])
    lead = Lead(authority=authority, created_by=actor if actor and actor.is_authenticated else None, **fields)
    lead.received_on = lead.received_on or timezone.localdate()
    lead.check_due = lead.check_due or conf.lead_check_due(lead.received_on)
    lead.number = _placeholder()
    _full_clean(lead)
    lead.save()
    lead.number = f"XS{lead.received_on:%Y}{authority.code}{lead.pk:06d}"
    lead.save(update_fields=["number"])
    if actor is not None and actor.is_authenticated:
        _check_scope(lead, actor)
    if informant and any(informant.values()):
        Informant.objects.create(lead=lead, **informant)
    for upload in attachments:
        LeadAttachment.objects.create(lead=lead, title=upload.name, file=upload, uploaded_by=actor)
    record_change(actor=actor, action=AuditAction.CREATE, obj=lead, after=snapshot(lead),
                  username="（公众举报）" if lead.source == LeadSource.PUBLIC_REPORT else "")
    return lead


def _locked_lead(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().select_related("authority").get(pk=lead.pk)


@transaction.atomic
def lead_set_status(*, lead: Lead, actor, status: str, note: str = "", unfounded_reason: str = "") -> Lead:
    """待核查 → 核查中 → 不属实 / 属实 (转立案 and 移交 have their own services)."""
    lead = _locked_lead(lead)
    if not actor.has_perm("crackdown.change_lead"):
        raise ApplicationError("您没有办理线索的权限。")
    if status not in LEAD_TRANSITIONS.get(lead.status, ()):
        raise ApplicationError(
            f"线索当前状态为“{lead.get_status_display()}”，不能改为“{LeadStatus(status).label}”。")
    if status in (LeadStatus.FILED, LeadStatus.TRANSFERRED):
        raise ApplicationError("转立案、移交请使用相应的办理操作。")
    if unfounded_reason and status != LeadStatus.UNFOUNDED:
        raise ApplicationError("只有核查不属实的线索才填写不属实的理由。")
    before = stored_snapshot(lead)
    lead.status = status
    # 不属实 because of the facts or one of the groups 《取缔非法社会组织办法》 第三条 excludes
    lead.unfounded_reason = unfounded_reason or (UnfoundedReason.FACTS if status == LeadStatus.UNFOUNDED else "")
    if note:
        lead.check_result = (lead.check_result + "\n" if lead.check_result else "") + note
    lead.save(update_fields=["status", "check_result", "unfounded_reason", "updated"])
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=lead, before=before, after=snapshot(lead),
                  note=f"线索状态改为{lead.get_status_display()}")
    return lead


@transaction.atomic
def lead_transfer(*, lead: Lead, actor, to_authority: Authority | None = None, to_department: str = "",
                  transfer_date: date | None = None, note: str = "") -> Lead:
    """移交: to another registration authority (which receives a copy in its queue) or a department."""
    lead = _locked_lead(lead)
    if not actor.has_perm("crackdown.change_lead"):
        raise ApplicationError("您没有办理线索的权限。")
    if LeadStatus.TRANSFERRED not in LEAD_TRANSITIONS.get(lead.status, ()):
        raise ApplicationError(f"线索当前状态为“{lead.get_status_display()}”，不能移交。")
    if bool(to_authority) == bool(to_department):
        raise ApplicationError("请指定接收的登记管理机关或接收部门（二者选一）。")
    if to_authority is not None and to_authority.pk == lead.authority_id:
        raise ApplicationError("不能移交给本机关。")
    before = stored_snapshot(lead)
    lead.status = LeadStatus.TRANSFERRED
    lead.transfer_authority = to_authority
    lead.transfer_department = to_department
    lead.transfer_date = transfer_date or timezone.localdate()
    if note:
        lead.check_result = (lead.check_result + "\n" if lead.check_result else "") + note
    lead.save()
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=lead, before=before, after=snapshot(lead),
                  note="线索移交")
    if to_authority is not None:
        copy = lead_create(
            actor=None, authority=to_authority, source=LeadSource.TRANSFER,
            source_detail=f"{lead.authority.bureau_name}移交（原线索 {lead.number}）", org_name=lead.org_name,
            aliases=lead.aliases, claimed_backing=lead.claimed_backing, places=lead.places,
            place_text=lead.place_text, websites=lead.websites, bank_accounts=lead.bank_accounts,
            persons=lead.persons, description=lead.description, channel=lead.channel,
            received_on=lead.transfer_date, transferred_from=lead,
        )
        informant = getattr(lead, "informant", None)
        if informant is not None:
            Informant.objects.create(lead=copy, name=informant.name, phone=informant.phone, email=informant.email,
                                     address=informant.address, ip=informant.ip)
    return lead


# --- cases -------------------------------------------------------------------------------------
def _add_event(*, case, from_stage, to_stage, actor, note="", requested_by: int | None = None,
               documents=(), default_kind: str = DocumentKind.OTHER) -> CaseEvent:
    """A timeline event with its documents: (DocumentKind, upload) pairs, or bare uploads of ``default_kind``."""
    event = CaseEvent.objects.create(case=case, from_stage=from_stage, to_stage=to_stage, actor=actor,
                                     requested_by_id=requested_by, note=note, due=case.step_due)
    for item in documents:
        kind, upload = item if isinstance(item, tuple) else (default_kind, item)
        title = getattr(upload, "name", "") or DocumentKind(kind).label
        CaseDocument.objects.create(case=case, event=event, kind=kind, title=title, file=upload, uploaded_by=actor)
    return event


def _check_jurisdiction(case: Case) -> None:
    """指定管辖、提级管辖 are decided by an authority above the case's: the ministry, the province, or — since
    the 2025 办法 makes the county the base level — the prefecture (《取缔非法社会组织办法》第五条、第六条)."""
    if case.jurisdiction == Jurisdiction.TERRITORIAL or case.jurisdiction_authority is None:
        return
    deciding, own = case.jurisdiction_authority, case.authority
    if deciding.pk == own.pk or not own.is_within(deciding):
        raise ApplicationError(f"管辖决定机关须为{own.name}的上级登记管理机关（民政部、省级或地市级）。",
                               extra={"jurisdiction_authority": ["须为承办机关的上级机关"]})


@transaction.atomic
def case_create(*, actor, org_name: str, target_type: str, lead: Lead | None = None,
                authority: Authority | None = None, jurisdiction: str = Jurisdiction.TERRITORIAL,
                jurisdiction_authority: Authority | None = None, jurisdiction_date: date | None = None,
                summary: str = "", parties: str = "", note: str = "", documents=()) -> Case:
    """立案申请: a case in 立案审批, waiting for a second person's approval."""
    if not actor.has_perm("crackdown.add_case"):
        raise ApplicationError("您没有立案的权限。")
    authority = authority or (lead.authority if lead else actor.authority)
    if jurisdiction != Jurisdiction.TERRITORIAL and jurisdiction_authority is None:
        jurisdiction_authority = actor.authority
    if jurisdiction != Jurisdiction.TERRITORIAL and jurisdiction_date is None:
        jurisdiction_date = timezone.localdate()
    today = timezone.localdate()
    case = Case(
        number=_placeholder(), org_name=org_name, lead=lead, target_type=target_type, authority=authority,
        jurisdiction=jurisdiction, jurisdiction_authority=jurisdiction_authority,
        jurisdiction_date=jurisdiction_date, summary=summary, parties=parties, stage=CaseStage.FILING,
        step_due=conf.step_due(CaseStage.FILING, today), created_by=actor,
    )
    _full_clean(case)
    _check_jurisdiction(case)
    case.save()
    case.number = f"AJ{today:%Y}{authority.code}{case.pk:06d}"
    case.save(update_fields=["number"])
    _check_scope(case, actor)
    _add_event(case=case, from_stage="", to_stage=CaseStage.FILING, actor=actor, note=note or "提请立案审批",
               documents=documents, default_kind=DocumentKind.FILING_FORM)
    record_change(actor=actor, action=AuditAction.CREATE, obj=case, after=snapshot(case))
    return case


def lead_case_summary(lead: Lead) -> str:
    """The 案情摘要 a case opened from ``lead`` starts with: what was reported and what the check found."""
    parts = [lead.description.strip()]
    if lead.check_result.strip():
        parts.append(f"核查情况：{lead.check_result.strip()}")
    return "\n".join(p for p in parts if p)


@transaction.atomic
def lead_to_case(*, lead: Lead, actor, target_type: str, **kwargs) -> Case:
    """转立案: a confirmed (属实) lead becomes a case awaiting filing approval."""
    lead = _locked_lead(lead)
    if LeadStatus.FILED not in LEAD_TRANSITIONS.get(lead.status, ()):
        raise ApplicationError(f"线索当前状态为“{lead.get_status_display()}”，须先核查属实才能转立案。")
    if Case.objects.filter(lead=lead).exists():
        raise ApplicationError("该线索已立案。")
    before = stored_snapshot(lead)
    # the case starts from what the lead established: its summary and the persons involved (当事人)
    kwargs["summary"] = kwargs.get("summary") or lead_case_summary(lead)
    kwargs["parties"] = kwargs.get("parties") or lead.persons
    case = case_create(actor=actor, org_name=kwargs.pop("org_name", None) or lead.org_name,
                       target_type=target_type, lead=lead, **kwargs)
    lead.status = LeadStatus.FILED
    lead.save(update_fields=["status", "updated"])
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=lead, before=before, after=snapshot(lead),
                  note=f"转立案：{case.number}")
    return case


def _lock_case(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleVersion(STALE_MESSAGE, version=locked.version)
    return locked


def _given(value) -> bool:
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


def _check_hearing_officer(case: Case, officer) -> None:
    """The hearing is chaired by someone other than the investigators (《行政处罚法》第六十四条)."""
    if officer.authority_id is None or not case.authority.is_within(officer.authority):
        raise ApplicationError("听证主持人须为本机关或上级机关的工作人员。")
    if officer.pk in case_investigators(case) or officer.display_name in inquiry_officer_names(case):
        raise ApplicationError(f"{officer.display_name}参与了本案调查，不能主持听证（《行政处罚法》第六十四条）。")


@transaction.atomic
def case_transition(*, case: Case, to_stage: str, actor, note: str = "", expected_version: int | None,
                    documents=(), **values) -> Case:
    """Move a case one step along ``TRANSITIONS``; refuse a stale version, a suspended case, a missing
    permission, an approval by the person who asked for it, a step without the values or the documents
    the table says it needs.  ``values`` are the step's ``INPUTS``; ``documents`` (DocumentKind, upload)
    pairs or bare uploads.  Writes the timeline event and the audit row."""
    case = _lock_case(case, expected_version)
    step = steps_from(case.stage).get(to_stage)
    if step is None:
        to_label = CaseStage(to_stage).label if to_stage in CaseStage.values else to_stage
        raise ApplicationError(f"案件处于“{case.get_stage_display()}”环节，不能转到“{to_label}”。")
    if case.suspended_since:
        raise ApplicationError(f"案件已于{case.suspended_since:%Y-%m-%d}中止，恢复后方可继续办理。")
    requester_id = step_requester(case)
    refusal = may_take(step, actor, requester_id)
    if refusal:
        raise ApplicationError(refusal)
    unknown = set(values) - set(INPUTS)
    if unknown:
        raise ApplicationError(f"未知的办理事项：{'、'.join(sorted(unknown))}")
    for name in step.requires:
        if not _given(values.get(name)):
            raise ApplicationError(INPUTS[name].missing or f"请填写{INPUTS[name].label}。",
                                   extra={name: [INPUTS[name].missing or "必填"]})
    documents = [item if isinstance(item, tuple) else (DocumentKind.OTHER, item) for item in documents]
    missing = [kind for kind in step.documents
               if kind not in {k for k, _ in documents} and kind not in stage_document_kinds(case)]
    if missing:
        names = "、".join(str(DocumentKind(k).label) for k in missing)
        raise ApplicationError(f"“{step.label}”须先附{names}。",
                               extra={document_field(k): ["须附此文书"] for k in missing})
    if _given(values.get("confiscation_description")) and not _given(values.get("confiscation_amount")):
        raise ApplicationError(INPUTS["confiscation_amount"].missing,
                               extra={"confiscation_amount": [INPUTS["confiscation_amount"].missing]})
    before = stored_snapshot(case)
    today = timezone.localdate()
    from_stage = case.stage
    if from_stage == CaseStage.FILING and to_stage == CaseStage.INVESTIGATION:
        case.filed_on = today
        case.deadline = conf.case_deadline(today)  # the case clock starts at 立案 and is never reset
    for name in step.inputs:
        value = values.get(name)
        if _given(value) and INPUTS[name].on_case:
            setattr(case, name, value.strip() if isinstance(value, str) else value)
    if to_stage == CaseStage.HEARING:
        _check_hearing_officer(case, case.hearing_officer)
    notes = [note] if note else []
    if step.outcome:
        case.outcome = step.outcome
        case.outcome_date = case.outcome_date if _given(values.get("outcome_date")) else today
        if case.hearing_on:  # a decision after a hearing names it
            officer = case.hearing_officer.display_name
            notes.insert(0, f"经听证（{case.hearing_on:%Y-%m-%d}，主持人 {officer}）作出决定。")
    if to_stage == CaseStage.ANNOUNCEMENT and case.service_late:
        notes.insert(0, f"逾期送达：决定于{case.outcome_date:%Y-%m-%d}作出，{case.served_on:%Y-%m-%d}送达，"
                        f"超过七日（《行政处罚法》第六十一条）。")
    if step.requires and "review_result" in step.requires:
        notes.insert(0, f"复核意见：{case.review_result}")
    case.stage = to_stage
    case.step_due = None if to_stage in TERMINAL_STAGES else conf.step_due(to_stage, today)
    if to_stage == CaseStage.SERVICE:
        case.step_due = conf.step_due(CaseStage.SERVICE, case.outcome_date)
    case.version += 1
    _full_clean(case)
    case.save()
    _add_event(case=case, from_stage=from_stage, to_stage=to_stage, actor=actor, note="\n".join(notes),
               requested_by=requester_id if step.needs_second_person else None, documents=documents)
    if _given(values.get("confiscation_description")):
        _add_confiscation(case=case, actor=actor, description=values["confiscation_description"],
                          amount=values["confiscation_amount"],
                          disposal=values.get("confiscation_disposal") or PropertyDisposal.PENDING, bump=False)
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=case, before=before, after=snapshot(case),
                  note=f"{CaseStage(from_stage).label} → {CaseStage(to_stage).label}：{step.label}")
    return case


# --- records beside the procedure: referrals, confiscations, the case clock --------------------------
def _case_for_record(case: Case, actor, permission: str = "crackdown.change_case") -> Case:
    if not actor.has_perm(permission):
        raise ApplicationError("您没有办理案件的权限。")
    if not object_in_scope(case, actor):
        raise ApplicationError("该案件不在您的管辖范围内。")
    return Case.objects.select_for_update().get(pk=case.pk)


def _save_record(record, actor, case: Case, note: str, bump: bool = True):
    record.case = case
    record.authority_id = case.authority_id
    record.added_by = actor
    _full_clean(record)
    record.save()
    if bump:  # the case page's version changes with what it shows
        Case.objects.filter(pk=case.pk).update(version=models.F("version") + 1)
        case.refresh_from_db(fields=["version"])
    record_change(actor=actor, action=AuditAction.CREATE, obj=record, after=snapshot(record),
                  note=f"案件 {case.number}：{note}")
    return record


@transaction.atomic
def referral_add(*, case: Case, actor, department: str, referred_on: date, matter: str) -> CaseReferral:
    """移送: on any case, at any stage, beside (not instead of) the decision."""
    case = _case_for_record(case, actor)
    return _save_record(CaseReferral(department=department, referred_on=referred_on, matter=matter), actor, case,
                        "移送")


@transaction.atomic
def referral_result(*, referral: CaseReferral, actor, result_on: date, cases_solved: int = 0,
                    suspects_caught: int = 0, result_note: str = "") -> CaseReferral:
    """The receiving department's feedback: 破获案件, 抓获犯罪嫌疑人."""
    _case_for_record(referral.case, actor)
    referral = CaseReferral.objects.select_for_update().get(pk=referral.pk)
    before = stored_snapshot(referral)
    referral.result_on, referral.cases_solved, referral.suspects_caught = result_on, cases_solved, suspects_caught
    referral.result_note = result_note
    _full_clean(referral)
    referral.save()
    record_change(actor=actor, action=AuditAction.UPDATE, obj=referral, before=before, after=snapshot(referral),
                  note=f"案件 {referral.case.number}：移送反馈")
    return referral


def _add_confiscation(*, case: Case, actor, description: str, amount, disposal: str,
                      bump: bool = True) -> CaseConfiscation:
    if case.outcome != CaseOutcome.BANNED:
        raise ApplicationError("没收非法财产须随取缔决定登记。")
    return _save_record(CaseConfiscation(description=description.strip(), amount=amount, disposal=disposal,
                                         decided_on=case.outcome_date), actor, case, "没收非法财产", bump=bump)


@transaction.atomic
def confiscation_add(*, case: Case, actor, description: str, amount, disposal: str = PropertyDisposal.PENDING):
    """没收非法财产 recorded after the 取缔 decision (the decision's date is the record's)."""
    case = _case_for_record(case, actor)
    return _add_confiscation(case=case, actor=actor, description=description, amount=amount, disposal=disposal)


@transaction.atomic
def extension_request(*, case: Case, actor, reason: str, new_deadline: date) -> CaseExtension:
    """延长办案期限: asked for with a reason and a new date; takes effect when another person approves."""
    case = _case_for_record(case, actor)
    if case.is_terminal or case.outcome_date:
        raise ApplicationError("案件已作出决定，无须延长办案期限。")
    if not case.deadline:
        raise ApplicationError("案件尚未立案，没有办案期限。")
    if new_deadline <= case.deadline:
        raise ApplicationError(f"延长后的期限须晚于现期限（{case.deadline:%Y-%m-%d}）。")
    if not (reason or "").strip():
        raise ApplicationError("请填写延期理由。")
    if case.extensions.filter(approved_by__isnull=True).exists():
        raise ApplicationError("已有待批准的延期申请。")
    return _save_record(CaseExtension(reason=reason.strip(), new_deadline=new_deadline,
                                      previous_deadline=case.deadline), actor, case, "申请延长办案期限")


@transaction.atomic
def extension_approve(*, case: Case, actor) -> CaseExtension:
    """The approval, by an approver who is not the person who asked (the deadline moves now)."""
    case = _case_for_record(case, actor, "crackdown.approve_case")
    extension = case.extensions.select_for_update().filter(approved_by__isnull=True).first()
    if extension is None:
        raise ApplicationError("没有待批准的延期申请。")
    if extension.added_by_id == actor.pk:
        raise ApplicationError("延期申请须由申请人以外的人员批准。")
    before = stored_snapshot(case)
    extension.approved_by, extension.approved_at = actor, timezone.now()
    extension.save()
    case.deadline = extension.new_deadline
    case.version += 1
    case.save(update_fields=["deadline", "version", "updated"])
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=case, before=before, after=snapshot(case),
                  note=f"批准延长办案期限至 {extension.new_deadline:%Y-%m-%d}：{extension.reason}")
    return extension


@transaction.atomic
def case_suspend(*, case: Case, actor, reason: str, suspended_on: date | None = None) -> CaseSuspension:
    """中止: the case clock and the step clock stop; no step can be taken until it resumes."""
    case = _case_for_record(case, actor)
    if case.is_terminal:
        raise ApplicationError("案件已办结，不能中止。")
    if case.suspended_since:
        raise ApplicationError("案件已中止。")
    if not (reason or "").strip():
        raise ApplicationError("请填写中止理由。")
    suspended_on = suspended_on or timezone.localdate()
    suspension = _save_record(CaseSuspension(reason=reason.strip(), suspended_on=suspended_on), actor, case,
                              "中止")
    Case.objects.filter(pk=case.pk).update(suspended_since=suspended_on)
    return suspension


@transaction.atomic
def case_resume(*, case: Case, actor, resumed_on: date | None = None, note: str = "") -> CaseSuspension:
    """恢复: the days the case stood still are added to its deadline and to the current step's."""
    case = _case_for_record(case, actor)
    suspension = case.suspensions.select_for_update().filter(resumed_on__isnull=True).first()
    if suspension is None:
        raise ApplicationError("案件未中止。")
    resumed_on = resumed_on or timezone.localdate()
    if resumed_on < suspension.suspended_on:
        raise ApplicationError("恢复日期不能早于中止日期。")
    before = stored_snapshot(case)
    suspension.resumed_on, suspension.resumed_by, suspension.resume_note = resumed_on, actor, note
    suspension.save()
    stood = resumed_on - suspension.suspended_on
    if case.deadline:
        case.deadline += stood
    if case.step_due:
        case.step_due += stood
    case.suspended_since = None
    case.version += 1
    case.save(update_fields=["deadline", "step_due", "suspended_since", "version", "updated"])
    record_change(actor=actor, action=AuditAction.UPDATE, obj=case, before=before, after=snapshot(case),
                  note=f"恢复办理，中止 {stood.days} 日不计入办案期限")
    return suspension


CLOCK_ACTIONS = {"extend": "申请延长办案期限", "approve-extension": "批准延长办案期限", "suspend": "中止",
                 "resume": "恢复办理"}


def case_clock(*, case: Case, actor, action: str, reason: str = "", new_deadline: date | None = None,
               on: date | None = None):
    """One of the case clock's actions by its name (the page's and the API's route take the same names)."""
    if action == "extend":
        if new_deadline is None:
            raise ApplicationError("请填写延长后的期限。", extra={"new_deadline": ["必填"]})
        return extension_request(case=case, actor=actor, reason=reason, new_deadline=new_deadline)
    if action == "approve-extension":
        return extension_approve(case=case, actor=actor)
    if action == "suspend":
        return case_suspend(case=case, actor=actor, reason=reason, suspended_on=on)
    if action == "resume":
        return case_resume(case=case, actor=actor, resumed_on=on, note=reason)
    raise ApplicationError(f"未知的操作：{action}")


CASE_EDITABLE = ("org_name", "target_type", "summary", "parties", "jurisdiction", "jurisdiction_authority",
                 "jurisdiction_date", "registered_organization")


@transaction.atomic
def case_update(*, case: Case, actor, expected_version: int | None, **fields) -> Case:
    """Edit a case's data; a save based on an old version is refused, never silently overwrites."""
    if not actor.has_perm("crackdown.change_case"):
        raise ApplicationError("您没有修改案件的权限。")
    case = _lock_case(case, expected_version)
    before = stored_snapshot(case)
    for name, value in fields.items():
        if name not in CASE_EDITABLE:
            raise ApplicationError(f"不能直接修改字段：{name}")
        setattr(case, name, value)
    case.version += 1
    _full_clean(case)
    _check_jurisdiction(case)
    case.save()
    _check_scope(case, actor)
    record_change(actor=actor, action=AuditAction.UPDATE, obj=case, before=before, after=snapshot(case))
    return case


@transaction.atomic
def case_add_record(*, case: Case, actor, record):
    """Evidence, an inquiry record, a website shut, a linked party: attached to a visible case."""
    if not actor.has_perm("crackdown.change_case"):
        raise ApplicationError("您没有办理案件的权限。")
    if not object_in_scope(case, actor):
        raise ApplicationError("该案件不在您的管辖范围内。")
    record.case = case
    if hasattr(record, "authority_id"):
        record.authority_id = case.authority_id  # denormalized for the statistics
    if hasattr(record, "added_by_id"):
        record.added_by = actor
    _full_clean(record)
    record.save()
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    case.version += 1
    record_change(actor=actor, action=AuditAction.CREATE, obj=record, after=snapshot(record),
                  note=f"案件 {case.number}：{record._meta.verbose_name}")
    return record


# --- check batches -----------------------------------------------------------------------------
@transaction.atomic
def check_batch_create(*, actor, number: str, checked_on: date, leads=(), note: str = "") -> CheckBatch:
    batch = CheckBatch(number=number, checked_on=checked_on, authority=actor.authority, note=note,
                       created_by=actor)
    _full_clean(batch)
    if CheckBatch.objects.filter(authority=batch.authority, number=number).exists():
        raise ApplicationError(f"批次编号 {number} 已存在。")
    batch.save()
    check_batch_add_leads(batch=batch, actor=actor, leads=leads)
    record_change(actor=actor, action=AuditAction.CREATE, obj=batch, after=snapshot(batch))
    return batch


@transaction.atomic
def check_batch_add_leads(*, batch: CheckBatch, actor, leads) -> int:
    ids = [lead.pk for lead in leads]
    visible = Lead.objects.restrict(actor, "change").filter(pk__in=ids)
    if visible.count() != len(set(ids)):
        raise ApplicationError("所选线索中有不在您管辖范围内的。")
    previous = set(visible.exclude(batch__isnull=True).values_list("batch_id", flat=True))
    count = visible.update(batch=batch)
    # 排查: a pending lead in a batch is being checked
    visible.filter(status=LeadStatus.PENDING).update(status=LeadStatus.CHECKING)
    CheckBatch.recount_ids(previous | {batch.pk})
    return count


# --- exposure and ban lists --------------------------------------------------------------------
@transaction.atomic
def list_batch_create(*, actor, kind: str, number: str, note: str = "") -> ListBatch:
    if not actor.has_perm("crackdown.add_listbatch"):
        raise ApplicationError("您没有编制名单的权限。")
    batch = ListBatch(kind=kind, number=number, authority=actor.authority, note=note, created_by=actor)
    _full_clean(batch)
    if ListBatch.objects.filter(authority=batch.authority, kind=kind, number=number).exists():
        raise ApplicationError(f"{batch.get_kind_display()}批次 {number} 已存在。")
    batch.save()
    record_change(actor=actor, action=AuditAction.CREATE, obj=batch, after=snapshot(batch))
    return batch


@transaction.atomic
def list_entry_add(*, batch: ListBatch, actor, lead: Lead | None = None, case: Case | None = None,
                   name: str = "", province: Authority | None = None) -> ListEntry:
    """An entry comes from a lead or a case (the 取缔名单 only from a case with a ban decision)."""
    batch = ListBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ListStatus.SUBMITTED:
        raise ApplicationError("名单已提请发布，待发布人退回后才能修改条目。")
    if batch.status != ListStatus.DRAFT:
        raise ApplicationError("名单已发布，不能再添加条目。")
    if batch.kind == ListKind.BANNED and (case is None or not case.decision_number or case.outcome != "banned"):
        raise ApplicationError("取缔名单只能收录已作出取缔决定的案件。")
    if batch.kind == ListKind.SUSPECTED and lead is None and case is None:
        raise ApplicationError("涉嫌非法社会组织名单须来自线索或案件。")
    source = case or lead
    if source is not None and not object_in_scope(source, actor):
        raise ApplicationError("所选线索或案件不在您的管辖范围内。")
    if case is not None:
        published = ListEntry.objects.filter(case=case, batch__kind=batch.kind, batch__status=ListStatus.PUBLISHED,
                                             withdrawn=False).select_related("batch").first()
        if published is not None:
            raise ApplicationError(f"该案件已在已发布的{published.batch}中，不能重复收录。")
    name = (name or (source.org_name if source else "")).strip()
    province = province or province_of(source.authority)
    if batch.entries.filter(name=name).exists():
        raise ApplicationError(f"“{name}”已在本批名单中。", extra={"name": [f"“{name}”已在本批名单中。"]})
    entry = ListEntry(batch=batch, name=name, province=province, lead=lead, case=case)
    _full_clean(entry)
    entry.save()
    record_change(actor=actor, action=AuditAction.CREATE, obj=entry, after=snapshot(entry), note=str(batch))
    return entry


@transaction.atomic
def list_publish(*, batch: ListBatch, actor, published_on: date | None = None) -> ListBatch:
    """发布: deliberate, by an approver other than the person who drew the list up."""
    batch = ListBatch.objects.select_for_update().get(pk=batch.pk)
    if not actor.has_perm("crackdown.publish_list"):
        raise ApplicationError("您没有发布名单的权限。")
    if batch.status == ListStatus.PUBLISHED:
        raise ApplicationError("该批名单已发布。")
    if batch.created_by_id == actor.pk:
        raise ApplicationError("名单须由编制人以外的审批人发布。")
    if not batch.entries.exists():
        raise ApplicationError("名单没有条目，不能发布。")
    before = stored_snapshot(batch)
    batch.status = ListStatus.PUBLISHED
    batch.published_on = published_on or timezone.localdate()
    batch.approver = actor
    batch.save()
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=batch, before=before, after=snapshot(batch),
                  note=f"发布{batch}，共 {batch.entries.count()} 个组织")
    return batch


@transaction.atomic
def list_submit(*, batch: ListBatch, actor) -> ListBatch:
    """提请发布: the clerk sends a finished draft to whoever may publish it (their home shows 「待发布名单」).

    The entries are frozen while it waits; the publisher publishes it or returns it with a reason.
    """
    batch = ListBatch.objects.select_for_update().get(pk=batch.pk)
    if not actor.has_perm("crackdown.change_listbatch"):
        raise ApplicationError("您没有编制名单的权限。")
    if batch.status != ListStatus.DRAFT:
        raise ApplicationError("只有草稿名单可以提请发布。")
    if not batch.entries.exists():
        raise ApplicationError("名单没有条目，不能提请发布。")
    before = stored_snapshot(batch)
    batch.status = ListStatus.SUBMITTED
    batch.submitted_by = actor
    batch.submitted_at = timezone.now()
    batch.return_reason = ""
    batch.save()
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=batch, before=before, after=snapshot(batch),
                  note=f"提请发布{batch}，共 {batch.entries.count()} 个组织")
    return batch


@transaction.atomic
def list_return(*, batch: ListBatch, actor, reason: str) -> ListBatch:
    """退回: the publisher sends a submitted list back to draft, saying why."""
    batch = ListBatch.objects.select_for_update().get(pk=batch.pk)
    if not actor.has_perm("crackdown.publish_list"):
        raise ApplicationError("您没有发布名单的权限。")
    if batch.status != ListStatus.SUBMITTED:
        raise ApplicationError("只有待发布的名单可以退回。")
    if not (reason or "").strip():
        raise ApplicationError("请填写退回原因。")
    before = stored_snapshot(batch)
    batch.status = ListStatus.DRAFT
    batch.submitted_at = None
    batch.return_reason = reason.strip()
    batch.save()
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=batch, before=before, after=snapshot(batch),
                  note=f"退回{batch}：{batch.return_reason}")
    return batch


@transaction.atomic
def list_entry_withdraw(*, entry: ListEntry, actor, reason: str) -> ListEntry:
    """撤回: the entry leaves the public list but stays in the history with who, when and why."""
    entry = ListEntry.objects.select_for_update().select_related("batch").get(pk=entry.pk)
    if not actor.has_perm("crackdown.publish_list"):
        raise ApplicationError("您没有撤回名单条目的权限。")
    if entry.batch.status != ListStatus.PUBLISHED:
        raise ApplicationError("未发布的名单条目可直接删除，无须撤回。")
    if entry.withdrawn:
        raise ApplicationError("该条目已撤回。")
    if not (reason or "").strip():
        raise ApplicationError("请填写撤回原因。")
    before = stored_snapshot(entry)
    entry.withdrawn = True
    entry.withdrawn_reason = reason.strip()
    entry.withdrawn_by = actor
    entry.withdrawn_at = timezone.now()
    entry.save()
    record_change(actor=actor, action=AuditAction.UPDATE, obj=entry, before=before, after=snapshot(entry),
                  note=f"撤回：{entry.withdrawn_reason}")
    return entry


@transaction.atomic
def list_entry_remove(*, entry: ListEntry, actor) -> None:
    entry = ListEntry.objects.select_for_update().select_related("batch").get(pk=entry.pk)
    if entry.batch.status == ListStatus.SUBMITTED:
        raise ApplicationError("名单已提请发布，待发布人退回后才能修改条目。")
    if entry.batch.status != ListStatus.DRAFT:
        raise ApplicationError("已发布的名单条目不能删除，只能撤回。")
    before = stored_snapshot(entry)
    entry.delete()
    record_change(actor=actor, action=AuditAction.DELETE, obj=entry, before=before)


# --- public reports (举报) ------------------------------------------------------------------------
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_receipt_number() -> str:
    return "JB" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


@transaction.atomic
def public_report_create(*, org_name: str, place: str, description: str, informant: dict,
                         ip: str | None = None, channel: str = ReportChannel.WEB) -> Lead:
    """A public report.  An anonymous one (no name, phone, e-mail or address) keeps no address at all,
    not even in the audit row (PIPL 第六条: no more than the purpose needs); a named one keeps it
    ``REPORT_IP_RETENTION_DAYS`` (180), then ``report_ips_clear`` removes it."""
    from portal.audit import without_ip

    authority, codes = resolve_place(place)
    anonymous = not any((informant or {}).values())
    fields = dict(
        actor=None, authority=authority, source=LeadSource.PUBLIC_REPORT, channel=channel, org_name=org_name,
        place_text=place[:200], places=codes, description=description, receipt_number=new_receipt_number(),
    )
    if anonymous:
        with without_ip():
            return lead_create(**fields)
    return lead_create(**fields, informant={**informant, "ip": ip})


def report_ips_clear(*, now=None) -> int:
    """Beat, nightly: the address of a named report is cleared once it is REPORT_IP_RETENTION_DAYS old."""
    from datetime import timedelta

    from django.conf import settings

    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_IP_RETENTION_DAYS)
    with transaction.atomic():
        cleared = Informant.objects.filter(ip__isnull=False, lead__created__lt=cutoff).update(ip=None)
        if cleared:
            record_change(actor=None, action=AuditAction.UPDATE, username="系统",
                          note=f"清除了 {cleared} 份举报超过 {settings.REPORT_IP_RETENTION_DAYS} 天的提交地址")
    return cleared


def informant_reveal(*, lead: Lead, actor) -> Informant | None:
    """The full identity, for a holder of view_informant; every look is audited (VIEW_SENSITIVE)."""
    if not actor.has_perm("crackdown.view_informant"):
        raise ApplicationError("您没有查看举报人完整信息的权限。")
    informant = getattr(lead, "informant", None)
    if informant is None:
        return None
    record_change(actor=actor, action=AuditAction.VIEW_SENSITIVE, obj=lead, note=f"查看举报人信息：线索 {lead.number}")
    return informant


# --- statistics ----------------------------------------------------------------------------------
def statistics_export_start(*, user, date_from: date, date_to: date, province: Authority | None = None) -> Job:
    """导出Excel: the statistics table (``selectors.crackdown_statistics``) written by a background job."""
    params = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    if province is not None:
        params["province"] = province.code
    with transaction.atomic():
        return job_start(kind="crackdown_statistics", user=user, authority=user.authority, params=params)
