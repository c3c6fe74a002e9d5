"""The portal writes a table's header and rows in Python (portal/table_render.py, issue 17): the bytes must
be django-tables2's own template's, whatever the columns ask for."""

import datetime
import re

import django_tables2 as tables
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.html import format_html

from crackdown.models import Lead
from portal import table_render


class _Table(tables.Table):
    number = tables.Column(linkify=("crackdown:lead-detail", [tables.A("pk")]), verbose_name="线索编号")
    org_name = tables.Column(verbose_name="组织名称")
    authority = tables.Column(accessor="authority__name", verbose_name="受理机关", order_by="authority__code")
    check_due = tables.Column(verbose_name="核查期限")
    place_text = tables.Column(default="（无）")
    quoted = tables.TemplateColumn("<b>{{ record.org_name }}</b>{{ value }}", accessor="org_name", orderable=False)
    created = tables.DateTimeColumn(format="Y-m-d H:i")
    flagged = tables.BooleanColumn(accessor="is_overdue_flag")
    marked = tables.Column(accessor="org_name", attrs={"td": {"data-v": lambda value: value, "class": "x"}},
                           empty_values=())
    link_text = tables.LinkColumn("crackdown:lead-detail", args=[tables.A("pk")], text="查看",
                                  accessor="missing__attr")

    class Meta:
        model = Lead
        fields = ("number", "org_name", "source", "authority", "received_on", "status", "check_due", "place_text",
                  "quoted", "created", "flagged", "marked", "link_text")
        attrs = {"class": "table table-sm", "th": {"class": "h"}}

    def render_place_text(self, value):
        # a callable cell: the template calls it (the Python path must too)
        return (lambda: f"[{value}]") if value == "x" else value

    def render_check_due(self, value, record):
        if record.pk == 2:
            return format_html('<span class="text-danger">{}（已超期）</span>', f"{value:%Y-%m-%d}")
        return f"{value:%Y-%m-%d}"


def _leads():
    leads = [
        Lead(pk=1, number="X-1", org_name="<script>alert(1)</script>", source="patrol", status="pending",
             received_on=datetime.date(2026, 3, 1), check_due=datetime.date(2026, 4, 1), place_text="拉萨 & 日喀则",
             created=datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)),
        Lead(pk=2, number="X-2", org_name='"引号" 组织', source="ministry", status="checking",
             received_on=datetime.date(2026, 3, 2), check_due=datetime.date(2026, 3, 3), place_text="",
             created=None),
        Lead(pk=3, number="X-3", org_name="", source="transfer", status="filed",
             received_on=datetime.date(2026, 3, 3), check_due=None, place_text="x",
             created=datetime.datetime(2026, 12, 31, 23, 59, tzinfo=datetime.UTC)),
    ]
    for n, lead in enumerate(leads):
        lead.is_overdue_flag = bool(n % 2)
    return leads


CALLS = []


@pytest.fixture(autouse=True)
def _count_python_calls(monkeypatch):
    """Each comparison must have gone through the Python path (else it compares the template with itself)."""
    CALLS.clear()
    for name in ("render_thead", "render_tbody", "render_pagination"):
        original = getattr(table_render, name)

        def counted(table, context, _original=original, _name=name):
            CALLS.append(_name)
            return _original(table, context)

        monkeypatch.setattr(table_render, name, counted)


def _render(template_name, data, query="?sort=-org_name&q=a%3Cb&q=2", order_by="-org_name", **table_kwargs):
    request = RequestFactory().get("/crackdown/leads/" + query)
    request.user = AnonymousUser()
    table = _Table(data, order_by=order_by, **table_kwargs)
    page = Template("{% load django_tables2 %}{% render_table table tpl %}")
    html = page.render(Context({"table": table, "tpl": template_name, "request": request}))
    return re.search(r"<table .*</table>", html, re.S).group(0)


def _both(data, **kwargs):
    CALLS.clear()
    ours = _render("portal/table.html", data, **kwargs)
    assert CALLS == ["render_thead", "render_tbody", "render_pagination"]
    return ours, _render("django_tables2/bootstrap5.html", data, **kwargs)


def test_rows_and_header_as_django_tables2_writes_them():
    ours, theirs = _both(_leads())
    assert ours == theirs
    # what the table holds is in it, escaped, and each feature was exercised
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ours and "<script>" not in ours
    assert '<a href="/crackdown/leads/1/">X-1</a>' in ours
    assert "巡查监测" in ours and "转立案" in ours and "核查中" in ours  # choice labels
    assert "?sort=org_name&amp;q=a%3Cb&amp;q=2" in ours  # the orderable header's next sort
    assert '<span class="text-danger">2026-03-03（已超期）</span>' in ours
    assert "（无）" in ours and "—" in ours
    assert 'data-v="&quot;引号&quot; 组织"' in ours
    assert "<td >[x]</td>" in ours


def test_empty_table_and_no_sort():
    ours, theirs = _both([], query="", order_by=None)
    assert ours == theirs
    ours, theirs = _both([], query="", order_by=None, empty_text="没有<记录>")
    assert ours == theirs
    assert "没有&lt;记录&gt;" in ours


def test_paginated_rows_and_row_attrs():
    leads = _leads() * 5
    ours, theirs = _both(leads, row_attrs={"data-id": lambda record: record.pk})
    assert ours == theirs
    request = RequestFactory().get("/?page=2")
    for name in ("portal/table.html", "django_tables2/bootstrap5.html"):
        table = _Table(leads, order_by="number")
        table.paginate(page=2, per_page=4)
        html = Template("{% load django_tables2 %}{% render_table table tpl %}").render(
            Context({"table": table, "tpl": name, "request": request}))
        if name == "portal/table.html":
            ours = re.search(r"<table .*</table>", html, re.S).group(0)
        else:
            assert ours == re.search(r"<table .*</table>", html, re.S).group(0)
    assert CALLS.count("render_tbody") == 2


def test_pagination_as_the_template_writes_it():
    leads = _leads() * 30
    for number in (1, 2, 5, 9, 15, 30):
        request = RequestFactory().get(f"/?page={number}&q=%E8%97%8F&sort=org_name")
        request.user = AnonymousUser()
        outs = []
        for template_path in (False, True):
            table = _Table(leads, order_by="org_name")
            table.paginate(page=number, per_page=3)
            if template_path:
                table.portal_template_pagination = True
            outs.append(Template("{% load django_tables2 %}{% render_table table %}").render(
                Context({"table": table, "request": request})))
        assert outs[0] == outs[1]
        assert 'aria-current="page"' in outs[0] and "…" in outs[0]
    assert CALLS.count("render_pagination") == 6


def test_lead_rows_as_the_lead_template_writes_them():
    from crackdown.tables import LeadTable
    from portal.models import Authority

    leads = _leads()
    leads[0].authority = Authority(name="西藏<民政厅>", code="540000")
    leads[1].check_due = datetime.date(2000, 1, 1)  # overdue while 核查中
    request = RequestFactory().get("/crackdown/leads/?sort=-received_on")
    request.user = AnonymousUser()
    outs = []
    for template_path in (False, True):
        table = LeadTable(leads, order_by="-received_on")
        if template_path:
            table.portal_template_rows = True
        outs.append(Template("{% load django_tables2 %}{% render_table table %}").render(
            Context({"table": table, "request": request})))
    assert outs[0] == outs[1]
    assert "西藏&lt;民政厅&gt;" in outs[0] and "（已超期）" in outs[0]
    assert CALLS.count("render_tbody") == 1


class _Pinned(_Table):
    def get_top_pinned_data(self):
        return [Lead(pk=9, number="P", org_name="置顶", source="patrol", status="pending")]


def test_a_table_takes_the_template_path_when_asked():
    class Own(_Table):
        portal_template_rows = True

    assert not table_render.python_rows(Own([]))
    assert table_render.python_rows(_Table([]))
    assert not table_render.python_rows(_Pinned([]))
    assert table_render.python_header(_Table([])) and table_render.python_pagination(_Table([]))


@pytest.mark.parametrize("fields", [("number",), ("source", "status"), ("marked",), ("quoted", "link_text")])
def test_single_columns(fields):
    request = RequestFactory().get("/")
    outs = []
    for name in ("portal/table.html", "django_tables2/bootstrap5.html"):
        table = _Table(_leads(), exclude=[n for n in _Table.base_columns if n not in fields])
        html = Template("{% load django_tables2 %}{% render_table table tpl %}").render(
            Context({"table": table, "tpl": name, "request": request}))
        outs.append(re.search(r"<table .*</table>", html, re.S).group(0))
    assert outs[0] == outs[1]
    assert CALLS.count("render_tbody") == 1


# --- the portal's own tables: cells that were TemplateColumns, written by render_<name> methods --------
# The templates as they were (portal/tables.py and the two cell files at eab823a): the reference.
OLD_CELL_FILES = {
    "portal/audit_changes_cell.html": (
        "{% load portal_tags %}{% audit_change_rows record as rows %}{% if rows %}<details><summary>"
        "查看变更（{{ rows|length }} 项）</summary>\n"
        '<table class="table table-sm table-bordered small mb-0 audit-changes">\n'
        '<thead><tr><th scope="col">字段</th><th scope="col">修改前</th><th scope="col">修改后</th></tr></thead>\n'
        '<tbody>{% for row in rows %}<tr><th scope="row">{{ row.label }}</th><td>{{ row.before }}</td>'
        "<td>{{ row.after }}</td></tr>{% endfor %}</tbody>\n"
        "</table></details>{% endif %}\n"),
    "portal/user_actions_cell.html": (
        "{% if perms.portal.assign_roles and record.pk != request.user.pk %}"
        "<a href=\"{% url 'user-roles' record.pk %}\">分配角色</a>{% endif %}\n"
        "{% if perms.portal.move_user and record.pk != request.user.pk %}"
        "<a href=\"{% url 'user-authority' record.pk %}\">调整机关</a>{% endif %}\n"
        "{% if perms.portal.reset_second_factor and record.pk != request.user.pk and record.requires_second_factor %}"
        "<form method=\"post\" action=\"{% url 'user-otp-reset' record.pk %}\" class=\"d-inline\" "
        'data-confirm="重置后该账号下次登录须重新绑定身份验证器，确定？">{% csrf_token %}'
        '<button class="btn btn-link btn-sm p-0 align-baseline" type="submit">重置动态口令</button></form>'
        "{% endif %}\n"),
}


def _old_portal_tables():
    from portal.models import AuditEntry, Job, User
    from portal.tables import AuditEntryTable, JobTable, UserTable

    class OldAuditEntryTable(tables.Table):
        time = tables.DateTimeColumn(format="Y-m-d H:i:s")
        authority = tables.Column(accessor="authority__name", verbose_name="机关")
        action = tables.Column()
        object_repr = tables.Column(verbose_name="对象")
        changes = tables.TemplateColumn(template_name="portal/audit_changes_cell.html", verbose_name="变更",
                                        orderable=False)

        class Meta(AuditEntryTable.Meta):
            model = AuditEntry

        def value_changes(self, record):
            from portal.audit_display import changes_text

            return changes_text(record)

    class OldJobTable(tables.Table):
        title = tables.LinkColumn("job-detail", args=[tables.A("pk")])
        created = tables.DateTimeColumn(format="Y-m-d H:i")
        finished = tables.DateTimeColumn(format="Y-m-d H:i")
        percent = tables.TemplateColumn("{{ record.percent }}%", verbose_name="进度", orderable=False)

        class Meta(JobTable.Meta):
            model = Job

    class OldUserTable(tables.Table):
        username = tables.LinkColumn("user-update", args=[tables.A("pk")])
        roles = tables.TemplateColumn("{{ record.role_names|join:'、' }}", verbose_name="角色", orderable=False)
        last_login = tables.DateTimeColumn(format="Y-m-d H:i")
        actions = tables.TemplateColumn(template_name="portal/user_actions_cell.html", verbose_name="操作",
                                        orderable=False, exclude_from_export=True)

        class Meta(UserTable.Meta):
            model = User

    return {AuditEntryTable: OldAuditEntryTable, JobTable: OldJobTable, UserTable: OldUserTable}


@pytest.fixture
def old_cell_files(monkeypatch):
    """The two cell templates, gone from templates/, served to django-tables2 as the files were."""
    from django.template import engines
    from django.template.loader import get_template
    from django_tables2.columns import templatecolumn

    def get(name):
        if name in OLD_CELL_FILES:
            return engines["django"].from_string(OLD_CELL_FILES[name])
        return get_template(name)

    monkeypatch.setattr(templatecolumn, "get_template", get)


def _portal_compare(new_class, records, user):
    """The new table through the Python rows against the old one through django-tables2's template, and
    the Excel export of both."""
    from django.contrib.auth.context_processors import PermWrapper
    from django_tables2 import RequestConfig

    from portal.list_export import export_values

    CALLS.clear()
    outs = []
    for table_class, name in ((new_class, "portal/table.html"),
                              (_old_portal_tables()[new_class], "django_tables2/bootstrap5.html")):
        request = RequestFactory().get("/users/?sort=-username")
        request.user = user
        table = table_class(records)
        RequestConfig(request, paginate=False).configure(table)
        html = Template("{% load django_tables2 %}{% render_table table tpl %}").render(Context({
            "table": table, "tpl": name, "request": request, "perms": PermWrapper(user),
            "csrf_token": 'to"k<'}))
        outs.append(re.search(r"<table .*</table>", html, re.S).group(0))
    assert outs[0] == outs[1]
    assert CALLS.count("render_tbody") == 1
    assert (list(export_values(new_class(records)))
            == list(export_values(_old_portal_tables()[new_class](records))))
    return outs[0]


NASTY = '<script>alert("x")</script> & \'引号\''


@pytest.mark.django_db
def test_audit_changes_cell_as_its_template_wrote_it(old_cell_files, audit_admin, xizang_liaison):
    from portal.audit import record_change
    from portal.models import AuditAction, AuditEntry
    from portal.tables import AuditEntryTable

    record_change(actor=xizang_liaison, action=AuditAction.UPDATE, obj=None,
                  before={"name": NASTY, "n": 1, "same": "x"}, after={"name": '"新"<名>', "n": 2, "same": "x"})
    record_change(actor=None, action=AuditAction.CREATE, obj=xizang_liaison, before=None,
                  after={"full_name": NASTY, "username": "a&b", "is_active": True})
    record_change(actor=None, action=AuditAction.EXPORT, note="没有变更")  # no rows: the cell was "\n"
    record_change(actor=None, action=AuditAction.UPDATE, obj=None, before={"x": 1}, after={"x": 1})
    entries = list(AuditEntry.objects.select_related("authority", "content_type").order_by("id"))
    html = _portal_compare(AuditEntryTable, entries, audit_admin)
    assert "查看变更（2 项）" in html and "<td>&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "<td >\n</td>" in html


@pytest.mark.django_db
def test_user_cells_as_their_templates_wrote_them(old_cell_files, security_admin, system_admin, ministry_staff,
                                                  xizang_staff, xizang_liaison):
    from portal.models import User
    from portal.tables import UserTable

    xizang_staff.full_name = NASTY
    xizang_staff.save(update_fields=["full_name"])
    xizang_liaison.is_active = False
    xizang_liaison.save(update_fields=["is_active"])
    for viewer in (security_admin, system_admin):
        records = list(User.objects.prefetch_related("groups").select_related("authority").order_by("pk"))
        html = _portal_compare(UserTable, records, viewer)
        assert "&lt;script&gt;" in html and "<script>" not in html
        if viewer is security_admin:  # every action on the others, none on their own account
            assert f'<a href="/users/{ministry_staff.pk}/roles/">分配角色</a>' in html
            assert 'value="to&quot;k&lt;"' in html  # the page's CSRF token, escaped
            assert f"/users/{security_admin.pk}/roles/" not in html
        else:
            assert "分配角色" not in html and "重置动态口令" not in html


def test_job_percent_cell_as_its_template_wrote_it():
    from portal.models import Authority, Job, JobStatus
    from portal.tables import JobTable

    authority = Authority(pk=1, code="540000", name="西藏<自治区>", level="province")
    jobs = [Job(pk=pk, title=title, status=status, total=total, done=done, authority=authority,
                created=datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.UTC))
            for pk, (title, status, total, done) in enumerate([
                (NASTY, JobStatus.SUCCEEDED, 0, 0), ("甲", JobStatus.RUNNING, 3, 1), ("乙", JobStatus.QUEUED, 0, 0),
                ("丙", JobStatus.FAILED, 1000, 999)], start=1)]
    html = _portal_compare(JobTable, jobs, AnonymousUser())
    assert "<td >100%</td>" in html and "<td >33%</td>" in html and "<td >0%</td>" in html


@pytest.mark.parametrize("query", ["", "page=3", "sort=-created&status=open", "q=a%26b%3Cc%3E&sort=name", "page=&sort=",
                                   "status=open&status=closed&page=2&q=%E5%8D%8F%E4%BC%9A"])
@pytest.mark.parametrize("key", ["page", "sort", "", None])
def test_the_links_querystrings_are_django_tables2s(query, key):
    """One key, many values (a header's sort links, the page links): the other parameters are encoded once,
    and every link is what ``{% querystring_replace %}`` wrote: ``escape("?" + urlencode(...))``."""
    from django.utils.html import escape
    from django.utils.http import urlencode

    request = RequestFactory().get("/crackdown/leads/?" + query)
    link = table_render.querystrings(request, key)
    for value in (1, 7, "-created", "组织 名称", "a&b"):
        params = dict(request.GET)
        if key not in ("", None):
            params[key] = value
        assert link(value) == escape("?" + urlencode(params, doseq=True))


def test_attributes_are_written_as_django_tables2_writes_them():
    """The HTML of a set of attributes is kept per distinct set; a function among them is called each time."""
    from django_tables2.utils import AttributeDict

    calls = []
    plain = AttributeDict({"class": "orderable asc", "scope": None, "data-x": "<&>"})
    assert table_render.attrs_html(plain) == plain.as_html() == table_render.attrs_html(AttributeDict(plain))
    computed = AttributeDict({"class": "x", "data-n": lambda: calls.append(1) or len(calls)})
    assert table_render.attrs_html(computed) == 'class="x" data-n="1"'
    assert table_render.attrs_html(computed) == 'class="x" data-n="2"'
    nested = AttributeDict({"class": "t", "th": {"class": "h"}})
    assert table_render.attrs_html(nested) == nested.as_html() == 'class="t"'


@pytest.mark.parametrize("value", [datetime.date(2026, 3, 1), datetime.date(999, 12, 31), datetime.date(2025, 10, 9),
                                   None, datetime.datetime(2026, 3, 1, 23, 30)])
@pytest.mark.parametrize("fmt", ["Y-m-d", "Y年n月j日", "n/j", "d.m.Y", "Y年n月j日 D", "\\Y Y", "N j, Y", "y-m-d",
                                 "DATE_FORMAT"])
def test_a_dates_text_is_the_date_filters_text(value, fmt):
    """``cell_date_text`` writes ``{{ value|date:fmt }}`` of a date without the date format machinery when the
    format holds only year, month and day codes, and leaves every other format to Django (issue 17)."""
    from django.template.defaultfilters import date as date_filter

    from portal.table_columns import cell_date_text, cell_iso_date

    assert cell_date_text(value, fmt) == date_filter(value, fmt)
    assert cell_iso_date(value) == date_filter(value, "Y-m-d")


def test_a_status_badge_is_written_once_per_value_and_label():
    from portal.status import _badge_html, badge

    first = badge("pending", "待核查")
    assert first == _badge_html("pending", "待核查") and badge("pending", "待核查") is first
    assert badge("pending", "<b>") == _badge_html("pending", "<b>") and "&lt;b&gt;" in badge("pending", "<b>")
    assert badge("checking") == _badge_html("checking", None)


class _PlainTable(tables.Table):
    """A header with nothing computed per use: kept per process (``render_thead``)."""

    number = tables.Column(verbose_name="线索编号", attrs={"th": {"class": "n"}})
    org_name = tables.Column(verbose_name="组织名称")
    status = tables.Column(orderable=False)
    check_due = tables.Column(verbose_name="核查期限", initial_sort_descending=True)

    class Meta:
        model = Lead
        fields = ("number", "org_name", "status", "check_due")
        attrs = {"class": "table", "thead": {"class": "t"}}


def _header(table_class, query="", order_by=None, template="portal/table.html", **kwargs):
    request = RequestFactory().get("/crackdown/leads/" + query)
    request.user = AnonymousUser()
    table = table_class(_leads(), order_by=order_by, **kwargs)
    html = Template("{% load django_tables2 %}{% render_table table tpl %}").render(
        Context({"table": table, "tpl": template, "request": request}))
    return re.search(r"<thead.*</thead>", html, re.S).group(0)


def test_a_header_is_kept_per_columns_sort_and_query_string(monkeypatch):
    """The same header is written once per process and served again — the same bytes as django-tables2's
    template; another sort, query string, set of columns or language is another header."""
    from django.utils import translation

    written = []
    original = table_render._render_thead
    monkeypatch.setattr(table_render, "_render_thead", lambda table, context: written.append(1) or original(
        table, context))
    monkeypatch.setattr(table_render, "_theads", {})
    cases = [dict(query="?sort=-org_name&q=a%3Cb", order_by="-org_name"), dict(query="?sort=org_name&q=a%3Cb",
             order_by="org_name"), dict(query="?sort=-org_name&q=other", order_by="-org_name"),
             dict(query="?sort=-org_name&q=a%3Cb", order_by="-org_name", exclude=("status",)),
             dict(query="", order_by="check_due"), dict(query="", order_by=None)]
    for case in cases:
        first = _header(_PlainTable, **case)
        count = len(written)
        assert _header(_PlainTable, **case) == first == _header(_PlainTable, template="django_tables2/bootstrap5.html",
                                                                 **case)
        assert len(written) == count  # the second and the template's own: the kept header, not written again
    assert len(written) == len(cases) == len(table_render._theads)
    assert len({_header(_PlainTable, **case) for case in cases}) == len(cases)
    with translation.override("en"):
        _header(_PlainTable, **cases[0])
    assert len(written) == len(cases) + 1


def test_a_header_with_computed_attributes_or_a_long_query_is_written_each_time(monkeypatch):
    class Computed(_PlainTable):
        number = tables.Column(attrs={"th": {"data-n": lambda table: len(table.rows)}})

    written = []
    original = table_render._render_thead
    monkeypatch.setattr(table_render, "_render_thead", lambda table, context: written.append(1) or original(
        table, context))
    for _ in range(2):
        assert 'data-n="3"' in _header(Computed)
        _header(_PlainTable, query="?q=" + "长" * 1001)
    assert len(written) == 4


def test_a_header_renamed_on_one_table_is_written_for_that_table(monkeypatch):
    """The header text is keyed by the column's ``verbose_name`` object: a table that names a column
    otherwise gets its own header, and the class's own is still served to the others."""
    monkeypatch.setattr(table_render, "_theads", {})
    request = RequestFactory().get("/crackdown/leads/")
    request.user = AnonymousUser()
    page = Template("{% load django_tables2 %}{% render_table table 'portal/table.html' %}")

    def header(rename=None):
        table = _PlainTable(_leads())
        if rename:
            table.columns["org_name"].column.verbose_name = rename
        return re.search(r"<thead.*</thead>", page.render(Context({"table": table, "request": request})),
                         re.S).group(0)

    assert "组织名称" in header()
    renamed = header("机构名称")
    assert "机构名称" in renamed and "组织名称" not in renamed
    assert "组织名称" in header() and "机构名称" not in header()


def test_attributes_equal_in_value_but_not_in_kind_are_written_each_as_theirs():
    """A text and the same text marked safe, ``True`` and ``1``: equal as Python values, written differently."""
    from django.utils.safestring import mark_safe
    from django_tables2.utils import AttributeDict

    for first, second in ((AttributeDict({"title": "a&b"}), AttributeDict({"title": mark_safe("a&b")})),
                          (AttributeDict({"data-x": True}), AttributeDict({"data-x": 1}))):
        assert table_render.attrs_html(first) == first.as_html()
        assert table_render.attrs_html(second) == second.as_html()
