"""The base viewset: the same scoping rule as the pages, and audited writes."""

from __future__ import annotations

from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from portal.audit import record_change, snapshot, stored_snapshot
from portal.models import AuditAction
from portal.page_cache import KeptListMixin
from portal.scoping import object_in_scope

ACTION_FOR_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class ScopedViewSetMixin:
    """``get_queryset`` is ``Model.objects.restrict(user, action)``: another province's row is 404.  The
    viewsets with a list put ``KeptListMixin`` first: the list kept per user and served again while its data
    is unchanged (portal/page_cache.py); it defines ``list``, so a viewset without one must not take it."""

    queryset = None  # a RestrictedQuerySet with the select_related/ordering the endpoint needs

    def scope_action(self) -> str:
        # detail actions (POST .../<pk>/<step>/) act on an existing object: they need it visible,
        # the step's own permission is checked by the service
        if self.detail and self.request.method == "POST":
            return "view"
        return ACTION_FOR_METHOD.get(self.request.method, "view")

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.scope_action())


class ScopedReadOnlyViewSet(KeptListMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(KeptListMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    """Writes are audited, and a written object must remain inside the user's scope."""

    def _check_scope(self, obj):
        if not object_in_scope(obj, self.request.user):
            raise PermissionDenied("保存后的对象不在您的管辖范围内。")

    def perform_create(self, serializer):
        with transaction.atomic():
            obj = serializer.save()
            self._check_scope(obj)
            record_change(actor=self.request.user, action=AuditAction.CREATE, obj=obj, after=snapshot(obj))

    def perform_update(self, serializer):
        before = stored_snapshot(serializer.instance)
        with transaction.atomic():
            obj = serializer.save()
            self._check_scope(obj)
            record_change(actor=self.request.user, action=AuditAction.UPDATE, obj=obj, before=before,
                          after=snapshot(obj))

    def perform_destroy(self, instance):
        before = stored_snapshot(instance)
        with transaction.atomic():
            instance.delete()
            record_change(actor=self.request.user, action=AuditAction.DELETE, obj=instance, before=before)
