from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import has_perms
from portal.api.viewsets import ScopedModelViewSet, ScopedViewSetMixin
from registry import services
from registry.api.pagination import KeysetPagination
from registry.api.serializers import RECORD_SERIALIZERS, OrganizationSerializer
from registry.filtersets import OrganizationFilterSet
from registry.forms import ListEntryRemoveForm, NameCheckForm
from registry.models import CreditListEntry, Organization
from registry.namecheck import name_check
from registry.selectors import organization_timeline


class OrganizationViewSet(ScopedModelViewSet):
    """The register: read by every authority, written by the organization's own authority (else 404)."""

    queryset = Organization.objects.select_related("authority", "authority__parent", "authority__parent__parent")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    pagination_class = KeysetPagination
    http_method_names = ["get", "post", "patch", "head", "options"]  # the register keeps its rows

    def scope_action(self):
        if self.action == "records" and self.request.method == "POST":
            return "change"  # adding a record changes the organization: another province's is 404
        return super().scope_action()

    def perform_create(self, serializer):
        serializer.instance = services.organization_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "credit_code"}
        serializer.instance = services.organization_update(actor=self.request.user, organization=serializer.instance,
                                                           **data)

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=list(RECORD_SERIALIZERS))],
                   request=None, responses={200: OpenApiTypes.ANY, 201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get", "post"], url_path=r"records/(?P<kind>[^/.]+)")
    def records(self, request, pk=None, kind=None):
        """GET: the organization's records of ``kind``; POST: add one (own authority's organization only)."""
        if kind not in RECORD_SERIALIZERS:
            raise NotFound("没有这种记录。")
        org = self.get_object()
        serializer_class = RECORD_SERIALIZERS[kind]
        model = serializer_class.Meta.model
        if request.method == "GET":
            rows = model.objects.filter(organization=org)
            return Response(serializer_class(rows, many=True).data)
        if not request.user.has_perm(f"registry.add_{model._meta.model_name}"):
            raise PermissionDenied("您没有执行此操作的权限。")
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.record_add(actor=request.user, organization=org, kind=kind, **serializer.validated_data)
        return Response(serializer_class(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("OrganizationTimelineEvent", many=True, fields={
        "day": serializers.DateField(), "kind": serializers.CharField(), "title": serializers.CharField(),
        "detail": serializers.CharField(allow_blank=True)}))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        events = organization_timeline(self.get_object())
        return Response([{"day": e.day, "kind": e.kind, "title": e.title, "detail": e.detail} for e in events])


class CreditListEntryViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """移出名录 (``POST …/<pk>/remove/``): only the organization's own authority (another province → 404)."""

    queryset = CreditListEntry.objects.select_related("organization")
    serializer_class = RECORD_SERIALIZERS["listentry"]

    def scope_action(self):
        return "change"

    @extend_schema(request=None, responses=None)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """{"removed_on": "2026-07-01", "removal_reason": "…"}"""
        entry = self.get_object()
        form = ListEntryRemoveForm(request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        entry = services.list_entry_remove(actor=request.user, entry=entry, removed_on=form.cleaned_data["removed_on"],
                                           reason=form.cleaned_data["removal_reason"])
        return Response({"id": entry.pk, "removed_on": entry.removed_on, "removal_reason": entry.removal_reason})


class NameCheckAPIView(APIView):
    """名称核查: ``?name=…&authority=<authority id>`` (the intended registering authority, optional)."""

    permission_classes = [IsAuthenticated, has_perms("registry.view_organization")]

    @extend_schema(parameters=[OpenApiParameter("name", {"type": "string", "pattern": r"\S", "maxLength": 200},
                                               required=True),
                               OpenApiParameter("authority", int)],
                   responses=None)
    def get(self, request):
        form = NameCheckForm(request.query_params, user=request.user)
        if not form.is_valid():
            if set(form.errors) == {"authority"} and form.errors.as_data()["authority"][0].code == "invalid_choice":
                raise NotFound("未找到该登记管理机关。")  # any integer is a valid id; one naming no authority
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        result = name_check(form.cleaned_data["name"], authority=form.cleaned_data["authority"])
        return Response({
            "name": result.name,
            "registered": [_match(m) for m in result.registered],
            "near": [_match(m) for m in result.near],
            "revoked": [_match(m) for m in result.revoked],
            "reserved_words": result.reserved,
            "reserved_ok": result.reserved_ok,
            "list_hits": [{"name": h.name, "list": h.list_label, "batch": h.batch, "province": h.province,
                           "score": round(h.score, 1)} for h in result.list_hits],
            "findings": [{"level": tone, "message": text} for tone, text in result.findings],
        })


def _match(m):
    org = m.organization
    return {"id": org.pk, "name": org.name, "credit_code": org.credit_code, "how": m.how, "score": round(m.score, 1),
            "authority": org.authority.bureau_name, "authority_is_ministry": org.authority.is_ministry,
            "status": org.status, "status_label": org.get_status_display()}
