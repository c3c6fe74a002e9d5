"""Reads of the aid_projects app (HackSoft selectors): scoped lists, what the pages show (the can_* flags,
a match's next steps, why a list is locked) and the rows a version freezes.  No writes here; the services
check the same rules before they write."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.utils import timezone

from aid_projects import jobs
from aid_projects.choices import ListKind, ListStatus, MatchStatus, UploadStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match, Pairing, Upload
from aid_projects.sheets import ITEM_FIELDS, LIAISON_SPEC
from aid_projects.validation import AMOUNT_CONFIRM_LABEL
from portal.models import Authority, Job, JobStatus
from portal.scoping import within_q

OPEN_MATCH = [MatchStatus.PROPOSED, MatchStatus.MATCHED, MatchStatus.IN_PROGRESS, MatchStatus.COMPLETED]


# 已完成 > 实施中 > 已对接 > 意向对接, then the latest: the order a need's open matches are ranked in.  One table,
# read by the SQL ordering (the subqueries of ``with_match_status``) and by ``set_match_status``'s sort.
_RANK = {MatchStatus.COMPLETED: 4, MatchStatus.IN_PROGRESS: 3, MatchStatus.MATCHED: 2}  # any other open one: 1
_MATCH_RANK = Case(*(When(status=status, then=Value(rank)) for status, rank in _RANK.items()),
                   default=Value(1), output_field=IntegerField())
_MOST_ADVANCED_FIRST = (_MATCH_RANK.desc(), "-updated", "-id")


def _most_advanced_first(match) -> tuple:
    """``_MOST_ADVANCED_FIRST`` as a sort key (with ``reverse=True``) of a row (need_id, status, pk, updated)."""
    _, status, pk, updated = match
    return _RANK.get(status, 1), updated, pk


def with_match_status(needs, user):
    """Each need with ``match_status`` (its most advanced open match: 已完成 > 实施中 > 已对接 > 意向对接, by
    any province — the status only, never who) and ``own_match_id`` (that match, when the user may see it).

    The rank is written once, here, and ordered on directly (not annotated first): building the two
    subqueries is part of every needs page (issue 17)."""
    open_matches = Match.objects.filter(need=OuterRef("pk"), status__in=OPEN_MATCH).order_by(*_MOST_ADVANCED_FIRST)
    visible = Match.objects.restrict(user, "view").filter(need=OuterRef("pk"), status__in=OPEN_MATCH) \
        .order_by(*_MOST_ADVANCED_FIRST)
    return needs.annotate(match_status=Subquery(open_matches.values("status")[:1]),
                          own_match_id=Subquery(visible.values("pk")[:1]))


def set_match_status(needs: list, user) -> None:
    """``with_match_status`` for needs already read (a page of the list): the same ``match_status`` and
    ``own_match_id`` set on each, found in the same order — one query for the open matches of these needs
    and, for a user who may see some matches but not all (``restriction``, the rule ``restrict`` filters
    by), one for which of them — instead of two correlated subqueries compiled into the page's query
    (issue 17).  What filters or sorts by the status needs it in SQL."""
    status: dict[int, str] = {}
    own: dict[int, int] = {}
    # ranked here by the same table as the SQL ordering: the ``CASE`` in the statement cost more to compile
    # (≈ 0.35 ms) than the whole query to run (issue 17)
    open_matches = sorted(Match.objects.filter(need_id__in=[need.pk for need in needs], status__in=OPEN_MATCH)
                          .order_by().values_list("need_id", "status", "pk", "updated"),
                          key=_most_advanced_first, reverse=True) if needs else []
    if open_matches:
        rule = Match.objects.restriction(user, "view")  # None: none of them; an empty Q (the ministry): all
        visible = set(Match.objects.filter(rule, pk__in=[pk for _, _, pk, _ in open_matches])
                      .values_list("pk", flat=True)) if rule else None
        for need_id, match_status, pk, _ in open_matches:  # the most advanced first: the first of each need is its own
            status.setdefault(need_id, match_status)
            if rule is not None and (visible is None or pk in visible):
                own.setdefault(need_id, pk)
    for need in needs:
        need.match_status, need.own_match_id = status.get(need.pk), own.get(need.pk)


@dataclass
class ProvinceProgress:
    province: Authority
    kind: str
    aid_list: AidList | None
    items: int
    amount: object
    due: object

    @property
    def status_label(self) -> str:
        return self.aid_list.get_status_display() if self.aid_list else "未开始"

    @property
    def is_late(self) -> bool:
        if self.aid_list is not None:
            return self.aid_list.is_late
        return timezone.localdate() > self.due

    @property
    def days_left(self) -> int:
        return (self.due - timezone.localdate()).days


def campaign_progress(campaign: Campaign, user) -> list[ProvinceProgress]:
    """For each province the user may see, each list it must file: status, rows, lateness."""
    provinces = Authority.objects.provinces()
    if not user.is_ministry:
        provinces = provinces.filter(pk=user.province.pk) if user.province else provinces.none()
    lists = {(al.authority_id, al.kind): al for al in
             AidList.objects.restrict(user, "view").filter(campaign=campaign).select_related("campaign")}
    totals = {row["aid_list"]: row for row in AidItem.objects.filter(aid_list__in=[al.pk for al in lists.values()])
              .values("aid_list").annotate(n=Count("id"), total=Sum("amount"))}
    liaisons = Counter(code[:2] for code in Liaison.objects.restrict(user, "view").filter(campaign=campaign)
                       .values_list("authority__code", flat=True))
    progress = []
    for province in provinces.order_by("code"):
        kinds = [ListKind.LIAISON, ListKind.NEED] if province.is_aid_recipient else [ListKind.SUPPLY]
        for kind in kinds:
            aid_list = lists.get((province.pk, kind))
            if kind == ListKind.LIAISON:
                count = liaisons[province.code[:2]]
                amount = None
            else:
                row = totals.get(aid_list.pk) if aid_list else None
                count, amount = (row["n"], row["total"]) if row else (0, None)
            progress.append(ProvinceProgress(province=province, kind=kind, aid_list=aid_list, items=count,
                                             amount=amount, due=campaign.due_for(kind)))
    return progress


@dataclass
class Suggestion:
    supply: AidItem
    score: int
    reasons: list[str]


def suggest_supplies(need: AidItem, user, limit: int = 10) -> list[Suggestion]:
    """Supply items that could meet ``need``, best first; staff confirm a suggestion, nothing is automatic.

    Same 帮扶类别 is required; the aiding province must be paired with the need's recipient province;
    a supply from a province paired with the need's own prefecture, an amount that covers the need, and
    a supply place naming the need's place rank higher.
    """
    recipient = need.aid_list.authority
    supplies = AidItem.objects.restrict(user, "view").filter(
        aid_list__kind=ListKind.SUPPLY, aid_list__campaign=need.aid_list.campaign, category=need.category,
    ).exclude(pk__in=Match.objects.filter(need=need, status__in=OPEN_MATCH).values("supply_id")) \
        .select_related("aid_list__authority", "place")
    pairing = Pairing.objects.current().filter(recipient_province=recipient).values_list(
        "aiding_authority__code", "recipient_area_id")
    paired_prefixes = {code[:2] for code, _ in pairing}
    area_prefixes = {code[:2] for code, area in pairing if area == need.place.parent_id}
    ranked = []
    for supply in supplies:
        province_code = supply.aid_list.authority.code[:2]
        if province_code not in paired_prefixes:
            continue
        score, reasons = 1, ["帮扶类别相同", "属对口支援关系"]
        if province_code in area_prefixes:
            score += 3
            reasons.append("对口支援需求所在地市")
        if supply.place.code[:2] == recipient.code[:2] and need.place.is_within(supply.place):
            score += 2
            reasons.append("供给实施地与需求所在地一致")
        if supply.amount >= need.amount:
            score += 2
            reasons.append("资金可覆盖需求")
        elif supply.amount >= need.amount / 2:
            score += 1
            reasons.append("资金可覆盖一半以上")
        ranked.append(Suggestion(supply=supply, score=score, reasons=reasons))
    ranked.sort(key=lambda s: (-s.score, abs(s.supply.amount - need.amount), s.supply.pk))
    return ranked[:limit]


# --- lists ------------------------------------------------------------------------------------------
ITEM_SNAPSHOT_FIELDS = ("seq", *ITEM_FIELDS)
LIAISON_SNAPSHOT_FIELDS = LIAISON_SPEC.record_fields


def list_rows(aid_list: AidList) -> list[dict]:
    """The list's rows as they are now, in the attachment's order (what a version freezes)."""
    if aid_list.kind == ListKind.LIAISON:
        liaisons = Liaison.objects.filter(within_q("authority", aid_list.authority), campaign=aid_list.campaign) \
            .select_related("authority__parent").order_by("authority__code")
        return [{"authority": lia.authority.full_name, **{f: getattr(lia, f) for f in LIAISON_SNAPSHOT_FIELDS}}
                for lia in liaisons]
    rows = []
    for item in aid_list.items.order_by("seq", "id").values(*ITEM_SNAPSHOT_FIELDS):
        item["amount"] = str(item["amount"])
        rows.append(item)
    return rows


@dataclass(frozen=True)
class ListActions:
    """What ``user`` may do on a list's page (the buttons; each service checks again)."""

    own: bool  # the list of the user's own province (or below it)
    can_edit: bool
    can_submit: bool
    can_decide: bool
    paired_view: bool  # an aiding province reading a paired recipient's list (its paired prefectures' rows)


def list_actions(aid_list: AidList, user) -> ListActions:
    own = not user.is_ministry and aid_list.authority.is_within(user.authority)
    editable = own and aid_list.is_editable
    return ListActions(
        own=own,
        can_edit=editable and user.has_perm("aid_projects.change_aidlist"),
        can_submit=editable and user.has_perm("aid_projects.submit_aidlist"),
        can_decide=(aid_list.status in (ListStatus.SUBMITTED, ListStatus.ACCEPTED)
                    and user.has_perm("aid_projects.decide_aidlist")),
        paired_view=not own and not user.is_ministry,
    )


def upload_can_commit(upload: Upload) -> bool:
    """A preview without errors, on a list that can still change."""
    return upload.status == UploadStatus.PREVIEW and upload.error_count == 0 and upload.aid_list.is_editable


# --- matching (对接) --------------------------------------------------------------------------------
# status → {next status: who may do it ("recipient": the need's province; "aiding": the supply's)}
MATCH_TRANSITIONS = {
    MatchStatus.PROPOSED: {MatchStatus.MATCHED: "recipient", MatchStatus.DECLINED: "recipient",
                           MatchStatus.WITHDRAWN: "aiding"},
    MatchStatus.MATCHED: {MatchStatus.IN_PROGRESS: "either"},
    MatchStatus.IN_PROGRESS: {MatchStatus.COMPLETED: "either"},
}


def may_take(user, match: Match, who: str) -> bool:
    """Is ``user`` on the side of the match that takes a step reserved for ``who``?"""
    if user.is_ministry:
        return False
    sides = {side for side, item in (("recipient", match.need), ("aiding", match.supply))
             if item.aid_list.authority.is_within(user.authority)}
    return who in sides or (who == "either" and bool(sides))


def match_steps(match: Match, user) -> list[str]:
    """The statuses ``user`` may move the match to now (the page's buttons; the service's check)."""
    return [to_status for to_status, who in MATCH_TRANSITIONS.get(match.status, {}).items()
            if may_take(user, match, who)
            and (who != "recipient" or user.has_perm("aid_projects.decide_match"))]


def may_propose(need: AidItem, user) -> bool:
    """May ``user`` put a supply of its own forward against ``need`` (an accepted list of another province)?"""
    return (user.has_perm("aid_projects.add_match") and not user.is_ministry
            and need.aid_list.status == ListStatus.ACCEPTED
            and not need.aid_list.authority.is_within(user.authority))


def own_supplies(user, need: AidItem):
    """The user's own supply items of the need's campaign: what it may propose."""
    return AidItem.objects.restrict(user, "change").filter(
        aid_list__kind=ListKind.SUPPLY, aid_list__campaign=need.aid_list.campaign).select_related("aid_list")


# --- summaries (汇总下载) ---------------------------------------------------------------------------
# national job kind → the permission (besides being ministry staff) its data needs
NATIONAL_PERMISSIONS = {
    jobs.NATIONAL_NEED: "aid_projects.view_aidlist",
    jobs.NATIONAL_SUPPLY: "aid_projects.view_aidlist",
    jobs.NATIONAL_LIAISON: "aid_projects.view_liaison",
}


def may_run_national(user, kind: str) -> bool:
    return user.is_ministry and user.has_perm(NATIONAL_PERMISSIONS[kind])


def may_run_paired(user) -> bool:
    authority = user.authority
    return (authority is not None and not authority.is_ministry and authority.is_province
            and not authority.is_aid_recipient and user.has_perm("aid_projects.view_aidlist"))


def own_lists(user, campaign: Campaign):
    """The user's own province's lists of the campaign (not the paired recipients' lists it may also see)."""
    return (AidList.objects.restrict(user, "view").filter(campaign=campaign, authority=user.authority)
            .select_related("authority").order_by("kind"))


def summary_params(field: str, value: int) -> dict:
    """A summary job's parameters from the page's field naming its object ("campaign" or "list")."""
    return {"campaign_id": value} if field == "campaign" else {"list_id": value}


def running_summary(kind: str, authority, params: dict) -> Job | None:
    """The run of this summary queued or in progress for ``authority``, if any."""
    qs = Job.objects.filter(kind=kind, authority=authority, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    for key, value in params.items():
        qs = qs.filter(**{f"params__{key}": value})
    return qs.order_by("-created", "-id").first()


# --- what a list's pages show (the services check the same) -----------------------------------------
def kind_allowed(authority: Authority, kind: str) -> str:
    """'' when ``authority``'s province files ``kind``, else why not (a recipient files 1 and 2, others 3)."""
    province = authority.province
    if province is None or province.is_ministry:
        return "部级机关不填报清单"
    if kind in (ListKind.LIAISON, ListKind.NEED) and not province.is_aid_recipient:
        return f"{province.name}不是受援地区，不填报附件1、附件2（需求清单），请填报附件3供给清单"
    if kind == ListKind.SUPPLY and province.is_aid_recipient:
        return f"{province.name}是受援地区，无需填报附件3（供给清单）"
    return ""


def lock_reason(aid_list: AidList) -> str:
    """Why the list cannot be changed now and who can unlock it ('' when it can be changed)."""
    if not aid_list.campaign.is_open:
        return (f"{aid_list.campaign.name}已停止收集，清单不能再修改。"
                "如需重新开放，请联系民政部社会组织管理局（部级工作人员可在对接年度中恢复“正在收集”）。")
    if aid_list.status == ListStatus.SUBMITTED:
        when = timezone.localtime(aid_list.submitted_at) if aid_list.submitted_at else None
        return ((f"清单已于{when:%Y-%m-%d %H:%M}报送" if when else "清单已报送")
                + "，正在等待民政部社会组织管理局审核，审核期间不能修改。"
                "如需修改，请联系部里审核人员“退回修改”后再改。")
    if aid_list.status == ListStatus.ACCEPTED:
        when = timezone.localtime(aid_list.decided_at) if aid_list.decided_at else None
        return ((f"清单已于{when:%Y-%m-%d %H:%M}被民政部社会组织管理局接收" if when else "清单已被部里接收")
                + "，不能再修改，也不能上传。如需更正，请联系部里审核人员将清单“退回修改”。")
    return ""


DUPLICATE_WARNING = "duplicate"  # the warning key of a row that repeats another (services.mark_duplicates)


def upload_confirmations(upload: Upload) -> list[str]:
    """What the submitter must confirm before the rows go in (the preview's check box says the same)."""
    kinds = {key for row in upload.rows for key in row["warnings"]}
    needed = []
    if "amount" in kinds:
        needed.append(f"{AMOUNT_CONFIRM_LABEL}的项目")
    if DUPLICATE_WARNING in kinds:
        rows = "、".join(str(r["row"]) for r in upload.rows if DUPLICATE_WARNING in r["warnings"])
        needed.append(f"已核实重复的项目（第{rows}行），确认仍要导入")
    return needed


PENDING_UPLOAD_HOURS = 24


def pending_uploads(aid_list: AidList, user):
    """The user's own previews of this list still worth finishing: not older than a day, on a list that
    can still change.  Another user's preview is theirs to finish, not a pending item for anyone else."""
    if not aid_list.is_editable or not user.is_authenticated:
        return Upload.objects.none()
    since = timezone.now() - datetime.timedelta(hours=PENDING_UPLOAD_HOURS)
    return aid_list.uploads.filter(status=UploadStatus.PREVIEW, uploaded_by=user, created__gte=since)


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The campaign before ``campaign`` (上年度): the latest of an earlier year."""
    return Campaign.objects.filter(year__lt=campaign.year).order_by("-year", "-id").first()
