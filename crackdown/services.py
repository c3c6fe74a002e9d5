"""Writes of the crackdown app (HackSoft style): keyword-only, validated, audited, in a transaction.

Business-rule failures raise ``ApplicationError`` with the Chinese message the user reads.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from crackdown import conf
from crackdown.choices import (
    CaseStage,
    Jurisdiction,
    LeadSource,
    LeadStatus,
    ListKind,
    ListStatus,
    ReportChannel,
)
from crackdown.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CheckBatch,
    Informant,
    Lead,
    LeadAttachment,
    ListBatch,
    ListEntry,
)
from crackdown.workflow import LEAD_TRANSITIONS, OUTCOME_FOR_STAGE, TERMINAL_STAGES, steps_from
from portal.audit import record_change, snapshot
from portal.models import MINISTRY_CODE, AuditAction, Authority, AuthorityLevel
from portal.scoping import object_in_scope
from portal.services import ApplicationError

STALE_MESSAGE = "该案件已被他人修改，请刷新后重试。"

# 规范特殊名称: words reserved for organizations registered with the ministry ("中字头""国字头").
RESERVED_WORDS = ("中国", "中华", "全国", "国际", "京津冀", "国家", "中央", "世界", "环球", "亚太")
SIMILARITY = 0.4


# --- name checks (shown at once when a lead is entered) ----------------------------------------
@dataclass
class NameWarning:
    kind: str  # reserved | registered | same_province | other_province
    message: str
    url: str = ""


def province_of(authority: Authority) -> Authority:
    if authority.is_ministry or authority.level == AuthorityLevel.PROVINCE:
        return authority
    return Authority.objects.get(code=authority.code[:2] + "0000")


def reserved_words_in(name: str) -> list[str]:
    return [word for word in RESERVED_WORDS if word in (name or "")]


def _similar(queryset, field: str, name: str):
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models import Q

    return (queryset.filter(Q(**{field: name}) | Q(**{f"{field}__trigram_similar": name}))
            .annotate(similarity=TrigramSimilarity(field, name))
            .filter(Q(**{field: name}) | Q(similarity__gte=SIMILARITY)))


def name_warnings(name: str, *, user, exclude_lead: Lead | None = None) -> list[NameWarning]:
    """What staff must know about a name as they enter it.

    Another province's leads and cases are named by their province only; the ministry, which sees
    every province, gets the numbers too.
    """
    from django.urls import reverse

    from registry.namecheck import name_check

    name = (name or "").strip()
    if len(name) < 2:
        return []
    warnings = []
    # the register's name check (registry.namecheck): registered, former, near, revoked, published lists
    check = name_check(name, limit=5)
    words = list(dict.fromkeys(check.reserved + reserved_words_in(name)))
    if words:
        warnings.append(NameWarning("reserved", f"名称使用了须经民政部登记方可使用的字样：{'、'.join(words)}。"))
    for match in check.matches:
        org = match.organization
        same = {"same": "同名", "former": "曾用名相同", "near": "名称相似"}[match.how]
        warnings.append(NameWarning(
            "registered", f"已登记社会组织中有{same}的：{org.name}（{org.authority.bureau_name}登记，"
                          f"{org.get_status_display()}）。"))
    for match in check.revoked:
        warnings.append(NameWarning(
            "registered", f"{match.organization.name}已{match.organization.get_status_display()}：撤销登记后继续以"
                          "社会组织名义活动的，属非法社会组织（《取缔非法社会组织办法》第二条）。"))
    for hit in check.list_hits:
        warnings.append(NameWarning("registered", f"与{hit.province}公布的{hit.list_label}（{hit.batch}）中的"
                                                  f"“{hit.name}”相似。"))
    own_prefix = user.authority.scope_prefix if user.authority and not user.is_ministry else None
    leads = _similar(Lead.objects.all(), "org_name", name)
    if exclude_lead is not None:
        leads = leads.exclude(pk=exclude_lead.pk)
    cases = _similar(Case.objects.all(), "org_name", name)
    if exclude_lead is not None:
        cases = cases.exclude(lead=exclude_lead)  # the lead's own case is not "another" case
    hits = [(lead.authority.code, "线索", lead.number, reverse("crackdown:lead-detail", args=[lead.pk]))
            for lead in leads.select_related("authority").order_by("-similarity")[:20]]
    hits += [(case.authority.code, "案件", case.number, reverse("crackdown:case-detail", args=[case.pk]))
             for case in cases.select_related("authority").order_by("-similarity")[:20]]
    other_provinces = set()
    province_names = dict(Authority.objects.provinces().values_list("code", "name")) if hits else {}
    for code, kind, number, url in hits:
        inside = own_prefix is None or code.startswith(own_prefix)
        if inside:
            if exclude_lead is not None and number == exclude_lead.number:
                continue
            province = province_names.get(code[:2] + "0000", "民政部")
            scope = "" if own_prefix is not None else f"{province}："
            warnings.append(NameWarning("same_province" if own_prefix is not None else "other_province",
                                        f"{scope}已有名称相似的{kind} {number}。", url))
        else:
            other_provinces.add(code[:2])
    if other_provinces:
        names = [province_names.get(p + "0000", "民政部") for p in sorted(other_provinces)]
        warnings.append(NameWarning(
            "other_province",
            f"{'、'.join(names)}已有名称相似的线索或案件，可能为跨省活动的同一组织，请与民政部沟通。"))
    return warnings


# --- leads ---------------------------------------------------------------------------------------
def _placeholder() -> str:
    return "TMP" + uuid.uuid4().hex[:20]


def _full_clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        messages = "；".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
        raise ApplicationError(messages or "数据不完整。", extra=exc.message_dict) from exc


def _check_scope(obj, actor):
    if actor is not None and not object_in_scope(obj, actor):
        raise ApplicationError("该记录不在您的管辖范围内。")


@transaction.atomic
def lead_create(*, actor, authority: Authority | None = None, informant: dict | None = None,
                attachments=(), **fields) -> Lead:
    """A new lead in the actor's queue (or ``authority``'s, which must lie in the actor's area)."""
    authority = authority or actor.authority
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
def lead_set_status(*, lead: Lead, actor, status: str, note: str = "") -> Lead:
    """待核查 → 核查中 → 不属实 / 属实 (转立案 and 移交 have their own services)."""
    lead = _locked_lead(lead)
    if not actor.has_perm("crackdown.change_lead"):
        raise ApplicationError("您没有办理线索的权限。")
    if status not in LEAD_TRANSITIONS.get(lead.status, ()):
        raise ApplicationError(
            f"线索当前状态为“{lead.get_status_display()}”，不能改为“{LeadStatus(status).label}”。")
    if status in (LeadStatus.FILED, LeadStatus.TRANSFERRED):
        raise ApplicationError("转立案、移交请使用相应的办理操作。")
    before = snapshot(lead)
    lead.status = status
    if note:
        lead.check_result = (lead.check_result + "\n" if lead.check_result else "") + note
    lead.save(update_fields=["status", "check_result", "updated"])
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
    before = snapshot(lead)
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
               documents=()) -> CaseEvent:
    event = CaseEvent.objects.create(case=case, from_stage=from_stage, to_stage=to_stage, actor=actor,
                                     requested_by_id=requested_by, note=note, due=case.step_due)
    for upload in documents:
        CaseDocument.objects.create(case=case, event=event, title=getattr(upload, "name", "文书"), file=upload,
                                    uploaded_by=actor)
    return event


@transaction.atomic
def case_create(*, actor, org_name: str, target_type: str, lead: Lead | None = None,
                authority: Authority | None = None, jurisdiction: str = Jurisdiction.TERRITORIAL,
                jurisdiction_authority: Authority | None = None, jurisdiction_date: date | None = None,
                summary: str = "", note: str = "", documents=()) -> Case:
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
        jurisdiction_date=jurisdiction_date, summary=summary, stage=CaseStage.FILING,
        step_due=conf.step_due(CaseStage.FILING, today), created_by=actor,
    )
    _full_clean(case)
    case.save()
    case.number = f"AJ{today:%Y}{authority.code}{case.pk:06d}"
    case.save(update_fields=["number"])
    _check_scope(case, actor)
    _add_event(case=case, from_stage="", to_stage=CaseStage.FILING, actor=actor, note=note or "提请立案审批",
               documents=documents)
    record_change(actor=actor, action=AuditAction.CREATE, obj=case, after=snapshot(case))
    return case


@transaction.atomic
def lead_to_case(*, lead: Lead, actor, target_type: str, **kwargs) -> Case:
    """转立案: a confirmed (属实) lead becomes a case awaiting filing approval."""
    lead = _locked_lead(lead)
    if LeadStatus.FILED not in LEAD_TRANSITIONS.get(lead.status, ()):
        raise ApplicationError(f"线索当前状态为“{lead.get_status_display()}”，须先核查属实才能转立案。")
    if Case.objects.filter(lead=lead).exists():
        raise ApplicationError("该线索已立案。")
    before = snapshot(lead)
    case = case_create(actor=actor, org_name=kwargs.pop("org_name", None) or lead.org_name,
                       target_type=target_type, lead=lead, **kwargs)
    lead.status = LeadStatus.FILED
    lead.save(update_fields=["status", "updated"])
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=lead, before=before, after=snapshot(lead),
                  note=f"转立案：{case.number}")
    return case


def current_requester_id(case: Case) -> int | None:
    """Who asked for the current step: the person who moved the case into its current stage."""
    event = case.events.order_by("-time", "-id").only("actor_id").first()
    return event.actor_id if event else case.created_by_id


def _lock_case(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise ApplicationError(STALE_MESSAGE, extra={"version": locked.version})
    return locked


@transaction.atomic
def case_transition(*, case: Case, to_stage: str, actor, note: str = "", expected_version: int | None,
                    documents=(), decision_number: str = "", party_statement: str = "",
                    referred_department: str = "", registered_organization=None,
                    outcome_date: date | None = None) -> Case:
    """Move a case one step along ``TRANSITIONS``; refuse a stale version, a missing permission,
    and an approval by the person who asked for it.  Writes the timeline event and the audit row."""
    case = _lock_case(case, expected_version)
    step = steps_from(case.stage).get(to_stage)
    if step is None:
        to_label = CaseStage(to_stage).label if to_stage in CaseStage.values else to_stage
        raise ApplicationError(f"案件处于“{case.get_stage_display()}”环节，不能转到“{to_label}”。")
    if not actor.has_perm(step.permission):
        raise ApplicationError(f"您没有“{step.label}”的权限。")
    requester_id = current_requester_id(case)
    if step.needs_second_person and requester_id == actor.pk:
        raise ApplicationError(f"“{step.label}”须由提请人以外的人员审批，您不能审批自己提请的事项。")
    before = snapshot(case)
    today = timezone.localdate()
    from_stage = case.stage
    if from_stage == CaseStage.FILING and to_stage == CaseStage.INVESTIGATION:
        case.filed_on = today
    if from_stage == CaseStage.NOTICE:
        if not party_statement.strip():
            raise ApplicationError("请记录当事人的陈述申辩意见（未陈述申辩的，请注明“当事人放弃陈述申辩”）。")
        case.party_statement = party_statement.strip()
    outcome = OUTCOME_FOR_STAGE.get(to_stage)
    if outcome:
        case.outcome = outcome
        case.outcome_date = outcome_date or today
    if to_stage == CaseStage.ANNOUNCEMENT:
        if not decision_number.strip():
            raise ApplicationError("作出取缔决定须填写取缔决定书文号。")
        case.decision_number = decision_number.strip()
    if to_stage == CaseStage.REFERRED:
        if not referred_department:
            raise ApplicationError("移送须选择接收部门。")
        case.referred_department = referred_department
    if to_stage == CaseStage.REGISTERED and registered_organization is not None:
        case.registered_organization = registered_organization
    if to_stage == CaseStage.CLOSED:
        case.announced_on = case.announced_on or today
    case.stage = to_stage
    case.step_due = None if to_stage in TERMINAL_STAGES else conf.step_due(to_stage, today)
    case.version += 1
    _full_clean(case)
    case.save()
    _add_event(case=case, from_stage=from_stage, to_stage=to_stage, actor=actor, note=note,
               requested_by=requester_id if step.needs_second_person else None, documents=documents)
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=case, before=before, after=snapshot(case),
                  note=f"{CaseStage(from_stage).label} → {CaseStage(to_stage).label}：{step.label}")
    return case


CASE_EDITABLE = ("org_name", "target_type", "summary", "jurisdiction", "jurisdiction_authority",
                 "jurisdiction_date", "cases_solved", "suspects_caught", "registered_organization",
                 "referred_department", "announced_on")


@transaction.atomic
def case_update(*, case: Case, actor, expected_version: int | None, **fields) -> Case:
    """Edit a case's data; a save based on an old version is refused, never silently overwrites."""
    if not actor.has_perm("crackdown.change_case"):
        raise ApplicationError("您没有修改案件的权限。")
    case = _lock_case(case, expected_version)
    before = snapshot(case)
    for name, value in fields.items():
        if name not in CASE_EDITABLE:
            raise ApplicationError(f"不能直接修改字段：{name}")
        setattr(case, name, value)
    case.version += 1
    _full_clean(case)
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
    if batch.status != ListStatus.DRAFT:
        raise ApplicationError("名单已发布，不能再添加条目。")
    if batch.kind == ListKind.BANNED and (case is None or not case.decision_number or case.outcome != "banned"):
        raise ApplicationError("取缔名单只能收录已作出取缔决定的案件。")
    if batch.kind == ListKind.SUSPECTED and lead is None and case is None:
        raise ApplicationError("涉嫌非法社会组织名单须来自线索或案件。")
    source = case or lead
    if source is not None and not object_in_scope(source, actor):
        raise ApplicationError("所选线索或案件不在您的管辖范围内。")
    name = (name or (source.org_name if source else "")).strip()
    province = province or province_of(source.authority)
    if batch.entries.filter(name=name).exists():
        raise ApplicationError(f"“{name}”已在本批名单中。")
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
    if batch.status != ListStatus.DRAFT:
        raise ApplicationError("该批名单已发布。")
    if batch.created_by_id == actor.pk:
        raise ApplicationError("名单须由编制人以外的审批人发布。")
    if not batch.entries.exists():
        raise ApplicationError("名单没有条目，不能发布。")
    before = snapshot(batch)
    batch.status = ListStatus.PUBLISHED
    batch.published_on = published_on or timezone.localdate()
    batch.approver = actor
    batch.save()
    record_change(actor=actor, action=AuditAction.TRANSITION, obj=batch, before=before, after=snapshot(batch),
                  note=f"发布{batch}，共 {batch.entries.count()} 个组织")
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
    before = snapshot(entry)
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
    if entry.batch.status != ListStatus.DRAFT:
        raise ApplicationError("已发布的名单条目不能删除，只能撤回。")
    before = snapshot(entry)
    entry.delete()
    record_change(actor=actor, action=AuditAction.DELETE, obj=entry, before=before)


# --- public reports (举报) ------------------------------------------------------------------------
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_receipt_number() -> str:
    return "JB" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def resolve_place(text: str) -> tuple[Authority, list[str]]:
    """The receiving province for a place the reporter gave (a division code or a name).

    Unknown places go to the ministry's queue, which forwards them.
    """
    text = (text or "").strip()
    ministry = Authority.objects.get(code=MINISTRY_CODE)
    if not text:
        return ministry, []
    if text.isdigit() and len(text) == 6:
        found = Authority.objects.filter(code=text).first()
        if found is not None and not found.is_ministry:
            return province_of(found), [found.code]
        return ministry, []
    # the most specific named area mentioned in the text (县 before 市 before 省)
    best = None
    for authority in Authority.objects.exclude(level=AuthorityLevel.MINISTRY).only("code", "name", "level"):
        name = authority.name
        short = name
        for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
            if authority.level == AuthorityLevel.PROVINCE and name.endswith(suffix) and len(name) > len(suffix) + 1:
                short = name[: -len(suffix)]
                break
        if name in ("市辖区", "县") or len(short) < 2:
            continue
        if name in text or (authority.level == AuthorityLevel.PROVINCE and short in text):
            rank = {"province": 1, "prefecture": 2, "county": 3}[authority.level]
            if best is None or rank > best[0] or (rank == best[0] and len(name) > len(best[1].name)):
                best = (rank, authority)
    if best is None:
        return ministry, []
    area = best[1]
    province = Authority.objects.get(code=area.code[:2] + "0000")
    # a county named in the text must lie in the province named there, if one is
    return province, [area.code]


@transaction.atomic
def public_report_create(*, org_name: str, place: str, description: str, informant: dict,
                         ip: str | None = None, channel: str = ReportChannel.WEB) -> Lead:
    authority, codes = resolve_place(place)
    lead = lead_create(
        actor=None, authority=authority, source=LeadSource.PUBLIC_REPORT, channel=channel, org_name=org_name,
        place_text=place[:200], places=codes, description=description, receipt_number=new_receipt_number(),
        informant={**informant, "ip": ip},
    )
    return lead


def informant_reveal(*, lead: Lead, actor) -> Informant | None:
    """The full identity, for a holder of view_informant; every look is audited (VIEW_SENSITIVE)."""
    if not actor.has_perm("crackdown.view_informant"):
        raise ApplicationError("您没有查看举报人完整信息的权限。")
    informant = getattr(lead, "informant", None)
    if informant is None:
        return None
    record_change(actor=actor, action=AuditAction.VIEW_SENSITIVE, obj=lead, note=f"查看举报人信息：线索 {lead.number}")
    return informant
