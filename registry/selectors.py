"""Reads of the register: the credit timeline of an organization, and reads other apps use."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q

from registry.choices import InspectionResult
from registry.models import Organization

SIMILARITY_THRESHOLD = 0.4


@dataclass(frozen=True)
class TimelineEvent:
    day: datetime.date | None
    kind: str  # registration | name | status | inspection | evaluation | penalty | list | unlist | branch | charity
    title: str
    detail: str = ""
    tone: str = "secondary"  # Bootstrap colour of the dot: success / warning / danger / secondary


def organization_timeline(org: Organization) -> list[TimelineEvent]:
    """Everything the register knows of an organization, newest first (the page's 信用时间轴)."""
    events = []
    if org.registered_on:
        events.append(TimelineEvent(org.registered_on, "registration", "成立登记",
                                    f"{org.authority.bureau_name}登记", "success"))
    if org.is_charity and org.charity_recognized_on:
        events.append(TimelineEvent(org.charity_recognized_on, "charity", "认定为慈善组织", "", "success"))
    for former in org.formernames.all():
        events.append(TimelineEvent(former.used_until, "name", "名称变更", f"原名称：{former.name}"))
    if org.status != "normal":
        events.append(TimelineEvent(org.status_changed_on, "status", org.get_status_display(), org.status_reason,
                                    "danger"))
    tone = {InspectionResult.PASSED: "success", InspectionResult.BASIC: "warning"}
    for item in org.annualinspections.all():
        events.append(TimelineEvent(item.concluded_on or datetime.date(item.year + 1, 6, 30), "inspection",
                                    f"{item.year}年度{item.get_kind_display()}：{item.get_result_display()}",
                                    item.note, tone.get(item.result, "danger")))
    for item in org.evaluations.all():
        events.append(TimelineEvent(item.rated_on, "evaluation", f"评估等级 {item.get_grade_display()}",
                                    f"有效期至 {item.expires_on:%Y-%m-%d}"
                                    + (f"，文号 {item.document_number}" if item.document_number else ""), "success"))
    for item in org.penaltys.all():
        amount = f"，{item.amount} 万元" if item.amount is not None else ""
        events.append(TimelineEvent(item.decided_on, "penalty", f"行政处罚：{item.get_penalty_type_display()}",
                                    f"{item.document_number}{amount}" + (f"。{item.reason}" if item.reason else ""),
                                    "danger"))
    for item in org.creditlistentrys.all():
        events.append(TimelineEvent(item.entered_on, "list", f"列入{item.get_list_kind_display()}", item.ground,
                                    "danger"))
        if item.removed_on:
            events.append(TimelineEvent(item.removed_on, "unlist", f"移出{item.get_list_kind_display()}",
                                        item.removal_reason, "success"))
    for item in org.branchs.all():
        if item.established_on:
            events.append(TimelineEvent(item.established_on, "branch", f"设立{item.get_kind_display()}", item.name))
    events.sort(key=lambda e: (e.day or datetime.date.min), reverse=True)
    return events


def organizations_named_like(name: str, limit: int = 10):
    """Registered organizations with this name or a similar one (pg_trgm), most similar first.

    Deliberately unscoped: "is this name registered anywhere?" is a question every authority may
    ask; the answer carries only the public register's fields (name, code, authority, status).
    """
    name = (name or "").strip()
    if not name:
        return Organization.objects.none()
    return (
        Organization.objects.annotate(similarity=TrigramSimilarity("name", name))
        .filter(Q(name=name) | Q(similarity__gte=SIMILARITY_THRESHOLD))
        .select_related("authority")
        .order_by("-similarity", "name")[:limit]
    )
