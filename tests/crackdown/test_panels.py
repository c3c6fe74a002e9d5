"""The crackdown home panels: the first ten, the true count at the boundary of the COUNT, only the columns shown."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crackdown.choices import CaseStage
from crackdown.models import Case, Lead
from crackdown.panels import approvals_panel, cases_panel, leads_panel

pytestmark = pytest.mark.django_db


def run(panel, user):
    user.get_all_permissions()  # the account's roles and permissions read before counting
    with CaptureQueriesContext(connection) as ctx:
        result = panel(user)
    return result, [query["sql"] for query in ctx.captured_queries]


@pytest.mark.parametrize("waiting", [9, 10, 11])
def test_leads_panel_counts_and_reads_only_what_it_shows(waiting, make_lead, hebei_staff):
    for i in range(waiting):
        make_lead(hebei_staff, f"待核查组织{i}")
    late = Lead.objects.order_by("id")[0]
    Lead.objects.filter(pk=late.pk).update(check_due=date.today() - timedelta(days=3))
    panel, sql = run(leads_panel, hebei_staff)
    assert (len(panel.items), panel.total, panel.total_label) == (min(waiting, 10), waiting, str(waiting))
    assert len(sql) == (1 if waiting < 10 else 2)  # the first ten; the COUNT only when ten came back
    assert "search_key" not in sql[0] and "portal_authority\".\"name" not in sql[0]  # not the whole lead
    first = panel.items[0]
    assert (first.text, first.url, first.badge, first.overdue) == (
        "待核查组织0（待核查）", reverse("crackdown:lead-detail", args=[late.pk]), "已超期", True)
    assert panel.overdue_count == 1


@pytest.mark.parametrize("waiting", [9, 10, 11])
def test_cases_panel_counts_and_reads_only_what_it_shows(waiting, make_case, hebei_staff):
    for i in range(waiting):
        make_case(hebei_staff, CaseStage.INVESTIGATION, name=f"在办案件{i}")
    late = Case.objects.order_by("id")[0]
    Case.objects.filter(pk=late.pk).update(deadline=date.today() - timedelta(days=1))
    panel, sql = run(cases_panel, hebei_staff)
    assert (len(panel.items), panel.total, panel.total_label) == (min(waiting, 10), waiting, str(waiting))
    assert len(sql) == (1 if waiting < 10 else 2)
    assert "search_key" not in sql[0] and "portal_authority\".\"name" not in sql[0]
    late_item = next(item for item in panel.items if item.url == reverse("crackdown:case-detail", args=[late.pk]))
    assert (late_item.badge, late_item.overdue) == ("办案期限已过", True)


@pytest.mark.parametrize("waiting", [9, 10, 11])
def test_approvals_panel_counts_without_the_approvers_own(waiting, make_case, hebei_staff, hebei_approver):
    for i in range(waiting):
        make_case(hebei_staff, name=f"待审批案件{i}")
    make_case(hebei_approver, name="审批人自己申请的案件")  # not in the approver's own queue
    panel, sql = run(approvals_panel, hebei_approver)
    assert (len(panel.items), panel.total, panel.total_label) == (min(waiting, 10), waiting, str(waiting))
    assert "审批人自己申请的案件" not in {item.text.split(" · ")[0] for item in panel.items}
    # the cases, who asked for each, and the COUNT only when ten came back
    assert len(sql) == (2 if waiting < 10 else 3)
