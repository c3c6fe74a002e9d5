"""Bulk import (preview, then all-or-nothing commit) and the export of a search as a job (issue 10, point 5).

An import belongs to the importer's authority (``OrganizationImport.scope_field``): another province's
import answers 404; the rows themselves may only name authorities within the importer's area
(``registry.importer``).  A larger file is read, and a larger commit runs, as a job (``registry.import_jobs``);
the import's page polls its progress."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from portal.excel import XLSX_CONTENT_TYPE
from portal.jobs import job_start
from portal.services import ApplicationError
from portal.views.generic import ScopedMixin
from registry import services
from registry.choices import ImportStatus
from registry.forms import ImportUploadForm
from registry.import_jobs import PREVIEW_KIND, import_job
from registry.jobs import EXPORT_KIND, export_params
from registry.models import Organization, OrganizationImport
from registry.sheets import SPECS
from registry.writer import template_workbook

PREVIEW_ROWS = 500


class ImportUploadView(ScopedMixin, FormView):
    """Step 1: choose the file.  It is checked and read into a preview; nothing is registered yet."""

    model = OrganizationImport
    permission_required = ("registry.add_organizationimport", "registry.add_organization")
    form_class = ImportUploadForm
    template_name = "registry/import_form.html"

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "organization")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "specs": SPECS.values(),
                "title": "批量导入社会组织及其信用记录"}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        # a larger file is read by the preview job (registry/import_jobs.py); the page polls its progress
        defer = upload.size > settings.REGISTRY_IMPORT_INLINE_BYTES
        try:
            with transaction.atomic():
                run = services.import_preview(actor=self.request.user, fileobj=upload, filename=upload.name,
                                              size=upload.size, kind=form.cleaned_data["kind"], defer=defer)
                if defer:
                    job_start(kind=PREVIEW_KIND, user=self.request.user, authority=run.authority,
                              params={"import": run.pk}, title=f"检查导入文件：{run.filename}")
        except ApplicationError as exc:
            form.add_error("file", exc.message)
            return self.form_invalid(form)
        return redirect("registry:import-detail", pk=run.pk)


class ImportDetailView(ScopedMixin, TemplateView):
    """Step 2: every row with its errors; commit (all or nothing) or discard."""

    model = OrganizationImport
    template_name = "registry/import_preview.html"

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.get_queryset().select_related("authority", "uploaded_by"),
                                             pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, **kwargs):
        run = self.get_object()
        show_all = self.request.GET.get("all") == "1"
        job = import_job(run)
        rows = run.rows if show_all or run.row_count <= PREVIEW_ROWS else [
            r for r in run.rows if r["errors"] or r["warnings"]][:PREVIEW_ROWS]
        return {**super().get_context_data(**kwargs), "object": run, "rows": rows,
                "rows_limited": len(rows) < run.row_count, "columns": SPECS[run.kind].import_columns,
                "spec": SPECS[run.kind], "job": job,
                # polled while its job runs; a job that failed leaves the page still, saying why
                "working": job is not None and not job.is_finished,
                "can_commit": run.status == ImportStatus.PREVIEW and not run.error_count
                and self.request.user.has_perm("registry.add_organizationimport")}

    def post(self, request, pk):
        run = self.get_object()  # another province's import: 404 before anything
        if not request.user.has_perms(("registry.add_organizationimport", "registry.add_organization")):
            return self.handle_no_permission()
        try:
            if request.POST.get("action") == "discard":
                services.import_discard(actor=request.user, run=run)
                messages.info(request, "已放弃本次导入，登记库没有变化。")
            elif run.row_count - run.skipped_count > settings.REGISTRY_IMPORT_INLINE_ROWS:
                services.import_commit_start(actor=request.user, run=run)
                messages.info(request, "正在后台导入，本页显示进度；全部通过才登记，中途出错一行也不会导入。")
            else:
                added = services.import_commit(actor=request.user, run=run)
                unit = "个社会组织" if run.kind == "organization" else "条记录"
                messages.success(request, f"已导入 {added} {unit}。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("registry:import-detail", pk=run.pk)


class ImportTemplateView(ScopedMixin, View):
    """The blank template of a sheet (``?kind=``), written from its column spec."""

    model = Organization

    def get(self, request):
        spec = SPECS.get(request.GET.get("kind", "organization"), SPECS["organization"])
        return FileResponse(template_workbook(spec), as_attachment=True, filename=f"{spec.title}（模板）.xlsx",
                            content_type=XLSX_CONTENT_TYPE)


class OrganizationExportView(ScopedMixin, View):
    """导出 Excel: the list's filters, run as a background job (progress and download on the job page)."""

    model = Organization
    permission_required = ("registry.view_organization", "portal.add_job")

    def post(self, request):
        params = export_params(request.POST)
        with transaction.atomic():
            job = job_start(kind=EXPORT_KIND, user=request.user, authority=request.user.authority, params=params)
        return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))
