"""One download view for every stored file: scoped, audited, personal data stamped.

- the object comes from ``restrict(user, "view")`` of the view's model (login → 403 → other province
  404, as every page); a file of a child row (a case's document) is looked up among the children of
  the parents the user sees;
- a file that carries personal data (a liaison table, a job's result with names and numbers) is handed
  over stamped with the downloading user and the time and audited as an export
  (``portal.excel.personal_data_response``); any other download is audited as a download.

Subclasses name the file field, the file name and whether it carries personal data.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from portal.audit import record_download
from portal.excel import personal_data_response
from portal.views.generic import ScopedMixin


class ScopedFileDownloadView(ScopedMixin, View):
    file_field = "file"
    missing_message = "没有文件。"

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_file(self, obj):
        return getattr(obj, self.file_field)

    def get_filename(self, obj, file) -> str:
        return file.name.rsplit("/", 1)[-1]

    def carries_personal_data(self, obj) -> bool:
        return False

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        file = self.get_file(obj)
        if not file:
            raise Http404(self.missing_message)
        if not file.storage.exists(file.name):  # the row outlived its file (a restore without media): 404, not 500
            raise Http404("文件已不在存储中，请联系系统管理员。")
        filename = self.get_filename(obj, file)
        if self.carries_personal_data(obj):
            return personal_data_response(request, file, obj=obj, filename=filename)
        record_download(actor=request.user, obj=obj, filename=filename)
        return FileResponse(file.open("rb"), as_attachment=True, filename=filename)


class ChildFileDownloadView(ScopedFileDownloadView):
    """A file row (``file_model``) of a parent the user sees (``model``, e.g. a lead's attachment)."""

    file_model = None
    parent_field = ""

    def get_queryset(self):
        return self.file_model.objects.filter(**{f"{self.parent_field}__in": super().get_queryset()})
