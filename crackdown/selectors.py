"""Reads of the crackdown app: the statistics the seeds count, each user's work queues, the warnings
about a name being entered, and what a detail page offers its reader.

The statistics run a fixed number of grouped queries (one per source table), whatever the period or
the number of rows, compiled once per scope (portal.kept_statements), and group by the authority's
id; ids are mapped to provinces by the authorities' codes, reference rows kept per process
(portal.choice_cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from crackdown.choices import CaseOutcome, LeadStatus, ListKind, ListStatus
from crackdown.models import (
    Case,
    CaseConfiscation,
    CaseReferral,
    CheckBatch,
    Lead,
    LinkedParty,
    ListBatch,
    ListEntry,
    WebsiteShutdown,
)
from crackdown.names import check_name
from crackdown.workflow import APPROVE, AWAITING_APPROVAL, AWAITING_REVIEW, LEAD_TRANSITIONS, TERMINAL_STAGES
from portal.choice_cache import cached_rows
from portal.gazetteer import area_named_in, province_of
from portal.kept_statements import kept_values
from portal.models import MINISTRY_CODE, Authority
from portal.scoping import scope_q

# (key, the column's Chinese header): the seeds' tallies, in the order the table shows them
TALLIES = [
    ("check_batches", "排查批次"),
    ("checked_leads", "排查线索"),
    ("exposure_batches", "曝光批次"),
    ("exposed_orgs", "曝光涉嫌非法社会组织"),
    ("ban_batches", "公布取缔名单批次"),
    ("ban_listed_orgs", "公布取缔组织"),
    ("banned", "取缔"),
    ("dissuaded", "劝散"),
    ("dissolved", "自行解散"),
    ("registered", "引导登记"),
    ("confiscated_amount", "没收非法财产（元）"),
    ("referrals", "移送"),
    ("cases_solved", "破获案件"),
    ("suspects_caught", "抓获犯罪嫌疑人"),
    ("overdue_cases", "超期案件"),
    ("websites_shut", "关停网站"),
    ("linked_handled", "处理勾连单位和人员"),
]
TALLY_KEYS = [key for key, _ in TALLIES]


@dataclass
class StatisticsRow:
    code: str
    name: str
    values: dict[str, int | Decimal] = field(default_factory=dict)

    @property
    def cells(self) -> list[int | Decimal]:
        return [self.values.get(key, 0) for key in TALLY_KEYS]

    @property
    def pairs(self) -> list[tuple[str, int | Decimal]]:
        return [(key, self.values.get(key, 0)) for key in TALLY_KEYS]


@dataclass
class Statistics:
    date_from: date
    date_to: date
    rows: list[StatisticsRow]
    total: StatisticsRow | None
    columns: list[tuple[str, str]] = field(default_factory=lambda: list(TALLIES))


def _scoped(model, user, province: Authority | None):
    q = scope_q(model, user)
    if q is None:
        return model.objects.none()
    qs = model.objects.filter(q)
    if province is not None:
        field_name = getattr(model, "scope_field", "authority")
        qs = qs.filter(**{f"{field_name}__code__startswith": province.scope_prefix or province.code})
    return qs


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return date(today.year, 1, 1), today


_TALLIED_MODELS = (CheckBatch, ListBatch, Case, CaseConfiscation, CaseReferral, WebsiteShutdown, LinkedParty)
# the column each read of ``_tally_reads`` groups by, in its order
_GROUPED_BY = ("authority_id", "authority_id", "batch__authority_id", "authority_id", "authority_id",
               "authority_id", "authority_id", "authority_id")


def _tally_reads(user, province: Authority | None):
    """The statistics' grouped reads for a period, one per source table (``crackdown_statistics`` says
    which date counts); built by ``portal.kept_statements`` once per scope with markers for the dates."""

    def build(date_from: date, date_to: date, last_overdue_day: date) -> list:
        batches = _scoped(CheckBatch, user, province).filter(checked_on__gte=date_from, checked_on__lte=date_to)
        published = _scoped(ListBatch, user, province).filter(
            status=ListStatus.PUBLISHED, published_on__gte=date_from, published_on__lte=date_to)
        decided = Q(outcome_date__gte=date_from, outcome_date__lte=date_to)
        lapsed = Q(deadline__gte=date_from, deadline__lte=last_overdue_day)
        overdue = lapsed & (Q(outcome_date__gt=F("deadline"))
                            | Q(outcome_date__isnull=True, suspended_since__isnull=True))
        referred = Q(referred_on__gte=date_from, referred_on__lte=date_to)
        reported = Q(result_on__gte=date_from, result_on__lte=date_to)
        return [
            batches.values("authority_id").annotate(check_batches=Count("id"), checked_leads=Sum("lead_count"))
            .order_by(),
            published.values("authority_id").annotate(
                exposure_batches=Count("id", filter=Q(kind=ListKind.SUSPECTED)),
                ban_batches=Count("id", filter=Q(kind=ListKind.BANNED)),
            ).order_by(),
            ListEntry.objects.filter(batch__in=published, withdrawn=False).values("batch__authority_id").annotate(
                exposed_orgs=Count("id", filter=Q(batch__kind=ListKind.SUSPECTED)),
                ban_listed_orgs=Count("id", filter=Q(batch__kind=ListKind.BANNED)),
            ).order_by(),
            _scoped(Case, user, province).filter(decided | lapsed).values("authority_id").annotate(
                banned=Count("id", filter=decided & Q(outcome=CaseOutcome.BANNED)),
                dissuaded=Count("id", filter=decided & Q(outcome=CaseOutcome.DISSUADED)),
                dissolved=Count("id", filter=decided & Q(outcome=CaseOutcome.DISSOLVED)),
                registered=Count("id", filter=decided & Q(outcome=CaseOutcome.REGISTERED)),
                overdue_cases=Count("id", filter=overdue),
            ).order_by(),
            _scoped(CaseConfiscation, user, province).filter(decided_on__gte=date_from, decided_on__lte=date_to)
            .values("authority_id").annotate(confiscated_amount=Sum("amount")).order_by(),
            _scoped(CaseReferral, user, province).filter(referred | reported).values("authority_id").annotate(
                referrals=Count("id", filter=referred),
                cases_solved=Sum("cases_solved", filter=reported),
                suspects_caught=Sum("suspects_caught", filter=reported),
            ).order_by(),
            _scoped(WebsiteShutdown, user, province).filter(shut_on__gte=date_from, shut_on__lte=date_to)
            .values("authority_id").annotate(websites_shut=Count("id")).order_by(),
            _scoped(LinkedParty, user, province).filter(handled_on__gte=date_from, handled_on__lte=date_to)
            .values("authority_id").annotate(linked_handled=Count("id")).order_by(),
        ]

    return build


def crackdown_statistics(*, user, date_from: date, date_to: date, province: Authority | None = None) -> Statistics:
    """Every tally of the seeds, per province (and the ministry's own work), for the period.

    Dates: a check batch by its check date, a list batch by its publication date (withdrawn entries
    are not counted: the exposure was taken back), a case outcome by its outcome date, confiscated
    property by the ban decision's date, a referral by the date it was made and its result (破获案件,
    抓获犯罪嫌疑人) by the date the department reported back, a website by the date it was shut, a
    linked party by the date it was handled.  An overdue case (超期案件) is counted in the period its
    case deadline fell in, if it had no decision by then (《行政处罚法》第六十条); a deadline still
    running, or a suspended case, is not overdue.
    """
    if not user.has_perm("crackdown.view_statistics"):
        return Statistics(date_from, date_to, [], None)
    by_authority: dict[int, dict[str, int]] = {}

    def add(rows, authority_key="authority_id"):
        for row in rows:
            bucket = by_authority.setdefault(row[authority_key], {})
            for key, value in row.items():
                if key != authority_key and value:
                    value = value if isinstance(value, Decimal) else int(value)
                    bucket[key] = bucket.get(key, 0) + value

    # overdue: the deadline fell in the period (and has passed), and no decision came by it
    period = {"date_from": date_from, "date_to": date_to,
              "last_overdue_day": min(date_to, timezone.localdate() - timedelta(days=1))}
    # the reads' SQL depends on the user's scope and the province only: compiled once per both
    shape = ("crackdown_statistics", province.scope_prefix or province.code if province is not None else None,
             tuple(scope_q(model, user) for model in _TALLIED_MODELS))
    for grouped_by, rows in zip(_GROUPED_BY, kept_values(shape, _tally_reads(user, province), period), strict=True):
        add(rows, grouped_by)

    # rows: every province in the user's view (zeros included), and the ministry's own work; the
    # authorities' codes and the provinces are reference rows, read from the process's store
    # (portal.choice_cache: renewed by any change of an authority), not queried per page
    codes = dict(cached_rows(Authority.objects.order_by().values_list("pk", "code"))) if by_authority else {}
    missing = [pk for pk in by_authority if pk not in codes]  # a row written without signals (bulk_create)
    if missing:
        codes.update(Authority.objects.filter(pk__in=missing).values_list("pk", "code"))
    per_province: dict[str, dict[str, int]] = {}
    for authority_id, values in by_authority.items():
        code = codes[authority_id]
        key = MINISTRY_CODE if code == MINISTRY_CODE else code[:2] + "0000"
        bucket = per_province.setdefault(key, {})
        for name, value in values.items():
            bucket[name] = bucket.get(name, 0) + value
    if province is not None:
        shown = [province]
    elif user.is_ministry:
        shown = cached_rows(Authority.objects.filter(Q(code=MINISTRY_CODE) | Q(level="province")).order_by("code"))
    else:
        shown = [user.province] if user.province else []
    rows = []
    for authority in shown:
        name = "民政部（部本级）" if authority.is_ministry else authority.name
        rows.append(StatisticsRow(authority.code, name, per_province.get(authority.code, {})))
    total = None
    if len(rows) > 1:
        total = StatisticsRow("", "全国合计", {key: sum(r.values.get(key, 0) for r in rows) for key in TALLY_KEYS})
    return Statistics(date_from, date_to, rows, total)


# --- work queues (home page) -------------------------------------------------------------------
def own_queue(queryset, user):
    """A work queue is the user's own authority's work: ministry staff can read every province's
    leads and cases, but what waits for them is what the ministry itself received or took up."""
    if user.is_ministry:
        return queryset.filter(authority=user.authority)
    return queryset


def _leads_to_check(user):
    return own_queue(Lead.objects.restrict(user, "change"), user).filter(
        status__in=[LeadStatus.PENDING, LeadStatus.CHECKING])


# what a home panel's row shows of a lead / a case (its text, state, deadlines, and who asked for the step):
# only these columns are read (issue 17)
LEAD_QUEUE_FIELDS = ("id", "org_name", "status", "check_due")
CASE_QUEUE_FIELDS = ("id", "org_name", "stage", "step_due", "deadline", "outcome_date", "suspended_since",
                     "created_by")


def leads_to_check(user, limit: int = 10):
    return _leads_to_check(user).only(*LEAD_QUEUE_FIELDS).order_by("check_due", "id")[:limit]


def leads_to_check_count(user) -> int:
    """How many leads wait in all (the home panel shows the first ``limit``): one COUNT."""
    return _leads_to_check(user).count()


def _cases_awaiting(user, review: bool):
    perm = "crackdown.review_case" if review else APPROVE
    if not user.has_perm(perm):
        return Case.objects.none()
    stages = AWAITING_REVIEW if review else AWAITING_APPROVAL
    return own_queue(Case.objects.restrict(user, "view"), user).filter(stage__in=stages)


def cases_awaiting(user, *, review: bool = False, limit: int = 10) -> list[Case]:
    """Cases waiting for this user's approval (or legal review), minus those the user asked for."""
    cases = list(_cases_awaiting(user, review).only(*CASE_QUEUE_FIELDS).order_by("step_due", "id")[: limit * 3])
    if not cases:
        return []
    requesters = step_requesters(cases)
    return [case for case in cases if requesters.get(case.pk) != user.pk][:limit]


def step_requesters(cases) -> dict[int, int | None]:
    """Who asked for each case's current step: the person who moved it into its current stage (the
    actor of its latest timeline event; the 立案申请人 before there is one).  The one place this is
    computed: the service's second-person check, the case page's buttons and the approval queues."""
    from crackdown.models import CaseEvent

    cases = list(cases)
    found = dict(CaseEvent.objects.filter(case__in=[c.pk for c in cases]).order_by("case_id", "-time", "-id")
                 .distinct("case_id").values_list("case_id", "actor_id"))
    return {case.pk: found.get(case.pk, case.created_by_id) for case in cases}


def cases_awaiting_count(user, *, review: bool = False) -> int:
    """How many cases wait for this user's approval (or review) in all, minus those the user asked
    for: one COUNT, the requester as ``step_requesters`` finds it (the latest event's actor, the
    立案申请人 before there is one) computed in the query."""
    from django.db.models import BigIntegerField, Exists, OuterRef, Subquery, When
    from django.db.models import Case as Choose

    from crackdown.models import CaseEvent

    events = CaseEvent.objects.filter(case=OuterRef("pk"))
    requester = Choose(When(Exists(events), then=Subquery(events.order_by("-time", "-id").values("actor_id")[:1])),
                      default=F("created_by_id"), output_field=BigIntegerField())
    return (_cases_awaiting(user, review).annotate(requester=requester)
            .filter(Q(requester__isnull=True) | ~Q(requester=user.pk)).count())


def step_requester(case) -> int | None:
    return step_requesters([case])[case.pk]


def stage_document_kinds(case) -> set[str]:
    """The kinds of document attached since the case entered its current stage (a loop back asks anew)."""
    from crackdown.models import CaseDocument, CaseEvent

    entered = CaseEvent.objects.filter(case=case).order_by("-time", "-id").values_list("id", flat=True).first()
    if entered is None:
        return set()
    return set(CaseDocument.objects.filter(case=case, event_id__gte=entered).values_list("kind", flat=True))


def case_investigators(case) -> set[int]:
    """Who investigated: ended an investigation step, or entered evidence or an inquiry record."""
    from crackdown.choices import CaseStage
    from crackdown.models import CaseEvent, Evidence, InquiryRecord

    ids = set(CaseEvent.objects.filter(case=case, from_stage__in=[CaseStage.INVESTIGATION, CaseStage.REPORT])
              .values_list("actor_id", flat=True))
    ids |= set(Evidence.objects.filter(case=case).values_list("added_by_id", flat=True))
    ids |= set(InquiryRecord.objects.filter(case=case).values_list("added_by_id", flat=True))
    return ids - {None}


def inquiry_officer_names(case) -> set[str]:
    from crackdown.models import InquiryRecord

    names = set()
    for one, two in InquiryRecord.objects.filter(case=case).values_list("officer_one", "officer_two"):
        names |= {one, two}
    return names


def _cases_in_progress(user):
    return (own_queue(Case.objects.restrict(user, "change"), user).exclude(stage__in=TERMINAL_STAGES)
            .exclude(stage__in=AWAITING_APPROVAL | AWAITING_REVIEW))


def cases_in_progress(user, limit: int = 10):
    """Open cases whose next step is the handling staff's (not an approval or review)."""
    return _cases_in_progress(user).only(*CASE_QUEUE_FIELDS).order_by("step_due", "id")[:limit]


def cases_in_progress_count(user) -> int:
    return _cases_in_progress(user).count()


def public_entries(name: str = ""):
    """Published, not withdrawn list entries: what the public pages and the public API show."""
    qs = (ListEntry.objects.filter(batch__status=ListStatus.PUBLISHED, withdrawn=False)
          .select_related("province", "batch", "batch__authority")
          .order_by("-batch__published_on", "batch_id", "id"))
    if name:
        qs = qs.filter(name__icontains=name)
    return qs


# --- places ---------------------------------------------------------------------------------------
def resolve_place(text: str) -> tuple[Authority, list[str]]:
    """The receiving province for a place a reporter or a lead gives (a division code or a name), and
    the code of the division named, through the gazetteer (``portal/gazetteer.py``).

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
    area = area_named_in(text)
    if area is None:
        return ministry, []
    return province_of(area), [area.code]


# --- name checks (shown at once when a lead is entered) ----------------------------------------
SIMILARITY = 0.4


@dataclass
class NameWarning:
    kind: str  # reserved | registered | same_province | other_province
    message: str
    url: str = ""


def _similar(queryset, field: str, name: str):
    """Leads or cases whose name is the same, trigram-similar, or holds the whole name (or alias) entered —
    the last through the register's search (``registry.search.name_q``), which serves two characters too."""
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models import Q

    from registry.search import name_q

    contains = name_q(name)
    return (queryset.filter(Q(**{field: name}) | Q(**{f"{field}__trigram_similar": name}) | contains)
            .annotate(similarity=TrigramSimilarity(field, name))
            .filter(Q(**{field: name}) | Q(similarity__gte=SIMILARITY) | contains))


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
    # 规范特殊名称: the ministry's rule table, through the same function the registry's name check calls
    warnings += [NameWarning("reserved", finding.message) for finding in check_name(name)]
    # the register's name check (registry.namecheck): registered, former, near, revoked, published lists
    check = name_check(name, limit=5)
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
    own = user.authority if user.authority and not user.is_ministry else None
    leads = _similar(Lead.objects.all(), "org_name", name)
    if exclude_lead is not None:
        leads = leads.exclude(pk=exclude_lead.pk)
    cases = _similar(Case.objects.all(), "org_name", name)
    if exclude_lead is not None:
        cases = cases.exclude(lead=exclude_lead)  # the lead's own case is not "another" case
    hits = [(lead.authority, "线索", lead.number, reverse("crackdown:lead-detail", args=[lead.pk]))
            for lead in leads.select_related("authority").order_by("-similarity")[:20]]
    hits += [(case.authority, "案件", case.number, reverse("crackdown:case-detail", args=[case.pk]))
             for case in cases.select_related("authority").order_by("-similarity")[:20]]
    other_provinces = set()
    province_names = dict(Authority.objects.provinces().values_list("code", "name")) if hits else {}
    for authority, kind, number, url in hits:
        code = authority.code
        if own is None or authority.is_within(own):
            if exclude_lead is not None and number == exclude_lead.number:
                continue
            province = province_names.get(code[:2] + "0000", "民政部")
            scope = "" if own is not None else f"{province}："
            warnings.append(NameWarning("same_province" if own is not None else "other_province",
                                        f"{scope}已有名称相似的{kind} {number}。", url))
        else:
            other_provinces.add(code[:2])
    if other_provinces:
        names = [province_names.get(p + "0000", "民政部") for p in sorted(other_provinces)]
        warnings.append(NameWarning(
            "other_province",
            f"{'、'.join(names)}已有名称相似的线索或案件，可能为跨省活动的同一组织，请与民政部沟通。"))
    return warnings


# --- what a detail page offers its reader (the buttons shown; each service checks again) -------------
def lead_actions(lead: Lead, user) -> dict[str, bool]:
    can_change = user.has_perm("crackdown.change_lead")
    next_statuses = LEAD_TRANSITIONS.get(lead.status, ())
    return {
        "can_change": can_change,
        "can_reveal": user.has_perm("crackdown.view_informant"),
        "can_transfer": can_change and "transferred" in next_statuses,
        "can_file": user.has_perm("crackdown.add_case") and "filed" in next_statuses,
    }


def case_actions(case: Case, user) -> dict[str, bool]:
    return {
        "can_change": user.has_perm("crackdown.change_case") and not case.is_terminal,
        "can_record": user.has_perm("crackdown.change_case"),
        "can_approve": user.has_perm("crackdown.approve_case"),
    }


def list_batch_actions(batch: ListBatch, user) -> dict[str, bool]:
    can_change = user.has_perm("crackdown.change_listbatch")
    return {
        "can_change": can_change,
        # the publisher is not the clerk who drew the list up (the service refuses it too)
        "can_publish": user.has_perm("crackdown.publish_list") and batch.created_by_id != user.pk,
        "can_submit": can_change and batch.status == ListStatus.DRAFT,
    }


ELIGIBLE_SHOWN = 20


def eligible_cases(user, batch, q: str = "", limit: int = ELIGIBLE_SHOWN):
    """The cases this user may put on ``batch``: decided for it and not yet on a published list of its kind.

    取缔名单: cases with a ban decision (取缔决定书文号, 《行政处罚法》第五十九条); 涉嫌非法社会组织名单:
    cases filed (立案) and not closed as 撤案、不予立案 or 引导登记.  Cases already in this batch, or on a
    published list of the same kind (not withdrawn), are left out.  ``q`` searches name and case number.
    """
    qs = Case.objects.restrict(user, "view").select_related("authority")
    if batch.kind == ListKind.BANNED:
        qs = qs.filter(outcome=CaseOutcome.BANNED).exclude(decision_number="")
    else:
        qs = qs.filter(filed_on__isnull=False).exclude(
            outcome__in=[CaseOutcome.WITHDRAWN, CaseOutcome.NOT_FILED, CaseOutcome.REGISTERED])
    on_list = ListEntry.objects.filter(batch__kind=batch.kind, batch__status=ListStatus.PUBLISHED, withdrawn=False,
                                       case__isnull=False).values("case_id")
    qs = qs.exclude(pk__in=on_list).exclude(pk__in=batch.entries.filter(case__isnull=False).values("case_id"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(org_name__icontains=q) | Q(number__icontains=q))
    qs = qs.order_by("-outcome_date", "-filed_on", "-id")
    return qs if limit is None else qs[:limit]


def _lists_to_publish(user):
    # the batch's own authority publishes it (发布机关): the ministry is not sent the provinces' lists
    return (ListBatch.objects.restrict(user, "view").filter(status=ListStatus.SUBMITTED, authority=user.authority)
            .exclude(created_by=user))


def lists_to_publish(user, limit: int = 10):
    """「待发布名单」: batches sent by 提请发布 to a user who may publish them (not the user's own)."""
    return (_lists_to_publish(user).select_related("submitted_by")
            .only("id", "kind", "number", "submitted_at", "submitted_by__full_name", "submitted_by__username")
            .order_by("submitted_at", "id")[:limit])


def lists_to_publish_count(user) -> int:
    return _lists_to_publish(user).count()
