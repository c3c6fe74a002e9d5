"""Generic views every app builds on.  They apply the one scoping rule and audit every write.

- anonymous → redirect to login; logged in without the model permission → 403;
- the queryset is ``Model.objects.restrict(user, action)``, so another province's object is 404;
- create/update/delete write an audit row with before/after, and after a write the object must
  still lie inside the user's scope (else the transaction is rolled back and the user told why).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.views import generic
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from portal.audit import record_change, snapshot
from portal.models import AuditAction
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


class ScopedListView(ScopedMixin, SingleTableMixin, FilterView):
    """A list with the app's filterset (the same one the API uses) and a django-tables2 table."""

    paginate_by = 50
    template_name = "portal/object_list.html"
    title = ""
    create_url_name = None

    def paginate_queryset(self, queryset, page_size):
        # the table paginates (paginate_by rows a page); ListView's own paginator would COUNT the rows again
        return None, None, queryset, False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or self.model._meta.verbose_name_plural
        context["model_opts"] = self.model._meta
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

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self._before = snapshot(obj)
        return obj

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
            self.check_scope_after_write(self.object)
            self.audit(AuditAction.UPDATE, self.object, self._before, snapshot(self.object))
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ScopedDeleteView(ScopedMixin, AuditedWriteMixin, generic.DeleteView):
    action = "delete"
    template_name = "portal/object_confirm_delete.html"

    def form_valid(self, form):
        obj = self.get_object()
        before = snapshot(obj)
        with transaction.atomic():
            obj.delete()
            self.audit(AuditAction.DELETE, obj, before, None)
        messages.success(self.request, "已删除。")
        return HttpResponseRedirect(self.get_success_url())
