"""Scoped reads of the aid_projects app."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from aid_projects.choices import ListKind, MatchStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match, Pairing
from portal.models import Authority

OPEN_MATCH = [MatchStatus.PROPOSED, MatchStatus.MATCHED, MatchStatus.IN_PROGRESS, MatchStatus.COMPLETED]


def with_match_status(needs, user):
    """Each need with ``match_status`` (its most advanced open match: 已完成 > 实施中 > 已对接 > 意向对接, by
    any province — the status only, never who) and ``own_match_id`` (that match, when the user may see it)."""
    from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

    rank = Case(When(status=MatchStatus.COMPLETED, then=Value(4)), When(status=MatchStatus.IN_PROGRESS, then=Value(3)),
                When(status=MatchStatus.MATCHED, then=Value(2)), default=Value(1), output_field=IntegerField())
    open_matches = (Match.objects.filter(need=OuterRef("pk"), status__in=OPEN_MATCH).annotate(rank=rank)
                    .order_by("-rank", "-updated", "-id"))
    visible = Match.objects.restrict(user, "view").filter(need=OuterRef("pk"), status__in=OPEN_MATCH) \
        .annotate(rank=rank).order_by("-rank", "-updated", "-id")
    return needs.annotate(match_status=Subquery(open_matches.values("status")[:1]),
                          own_match_id=Subquery(visible.values("pk")[:1]))


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

