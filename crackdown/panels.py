"""Home panels: what waits for this user in the crackdown work (overdue items highlighted)."""

from django.urls import reverse
from django.utils import timezone

from crackdown.selectors import (
    cases_awaiting,
    cases_awaiting_count,
    cases_in_progress,
    cases_in_progress_count,
    leads_to_check,
    leads_to_check_count,
    lists_to_publish,
    lists_to_publish_count,
)
from portal.home import HomeItem, HomePanel, count_beyond_shown, home_panel
from portal.reversing import detail_urls


def _due(obj, field):
    value = getattr(obj, field)
    return f"{value:%Y-%m-%d} 到期" if value else ""


@home_panel(order=20)
def leads_panel(user):
    if not user.has_perm("crackdown.change_lead"):
        return None
    leads = list(leads_to_check(user))
    url = detail_urls("crackdown:lead-detail")
    return HomePanel(
        title="待核查的线索",
        items=[HomeItem(text=f"{lead.org_name}（{lead.get_status_display()}）", url=url(lead.pk),
                        badge=("已超期" if lead.is_overdue else _due(lead, "check_due")), overdue=lead.is_overdue)
               for lead in leads],
        count=count_beyond_shown(leads, lambda: leads_to_check_count(user)),
        more_url=reverse("crackdown:lead-list") + "?status=pending",
        empty_text="没有待核查的线索。",
    )


def _case_items(cases):
    url = detail_urls("crackdown:case-detail")
    return [HomeItem(text=f"{case.org_name} · {case.get_stage_display()}", url=url(case.pk),
                     badge=("办案期限已过" if case.clock_overdue else "已超期" if case.step_overdue
                            else _due(case, "step_due")), overdue=case.is_overdue)
            for case in cases]


@home_panel(order=21)
def approvals_panel(user):
    if not user.has_perm("crackdown.approve_case"):
        return None
    cases = cases_awaiting(user)
    return HomePanel(title="待我审批的案件", items=_case_items(cases),
                     count=count_beyond_shown(cases, lambda: cases_awaiting_count(user)),
                     more_url=reverse("crackdown:case-list") + "?stage=filing", empty_text="没有待审批的案件。")


@home_panel(order=22)
def reviews_panel(user):
    if not user.has_perm("crackdown.review_case"):
        return None
    cases = cases_awaiting(user, review=True)
    return HomePanel(title="待我法制审核的案件", items=_case_items(cases),
                     count=count_beyond_shown(cases, lambda: cases_awaiting_count(user, review=True)),
                     more_url=reverse("crackdown:case-list") + "?stage=legal_review",
                     empty_text="没有待法制审核的案件。")


@home_panel(order=23)
def cases_panel(user):
    if not user.has_perm("crackdown.change_case"):
        return None
    cases = list(cases_in_progress(user))
    return HomePanel(title="在办案件期限", items=_case_items(cases),
                     count=count_beyond_shown(cases, lambda: cases_in_progress_count(user)),
                     more_url=reverse("crackdown:case-list"), empty_text="没有在办案件。")


@home_panel(order=24)
def lists_to_publish_panel(user):
    if not user.has_perm("crackdown.publish_list"):
        return None
    batches = list(lists_to_publish(user))
    url = detail_urls("crackdown:listbatch-detail")
    return HomePanel(
        title="待发布名单",
        count=count_beyond_shown(batches, lambda: lists_to_publish_count(user)),
        items=[HomeItem(text=f"{batch}，{batch.submitted_by.display_name if batch.submitted_by else '—'}提请",
                        url=url(batch.pk),
                        badge=f"{timezone.localtime(batch.submitted_at):%Y-%m-%d} 提请")
               for batch in batches],
        more_url=reverse("crackdown:listbatch-list") + "?status=submitted",
        empty_text="没有待发布的名单。",
    )
