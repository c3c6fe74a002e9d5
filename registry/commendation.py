"""The 全国先进社会组织 round (issue 10, point 6): who meets the hard criteria, nominations within quota,
two reviews and three publicity periods, the province forwarding, the ministry's national list.

The hard criteria, as the round's notice sets them, judged as of the round's ``reference_date``:
- 登记状态正常 (an organization revoked or deregistered cannot be commended);
- no administrative penalty since 1 January of ``since_year``;
- every annual inspection since ``since_year`` passed (合格), or every annual report filed — a year counts
  once its report is due (31 May of the next year, 《社会组织信用信息管理办法》 annual-report deadline as
  the register applies it), and not before the organization was registered;
- on neither the 活动异常名录 nor the 严重违法失信名单 on that date;
- 4A and above are marked as preferred (优先), not required.

At national scale a province holds some 30,000 organizations (1,000,000 in the register), too many to judge
on each request: each organization's verdict is stored (``RoundVerdict``) by the verdict job
(``registry.jobs.round_verdicts``: ``verdicts_compute``) when the round opens and again on demand (重新核算,
the ministry for the whole register, a province for its own), and for one organization again by the
register's services whenever it or one of its records is written (``verdicts_refresh``), so the stored
list stays right after the computation.  The round page and the API read the stored list; ``nominate``
judges the one organization again at the moment of nominating (the list is not the authority).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.audit import record_change, snapshot
from portal.jobs import job_start
from portal.models import AuditAction, Authority, Job, JobStatus
from portal.scoping import object_in_scope
from portal.services import ApplicationError
from registry.choices import Criterion, InspectionKind, InspectionResult, NominationStage, OrgStatus
from registry.jobs import COMMENDATION_KIND, VERDICTS_KIND
from registry.models import (
    AnnualInspection,
    CommendationRound,
    CreditListEntry,
    Evaluation,
    Nomination,
    NominationStep,
    Organization,
    Penalty,
    RoundQuota,
    RoundVerdict,
)

REPORT_DUE = (5, 31)  # a year's annual report/inspection is due by 31 May of the following year
PREFERRED_GRADE = 4
ACTIVE = [s for s in NominationStage.values if s not in (NominationStage.REJECTED, NominationStage.WITHDRAWN)]


@dataclass
class Verdict:
    organization: Organization
    failures: list[str] = field(default_factory=list)  # each failed criterion, said with its dates
    criteria: list[str] = field(default_factory=list)  # the same, as ``Criterion`` values (one per failure)
    preferred: bool = False

    @property
    def eligible(self) -> bool:
        return not self.failures

    def fail(self, criterion: str, text: str) -> None:
        self.criteria.append(criterion)
        self.failures.append(text)


def due_years(round_: CommendationRound, registered_on: datetime.date | None) -> list[int]:
    """The years whose inspection or report must be on file as of the round's date."""
    day = round_.reference_date
    last = day.year - 1 if day >= datetime.date(day.year, *REPORT_DUE) else day.year - 2
    first = max(round_.since_year, registered_on.year if registered_on else round_.since_year)
    return list(range(first, last + 1))


def eligibility(round_: CommendationRound, organizations) -> list[Verdict]:
    """A verdict per organization (a queryset or list), each failed criterion named; five queries in all."""
    orgs = list(organizations)
    ids = [o.pk for o in orgs]
    day, since = round_.reference_date, datetime.date(round_.since_year, 1, 1)
    penalised = defaultdict(list)
    for org_id, decided_on, number in Penalty.objects.filter(
            organization_id__in=ids, decided_on__gte=since, decided_on__lte=day).values_list(
            "organization_id", "decided_on", "document_number"):
        penalised[org_id].append(f"{decided_on:%Y-%m-%d}（{number}）")
    good_years = defaultdict(set)
    for org_id, year, kind, result in AnnualInspection.objects.filter(
            organization_id__in=ids, year__gte=round_.since_year).values_list(
            "organization_id", "year", "kind", "result"):
        passed = result == InspectionResult.PASSED if kind == InspectionKind.INSPECTION \
            else result != InspectionResult.ABSENT  # an annual report: filed
        if passed:
            good_years[org_id].add(year)
    grade_on_day = {}  # the latest rating on or before the date, if still valid then
    for org_id, grade, expires_on in Evaluation.objects.filter(organization_id__in=ids, rated_on__lte=day).order_by(
            "organization_id", "rated_on", "id").values_list("organization_id", "grade", "expires_on"):
        grade_on_day[org_id] = grade if expires_on >= day else None
    listed = defaultdict(list)
    for org_id, kind in CreditListEntry.objects.filter(organization_id__in=ids, entered_on__lte=day).exclude(
            removed_on__lte=day).values_list("organization_id", "list_kind"):
        listed[org_id].append(kind)
    verdicts = []
    labels = {"abnormal": "活动异常名录", "dishonest": "严重违法失信名单"}
    for org in orgs:
        verdict = Verdict(org)
        if org.status != OrgStatus.NORMAL and (org.status_changed_on is None or org.status_changed_on <= day):
            verdict.fail(Criterion.STATUS, f"登记状态为{org.get_status_display()}")
        if org.registered_on and org.registered_on > day:
            verdict.fail(Criterion.NOT_REGISTERED, "截止日期时尚未成立登记")
        if penalised[org.pk]:
            verdict.fail(Criterion.PENALTY,
                         f"{round_.since_year}年以来受过行政处罚：{'、'.join(penalised[org.pk])}")
        missing = [y for y in due_years(round_, org.registered_on) if y not in good_years[org.pk]]
        if missing:
            verdict.fail(Criterion.INSPECTION, f"{'、'.join(map(str, missing))}年度年检未合格或年报未报送")
        for kind in listed[org.pk]:
            verdict.fail(kind, f"截止日期时在{labels[kind]}中")
        verdict.preferred = (grade_on_day.get(org.pk) or 0) >= PREFERRED_GRADE
        verdicts.append(verdict)
    return verdicts


# --- the stored verdicts ---------------------------------------------------------------------------
CHUNK = 2000  # organizations judged and stored per transaction
# what judging and storing read of an organization (not its search columns)
JUDGED_FIELDS = ["id", "name", "credit_code", "authority", "province_code", "status", "status_changed_on",
                 "registered_on"]
VERDICT_FIELDS = ["authority", "province_code", "name", "credit_code", "eligible", "preferred", "criteria",
                  "failures", "computed_at"]


def _store(round_: CommendationRound, verdicts: list[Verdict], now) -> None:
    """Insert or overwrite the verdicts (one row per round and organization)."""
    RoundVerdict.objects.bulk_create(
        [RoundVerdict(round=round_, organization=v.organization, authority_id=v.organization.authority_id,
                      province_code=v.organization.province_code, name=v.organization.name,
                      credit_code=v.organization.credit_code, eligible=v.eligible, preferred=v.preferred,
                      criteria=[str(c) for c in v.criteria], failures=v.failures, computed_at=now)
         for v in verdicts],
        update_conflicts=True, unique_fields=["round", "organization"], update_fields=VERDICT_FIELDS)


def _locked(queryset, limit: int | None = None):
    """The organizations, their rows locked until the transaction ends (FOR NO KEY UPDATE: a record's insert,
    which only needs the key, is not held up).  The job and a service judging the same organization take
    this lock before reading its records, so the one that writes its verdict last has read last: a record
    written while the job runs is never overwritten by what the job read before it."""
    locked = queryset.select_for_update(no_key=True).order_by("pk")
    return list(locked[:limit] if limit else locked)


def verdicts_compute(round_: CommendationRound, *, province: str = "", progress=None, set_total=None) -> dict:
    """The verdict job's work: judge every organization of the register (``province``: of that province
    only, two-digit code) and store the verdicts, ``CHUNK`` organizations per transaction.  Counts returned."""
    organizations = Organization.objects.only(*JUDGED_FIELDS)
    if province:
        organizations = organizations.filter(province_code=province)
    total = organizations.count()
    if set_total is not None:
        set_total(total)
    counts = {"total": 0, "eligible": 0, "preferred": 0}
    last = 0
    while True:
        with transaction.atomic():
            batch = _locked(organizations.filter(pk__gt=last), CHUNK)
            if not batch:
                break
            verdicts = eligibility(round_, batch)
            _store(round_, verdicts, timezone.now())
        last = batch[-1].pk
        counts["total"] += len(verdicts)
        counts["eligible"] += sum(1 for v in verdicts if v.eligible)
        counts["preferred"] += sum(1 for v in verdicts if v.eligible and v.preferred)
        if progress is not None:
            progress(counts["total"])
    return counts


def open_rounds(today: datetime.date | None = None):
    """The rounds still taking nominations (no closing date, or not yet past it)."""
    today = today or timezone.localdate()
    return CommendationRound.objects.filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))


# the records ``eligibility`` reads (the register's record kinds, registry.services.RECORD_MODELS): a write of
# another kind (a branch, a former name) leaves every verdict as it was
JUDGED_RECORDS = {"inspection", "evaluation", "penalty", "listentry"}


def verdicts_refresh(organization_ids, *, record_kind: str | None = None) -> None:
    """After a write to organizations or (``record_kind``) their records, in the writing service's transaction:
    their stored verdicts in every open round, judged again on what is now written."""
    if record_kind is not None and record_kind not in JUDGED_RECORDS:
        return
    ids = sorted(set(organization_ids))
    rounds = list(open_rounds()) if ids else []
    if not rounds:
        return
    for start in range(0, len(ids), CHUNK):
        organizations = _locked(Organization.objects.only(*JUDGED_FIELDS).filter(pk__in=ids[start:start + CHUNK]))
        now = timezone.now()
        for round_ in rounds:
            _store(round_, eligibility(round_, organizations), now)


def verdict_area(user) -> str:
    """The part of the register a user's 重新核算 covers: "" the whole register (the ministry), else the
    two-digit code of the user's province."""
    authority = nominating_authority(user)
    return "" if authority.is_ministry else authority.code[:2]


def _verdict_jobs(round_: CommendationRound, areas: list[str]):
    return Job.objects.filter(kind=VERDICTS_KIND, params__round=round_.pk, params__province__in=areas)


def verdict_jobs(round_: CommendationRound, user):
    """The verdict jobs whose results the user's list shows: the whole register's, and (a province) its own."""
    area = verdict_area(user)
    return _verdict_jobs(round_, ["", area] if area else [""])


def verdicts_status(round_: CommendationRound, user) -> dict:
    """When the user's list was last computed, and whether a computation is queued or running."""
    jobs = verdict_jobs(round_, user)
    last = jobs.filter(status=JobStatus.SUCCEEDED).order_by("-finished", "-id").first()
    pending = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("-id").first()
    return {"last": last, "pending": pending}


def verdicts_recompute(*, actor, round_: CommendationRound) -> Job:
    """重新核算: the verdict job for the actor's part of the register (the ministry: all of it; a province: its
    own).  A computation of the same part still queued or running is returned rather than started twice."""
    if not actor.has_perm("registry.recompute_roundverdict"):
        raise ApplicationError("您没有重新核算的权限。")
    authority = nominating_authority(actor)
    area = verdict_area(actor)
    with transaction.atomic():
        CommendationRound.objects.select_for_update().get(pk=round_.pk)  # one start at a time per round
        pending = (_verdict_jobs(round_, [area]).filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
                   .order_by("-id").first())
        if pending is not None:
            return pending
        return job_start(kind=VERDICTS_KIND, user=actor, authority=authority,
                         params={"round": round_.pk, "province": area},
                         title=f"核算评选条件：{round_.title}（{authority.name}）")


def national_list_export(*, actor, round_: CommendationRound) -> Job:
    """The forwarded nominees as a workbook, as the actor sees them (the ministry: the national list)."""
    if actor.authority is None:
        raise ApplicationError("您的账号没有所属登记管理机关。")
    with transaction.atomic():
        return job_start(kind=COMMENDATION_KIND, user=actor, authority=actor.authority, params={"round": round_.pk})


def nominating_authority(user) -> Authority:
    """Whose quota a user's nominations take: the ministry's, or the user's province's."""
    if user.authority is None:
        raise ApplicationError("您的账号没有所属登记管理机关。")
    return user.authority if user.authority.is_ministry else user.authority.province


def candidates(round_: CommendationRound, user):
    """The organizations a user's authority may nominate: for the ministry those it registered itself,
    for a province those registered in the province (the province's own and its prefectures' and counties')."""
    authority = nominating_authority(user)
    qs = Organization.objects.select_related("authority")
    if authority.is_ministry:
        return qs.filter(authority=authority)
    return qs.filter(province_code=authority.code[:2])


# --- writes ---------------------------------------------------------------------------------------
@transaction.atomic
def round_open(*, actor, title: str, reference_date: datetime.date, quotas: dict[str, int],
               local_quota: int = 170, ministry_quota: int = 130, since_year: int = 2021,
               closes_on: datetime.date | None = None) -> CommendationRound:
    """The ministry opens a round; the local quota is split by province (division code → number)."""
    if actor.authority is None or not actor.authority.is_ministry:
        raise ApplicationError("评选由民政部发起。")
    if sum(quotas.values()) > local_quota:
        raise ApplicationError(f"各省名额合计 {sum(quotas.values())} 个，超过地方名额 {local_quota} 个。")
    provinces = {a.code: a for a in Authority.objects.filter(code__in=quotas, level="province")}
    unknown = sorted(set(quotas) - set(provinces))
    if unknown:
        raise ApplicationError(f"{'、'.join(unknown)} 不是省级登记管理机关。")
    round_ = CommendationRound.objects.create(
        title=title, reference_date=reference_date, since_year=since_year, local_quota=local_quota,
        ministry_quota=ministry_quota, closes_on=closes_on, created_by=actor)
    RoundQuota.objects.bulk_create([RoundQuota(round=round_, authority=provinces[code], quota=n)
                                    for code, n in quotas.items()])
    record_change(actor=actor, action=AuditAction.CREATE, obj=round_, after=snapshot(round_),
                  note=f"发起评选，地方名额 {local_quota}（分省 {sum(quotas.values())}），部管名额 {ministry_quota}")
    # the whole register judged once the round is committed (the job is queued on commit)
    job_start(kind=VERDICTS_KIND, user=actor, authority=actor.authority, params={"round": round_.pk, "province": ""},
              title=f"核算评选条件：{round_.title}（全国）")
    return round_


@transaction.atomic
def nominate(*, actor, round_: CommendationRound, organization: Organization, reason: str) -> Nomination:
    """A province nominates one of its organizations that meets the hard criteria, within its quota."""
    round_ = CommendationRound.objects.select_for_update().get(pk=round_.pk)  # quota counted one at a time
    authority = nominating_authority(actor)
    if round_.closes_on and timezone.localdate() > round_.closes_on:
        raise ApplicationError(f"本次评选已于 {round_.closes_on:%Y-%m-%d} 截止报送。")
    if not candidates(round_, actor).filter(pk=organization.pk).exists() \
            or not object_in_scope(organization, actor, "change"):
        raise ApplicationError("只能推荐本省（部本级）登记的社会组织。")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写推荐理由。", extra={"reason": ["请填写推荐理由。"]})
    if len(reason) > 300:
        raise ApplicationError("推荐理由不超过 300 字。", extra={"reason": ["推荐理由不超过 300 字。"]})
    verdict = eligibility(round_, [organization])[0]
    if not verdict.eligible:
        raise ApplicationError("不符合推荐条件：" + "；".join(verdict.failures))
    quota = round_.quota_for(authority)
    used = Nomination.objects.filter(round=round_, authority=authority, stage__in=ACTIVE).count()
    if used >= quota:
        raise ApplicationError(f"{authority.name}的名额为 {quota} 个，已推荐 {used} 个，不能再推荐。")
    if Nomination.objects.filter(round=round_, organization=organization).exists():
        raise ApplicationError("该社会组织已在本次评选中被推荐。")
    nomination = Nomination.objects.create(round=round_, organization=organization, authority=authority,
                                           reason=reason, preferred=verdict.preferred, created_by=actor)
    NominationStep.objects.create(nomination=nomination, stage=NominationStage.NOMINATED, opinion=reason, by=actor)
    record_change(actor=actor, action=AuditAction.CREATE, obj=nomination, after=snapshot(nomination),
                  note=f"推荐{organization.name}参加{round_.title}")
    return nomination


@dataclass(frozen=True)
class Step:
    label: str
    publicity: bool = False  # needs start and end dates, objections recorded


S = NominationStage
# stage → the stages it may go to next (the procedure as a table, STYLE.md point 5)
STEPS: dict[str, dict[str, Step]] = {
    S.NOMINATED: {S.FIRST_REVIEWED: Step("初审")},
    S.FIRST_REVIEWED: {S.SECOND_REVIEWED: Step("复审")},
    S.SECOND_REVIEWED: {S.PUBLICITY_1: Step("第一次公示", publicity=True)},
    S.PUBLICITY_1: {S.PUBLICITY_2: Step("第二次公示", publicity=True)},
    S.PUBLICITY_2: {S.PUBLICITY_3: Step("第三次公示", publicity=True)},
    S.PUBLICITY_3: {S.FORWARDED: Step("报送民政部")},
}
for _stage in (S.NOMINATED, S.FIRST_REVIEWED, S.SECOND_REVIEWED, S.PUBLICITY_1, S.PUBLICITY_2, S.PUBLICITY_3):
    STEPS[_stage][S.REJECTED] = Step("不予通过")
    STEPS[_stage][S.WITHDRAWN] = Step("撤回推荐")


@transaction.atomic
def nomination_advance(*, actor, nomination: Nomination, to_stage: str, opinion: str = "",
                       starts_on: datetime.date | None = None, ends_on: datetime.date | None = None,
                       objections: str = "", objection_outcome: str = "", today: datetime.date | None = None
                       ) -> Nomination:
    """One step of the table; a publicity period is recorded once it is over, with what was objected."""
    nomination = Nomination.objects.select_for_update().select_related("organization").get(pk=nomination.pk)
    if not object_in_scope(nomination, actor, "change"):
        raise ApplicationError("该推荐不属于您所在的单位。")
    step = STEPS.get(nomination.stage, {}).get(to_stage)
    if step is None:
        raise ApplicationError(f"“{nomination.get_stage_display()}”之后不能进行此操作。")
    today = today or timezone.localdate()
    errors = {}
    if to_stage in (S.REJECTED, S.WITHDRAWN) and not opinion.strip():
        errors["opinion"] = ["请填写理由。"]
    if step.publicity:
        if not starts_on or not ends_on:
            errors["ends_on"] = ["请填写公示的开始和结束日期。"]
        elif ends_on < starts_on:
            errors["ends_on"] = ["公示结束日期不能早于开始日期。"]
        elif ends_on >= today:
            errors["ends_on"] = ["公示期结束后才能登记公示结果。"]
        else:
            previous = nomination.steps.filter(ends_on__isnull=False).order_by("-ends_on").first()
            if previous and starts_on <= previous.ends_on:
                errors["starts_on"] = [f"应在上一次公示结束（{previous.ends_on:%Y-%m-%d}）之后开始。"]
        if objections.strip() and not objection_outcome.strip():
            errors["objection_outcome"] = ["收到异议的，须填写核实结果。"]
    if errors:
        raise ApplicationError("；".join(m for ms in errors.values() for m in ms), extra=errors)
    before = snapshot(nomination)
    NominationStep.objects.create(nomination=nomination, stage=to_stage, opinion=opinion.strip(),
                                  starts_on=starts_on if step.publicity else None,
                                  ends_on=ends_on if step.publicity else None,
                                  objections=objections.strip(), objection_outcome=objection_outcome.strip(),
                                  by=actor)
    nomination.stage = to_stage
    nomination.save(update_fields=["stage"])
    record_change(actor=actor, action=AuditAction.UPDATE, obj=nomination, before=before, after=snapshot(nomination),
                  note=f"{nomination.organization.name}：{step.label}")
    return nomination


def national_list(round_: CommendationRound, user):
    """The nominees forwarded to the ministry as the user may see them (the ministry: all of them)."""
    return (Nomination.objects.restrict(user, "view").filter(round=round_, stage=S.FORWARDED)
            .select_related("organization", "organization__authority", "authority")
            .order_by("authority__code", "organization__name"))
