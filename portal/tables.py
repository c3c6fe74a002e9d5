import django_tables2 as tables

from portal.models import AuditEntry, Job, User


class AuditEntryTable(tables.Table):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")
    authority = tables.Column(accessor="authority__name", verbose_name="机关")
    action = tables.Column()
    object_repr = tables.Column(verbose_name="对象")
    changes = tables.TemplateColumn(template_name="portal/audit_changes_cell.html", verbose_name="变更",
                                    orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("time", "username", "authority", "ip", "action", "object_repr", "note", "changes")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def value_changes(self, record):
        from portal.audit_display import changes_text

        return changes_text(record)


class JobTable(tables.Table):
    title = tables.LinkColumn("job-detail", args=[tables.A("pk")])
    created = tables.DateTimeColumn(format="Y-m-d H:i")
    finished = tables.DateTimeColumn(format="Y-m-d H:i")
    percent = tables.TemplateColumn("{{ record.percent }}%", verbose_name="进度", orderable=False)

    class Meta:
        model = Job
        fields = ("title", "status", "percent", "authority", "created_by", "created", "finished")
        attrs = {"class": "table table-sm table-hover align-middle"}


class UserTable(tables.Table):
    username = tables.LinkColumn("user-update", args=[tables.A("pk")])
    roles = tables.TemplateColumn("{{ record.role_names|join:'、' }}", verbose_name="角色", orderable=False)
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")
    actions = tables.TemplateColumn(template_name="portal/user_actions_cell.html", verbose_name="操作",
                                    orderable=False, exclude_from_export=True)

    class Meta:
        model = User
        fields = ("username", "full_name", "authority", "roles", "is_active", "last_login", "actions")
        attrs = {"class": "table table-sm table-hover align-middle"}
