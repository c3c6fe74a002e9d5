import django_tables2 as tables
from django.template.base import render_value_in_context
from django.utils.html import format_html

from crackdown.models import Case, CheckBatch, Lead, ListBatch, NameRule
from portal.reversing import detail_urls
from portal.status import badge
from portal.table_columns import cell_iso_date
from portal.table_render import choice_display

ATTRS = {"class": "table table-sm table-hover align-middle"}


class LeadTable(tables.Table):
    # what the cells read (the list page selects only these: ``LeadListView``; issue 17); ``is_overdue``
    # reads the status and the check deadline
    record_fields = ("number", "org_name", "source", "authority__name", "received_on", "status", "check_due")
    number = tables.Column(linkify=("crackdown:lead-detail", [tables.A("pk")]), verbose_name="线索编号")
    org_name = tables.Column(verbose_name="组织名称")
    authority = tables.Column(accessor="authority__name", verbose_name="受理机关", order_by="authority__code")
    check_due = tables.Column(verbose_name="核查期限")

    class Meta:
        model = Lead
        fields = ("number", "org_name", "source", "authority", "received_on", "status", "check_due")
        attrs = ATTRS
        template_name = "crackdown/_lead_table.html"

    def render_check_due(self, value, record):
        return due_cell(value, record.is_overdue)

    def portal_row_html(self, row, context):
        """The row block of crackdown/_lead_table.html, byte for byte, in Python (portal/table_render.py);
        tests/portal/test_table_render.py renders both and compares.  Per row (the busiest list: 50 rows a
        page at 200,000 leads) the detail URL is reversed once a table, the choices' labels looked up in a
        dict built once, the dates written without the date format machinery (issue 17)."""
        r = row.record
        due = cell_iso_date(r.check_due)
        if r.is_overdue:
            due = format_html('<span class="text-danger fw-bold">{}（已超期）</span>', due)
        authority = getattr(r, "authority", None)
        url = self.__dict__.get("_portal_detail_url")
        if url is None:
            url = self.__dict__["_portal_detail_url"] = detail_urls("crackdown:lead-detail")
        status = badge(r.status, choice_display(r, "get_status_display")[1]) if r.status not in (None, "") else ""
        return format_html(
            '\n<tr>\n  <td><a href="{}">{}</a></td>\n  <td>{}</td>\n  <td>{}</td>\n  <td>{}</td>\n'
            "  <td>{}</td>\n  <td>{}</td>\n  <td>{}</td>\n</tr>\n",
            url(r.pk), render_value_in_context(r.number, context),
            render_value_in_context(r.org_name, context),
            render_value_in_context(choice_display(r, "get_source_display")[1], context),
            render_value_in_context(getattr(authority, "name", "") if authority is not None else "", context),
            cell_iso_date(r.received_on), render_value_in_context(status, context), due)


def due_cell(value, overdue: bool):
    # a Python renderer, not a TemplateColumn: this list is the busiest page (bench/crackdown_lists.py)
    if overdue:
        return format_html('<span class="text-danger fw-bold">{}（已超期）</span>', f"{value:%Y-%m-%d}")
    return f"{value:%Y-%m-%d}"


class CaseTable(tables.Table):
    # what the cells read (the list page selects only these: ``CaseListView``); ``step_overdue`` and
    # ``clock_overdue`` read the stage, the deadlines, the decision's date and a suspension
    record_fields = ("number", "org_name", "target_type", "authority__name", "stage", "step_due", "deadline",
                     "outcome", "outcome_date", "suspended_since")
    number = tables.Column(linkify=("crackdown:case-detail", [tables.A("pk")]), verbose_name="案件编号")
    authority = tables.Column(accessor="authority__name", verbose_name="承办机关", order_by="authority__code")
    step_due = tables.Column(verbose_name="本环节期限")
    deadline = tables.Column(verbose_name="案件办理期限")

    class Meta:
        model = Case
        fields = ("number", "org_name", "target_type", "authority", "stage", "step_due", "deadline", "outcome",
                  "outcome_date")
        attrs = ATTRS

    def render_step_due(self, value, record):
        return due_cell(value, record.step_overdue)

    def render_deadline(self, value, record):
        return due_cell(value, record.clock_overdue)


class CheckBatchTable(tables.Table):
    number = tables.Column(linkify=("crackdown:batch-detail", [tables.A("pk")]), verbose_name="批次编号")
    authority = tables.Column(accessor="authority__name", verbose_name="登记管理机关")
    lead_count = tables.Column(verbose_name="线索数", orderable=False)

    class Meta:
        model = CheckBatch
        fields = ("number", "checked_on", "authority", "lead_count")
        attrs = ATTRS


class ListBatchTable(tables.Table):
    # what the cells read (the list page selects only these: ``ListBatchListView``); the approver is
    # shown by ``User.__str__`` (full name, else username)
    record_fields = ("kind", "number", "authority__name", "status", "published_on", "approver__full_name",
                     "approver__username")
    number = tables.Column(linkify=("crackdown:listbatch-detail", [tables.A("pk")]), verbose_name="批次")
    authority = tables.Column(accessor="authority__name", verbose_name="发布机关")
    entry_count = tables.Column(verbose_name="组织数", orderable=False)

    class Meta:
        model = ListBatch
        fields = ("kind", "number", "authority", "status", "published_on", "approver", "entry_count")
        attrs = ATTRS


class NameRuleTable(tables.Table):
    word = tables.Column(linkify=("crackdown:namerule-update", [tables.A("pk")]), verbose_name="字词")

    class Meta:
        model = NameRule
        fields = ("word", "kind", "local_only", "allowed_after", "rule_text", "source", "active")
        attrs = ATTRS
