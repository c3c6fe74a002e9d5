"""The portal's own lists' tables.

The cells that rendered a template file per cell (the audit log's 变更, the user list's 操作) and the
inline ``TemplateColumn``s are ``render_<name>`` methods writing the same bytes (issue 17;
``tests/portal/test_table_render.py`` keeps the old templates and compares).
"""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from portal.models import AuditEntry, Job, User
from portal.table_columns import RECORD, TableCells

AUDIT_CHANGES = (
    "<details><summary>查看变更（{} 项）</summary>\n"
    '<table class="table table-sm table-bordered small mb-0 audit-changes">\n'
    '<thead><tr><th scope="col">字段</th><th scope="col">修改前</th><th scope="col">修改后</th></tr></thead>\n'
    "<tbody>{}</tbody>\n"
    "</table></details>\n"
)


class AuditEntryTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")
    authority = tables.Column(accessor="authority__name", verbose_name="机关")
    action = tables.Column()
    object_repr = tables.Column(verbose_name="对象")
    changes = tables.Column(verbose_name="变更", orderable=False, empty_values=(), accessor=RECORD)

    class Meta:
        model = AuditEntry
        fields = ("time", "username", "authority", "ip", "action", "object_repr", "note", "changes")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_changes(self, record):
        """What the cell template ``portal/audit_changes_cell.html`` (gone) wrote: the readable change table, folded."""
        from portal.audit_display import change_rows

        rows = change_rows(record)
        if not rows:
            return mark_safe("\n")
        return format_html(AUDIT_CHANGES, len(rows), format_html_join(
            "", '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            ((row.label, row.before, row.after) for row in rows)))

    def value_changes(self, record):
        from portal.audit_display import changes_text

        return changes_text(record)


class JobTable(TableCells, tables.Table):
    text_from_html = ("percent",)
    # what the cells read (the list page selects only these: ``JobListView``; not a job's parameters, errors
    # or message, which can be long): ``percent`` reads the status and the counts, the authority is shown by
    # ``Authority.__str__`` (all its fields), the user by ``User.__str__``
    record_fields = ("title", "status", "total", "done", "created", "finished", "authority__code",
                     "authority__name", "authority__level", "authority__parent", "authority__is_aid_recipient",
                     "created_by__full_name", "created_by__username")
    title = tables.LinkColumn("job-detail", args=[tables.A("pk")])
    created = tables.DateTimeColumn(format="Y-m-d H:i")
    finished = tables.DateTimeColumn(format="Y-m-d H:i")
    percent = tables.Column(verbose_name="进度", orderable=False, empty_values=())

    class Meta:
        model = Job
        fields = ("title", "status", "percent", "authority", "created_by", "created", "finished")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_percent(self, record):
        return format_html("{}%", record.percent)



class UserTable(TableCells, tables.Table):
    text_from_html = ("roles",)
    username = tables.LinkColumn("user-update", args=[tables.A("pk")])
    roles = tables.Column(verbose_name="角色", orderable=False, empty_values=(), accessor=RECORD)
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")
    actions = tables.Column(verbose_name="操作", orderable=False, exclude_from_export=True, empty_values=(),
                            accessor=RECORD)

    class Meta:
        model = User
        fields = ("username", "full_name", "authority", "roles", "is_active", "last_login", "actions")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_roles(self, record):
        return format_html_join("、", "{}", ((name,) for name in record.role_names))


    def render_actions(self, record):
        """What the cell template ``portal/user_actions_cell.html`` (gone) wrote: one line per action, each
        there when the user may take it on this account (not on their own)."""
        request = getattr(self, "request", None)
        other = record.pk != getattr(getattr(request, "user", None), "pk", None)
        lines = ["", "", ""]
        if other and self.user_may("portal.assign_roles"):
            lines[0] = format_html('<a href="{}">分配角色</a>', self.url_for("user-roles", record.pk))
        if other and self.user_may("portal.move_user"):
            lines[1] = format_html('<a href="{}">调整机关</a>', self.url_for("user-authority", record.pk))
        if other and self.user_may("portal.reset_second_factor") and record.requires_second_factor:
            token = self.csrf_token()
            lines[2] = format_html(
                '<form method="post" action="{}" class="d-inline" '
                'data-confirm="重置后该账号下次登录须重新绑定身份验证器，确定？">{}'
                '<button class="btn btn-link btn-sm p-0 align-baseline" type="submit">重置动态口令</button>'
                "</form>", self.url_for("user-otp-reset", record.pk),
                format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
                if token and token != "NOTPROVIDED" else "")
        return format_html("{}\n{}\n{}\n", *lines)
