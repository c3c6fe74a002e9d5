"""Generic views every app builds on.  They apply the one scoping rule and audit every write.

- anonymous → redirect to login; logged in without the model permission → 403;
- the queryset is ``Model.objects.restrict(user, action)``, so another province's object is 404;
- create/update/delete write an audit row with before/after, and after a write the object must
  still lie inside the user's scope (else the transaction is rolled back and the user told why).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import generic
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from portal.audit import record_change, snapshot, stored_snapshot
from portal.models import AuditAction
from portal.page_cache import KeptPageMixin
from portal.pagination import ListPaginator
from portal.scoping import object_in_scope


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Login, the model permission for ``action``, and the restricted queryset."""

    model = None
    queryset = None  # optional: a RestrictedQuerySet with select_related etc.
    action = "view"
    raise_exception = False  # anonymous users are redirected to the login page

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        opts = self.model._meta
        return (f"{opts.app_label}.{self.action}_{opts.model_name}",)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied("您没有执行此操作的权限。")
        return super().handle_no_permission()

    def get_queryset(self):
        base = self.queryset.all() if self.queryset is not None else self.model.objects.all()
        return base.restrict(self.request.user, self.action)


EMPTY_LIST_TEXT = "没有符合条件的记录"


def _render_status_badge(value, record, bound_column):
    from portal.status import badge

    return badge(getattr(record, bound_column.name, value), value)


def badge_status_columns(table):
    """Plain status/stage columns (those an app did not render itself) show the status as a coloured badge."""
    from django_tables2 import Column

    from portal.status import STATUS_FIELDS

    for bound in table.columns:
        if bound.name in STATUS_FIELDS and type(bound.column) is Column \
                and not hasattr(table, f"render_{bound.name}"):
            bound.render = _render_status_badge
EXPORT_PARAM = "export"


class ScopedListView(KeptPageMixin, ScopedMixin, SingleTableMixin, FilterView):
    """A list with the app's filterset (the same one the API uses) and a django-tables2 table.

    Every list shows 「共 N 条」 and offers 导出 Excel (``?export=xlsx`` with the list's own filter and
    sort): exactly the filtered rows, the table's columns, audited as an export.  A page is kept per user and
    served again while its data is unchanged (``KeptPageMixin``, portal/page_cache.py).
    """

    paginate_by = 50
    paginator_class = ListPaginator  # no COUNT when the first page holds every row
    template_name = "portal/object_list.html"
    title = ""
    create_url_name = None
    exportable = True

    def get(self, request, *args, **kwargs):
        if self.exportable and request.GET.get(EXPORT_PARAM) == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for field in filterset.form.fields.values():
            # a yes/no filter left empty means "all", not Django's 「未知」
            if isinstance(field.widget, forms.NullBooleanSelect):
                field.widget.choices = [("unknown", "全部"), ("true", "是"), ("false", "否")]
        return filterset

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.empty_text = EMPTY_LIST_TEXT
        badge_status_columns(table)
        return table

    def get_title(self):
        return str(self.title or self.model._meta.verbose_name_plural)

    def export_table(self):
        """The filterset and an unpaginated table of exactly the filtered rows in the list's sort: what
        导出 Excel writes, here and in the ``list_export`` job (``portal/list_export.py``)."""
        from portal.list_export import ExportRefused

        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            raise ExportRefused("筛选条件有误，请改正后再导出。")
        self.object_list = filterset.qs
        table = self.get_table_class()(data=self.get_table_data(), **self.get_table_kwargs())
        RequestConfig(self.request, paginate=False).configure(table)
        return filterset, table

    def export_xlsx(self):
        """At most ``LIST_EXPORT_JOB_ROWS`` rows: the workbook at once; more: a job with progress, and
        the user is sent to its page; more than ``LIST_EXPORT_MAX_ROWS``: narrow the filter."""
        from portal.excel import XLSX_CONTENT_TYPE, write_table_xlsx
        from portal.list_export import (
            ExportRefused,
            export_filename,
            export_note,
            export_values,
            job_threshold,
            list_export_start,
            max_rows,
            query_without_export,
        )

        try:
            filterset, table = self.export_table()
        except ExportRefused as exc:
            messages.error(self.request, str(exc))
            return HttpResponseRedirect(self.request.path)
        count = len(table.data)  # one COUNT: the rows are read only when written
        limit = max_rows()
        if count > limit:
            messages.error(self.request, f"符合条件的记录有 {count} 条，超过一次导出的上限 {limit} 条，"
                                         "请缩小筛选范围后分批导出。")
            return HttpResponseRedirect(f"{self.request.path}?{query_without_export(self.request.GET)}")
        title = self.get_title()
        if count > job_threshold():
            job = list_export_start(actor=self.request.user, path=self.request.path,
                                    query=self.request.GET, title=title, count=count, filterset=filterset)
            messages.info(self.request, f"符合条件的记录有 {count} 条，已转入后台导出；完成后可在本页下载。")
            return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))
        buffer = write_table_xlsx(title, export_values(table))
        record_change(actor=self.request.user, action=AuditAction.EXPORT, note=export_note(title, count, filterset))
        return FileResponse(buffer, as_attachment=True, filename=export_filename(title),
                            content_type=XLSX_CONTENT_TYPE)

    def paginate_queryset(self, queryset, page_size):
        # the table paginates (paginate_by rows a page); ListView's own paginator would COUNT the rows again
        return None, None, queryset, False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.get_title()
        context["model_opts"] = self.model._meta
        context["exportable"] = self.exportable
        if self.create_url_name and self.request.user.has_perm(
            f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"
        ):
            context["create_url_name"] = self.create_url_name
        return context


class ScopedDetailView(ScopedMixin, generic.DetailView):
    template_name = "portal/object_detail.html"


class AuditedWriteMixin:
    success_message = "已保存。"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_verbose_name"] = self.model._meta.verbose_name
        return context

    def audit(self, action, obj, before, after):
        record_change(actor=self.request.user, action=action, obj=obj, before=before, after=after)

    def check_scope_after_write(self, obj):
        if not object_in_scope(obj, self.request.user):
            raise PermissionDenied("保存后的对象不在您的管辖范围内，操作已撤销。")


class ScopedCreateView(ScopedMixin, AuditedWriteMixin, generic.CreateView):
    action = "add"
    template_name = "portal/object_form.html"

    def get_queryset(self):  # nothing to restrict before the object exists
        return self.model.objects.none()

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
            self.check_scope_after_write(self.object)
            self.audit(AuditAction.CREATE, self.object, None, snapshot(self.object))
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ScopedUpdateView(ScopedMixin, AuditedWriteMixin, generic.UpdateView):
    action = "change"
    template_name = "portal/object_form.html"

    def form_valid(self, form):
        with transaction.atomic():
            # the form has already put the new values on the instance: the before-image is the stored row
            before = stored_snapshot(form.instance)
            self.object = form.save()
            self.check_scope_after_write(self.object)
            self.audit(AuditAction.UPDATE, self.object, before, snapshot(self.object))
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ScopedDeleteView(ScopedMixin, AuditedWriteMixin, generic.DeleteView):
    action = "delete"
    template_name = "portal/object_confirm_delete.html"

    def form_valid(self, form):
        obj = self.get_object()
        before = stored_snapshot(obj)
        with transaction.atomic():
            obj.delete()
            self.audit(AuditAction.DELETE, obj, before, None)
        messages.success(self.request, "已删除。")
        return HttpResponseRedirect(self.get_success_url())
