"""The crackdown API: the same scoping as the pages, the same filtersets, writes through services.

Workflow steps are POST actions on the object (``…/<pk>/transition/``, ``…/publish/``); they need
the object visible (``view_``), the service checks the step's own permission.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from crackdown import services
from crackdown.api import serializers as s
from crackdown.choices import PublicStatus
from crackdown.conf import RATE_LIMITED_MESSAGE, status_rate
from crackdown.filtersets import (
    CaseFilterSet,
    CheckBatchFilterSet,
    LeadFilterSet,
    ListBatchFilterSet,
    PublicEntryFilterSet,
)
from crackdown.models import Case, CheckBatch, Lead, ListBatch, ListEntry
from crackdown.public_limits import report_refused
from crackdown.selectors import crackdown_statistics, public_entries
from portal.api.permissions import ActionPermissionsMixin, has_perms
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from portal.middleware import client_ip
from portal.models import Authority
from portal.ratelimit import limited, per_client


# --- leads ---------------------------------------------------------------------------------------
class LeadViewSet(ActionPermissionsMixin, ScopedModelViewSet):
    queryset = Lead.objects.select_related("authority", "informant")
    serializer_class = s.LeadSerializer
    filterset_class = LeadFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {
        "status": ("crackdown.view_lead",), "transfer": ("crackdown.view_lead",),
        "to_case": ("crackdown.view_lead",), "informant": ("crackdown.view_lead", "crackdown.view_informant"),
    }

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        informant = {"name": data.pop("informant_name", ""), "phone": data.pop("informant_phone", "")}
        serializer.instance = services.lead_create(actor=self.request.user, informant=informant, **data)

    def perform_update(self, serializer):
        serializer.validated_data.pop("informant_name", None)
        serializer.validated_data.pop("informant_phone", None)
        super().perform_update(serializer)

    @extend_schema(request=s.LeadStatusSerializer, responses=s.LeadSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        payload = s.LeadStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = services.lead_set_status(lead=self.get_object(), actor=request.user, **payload.validated_data)
        return Response(s.LeadSerializer(lead).data)

    @extend_schema(request=s.LeadTransferSerializer, responses=s.LeadSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        payload = s.LeadTransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        target = data.pop("to_authority", None)
        authority = get_object_or_404(Authority, pk=target) if target else None
        lead = services.lead_transfer(lead=self.get_object(), actor=request.user, to_authority=authority, **data)
        return Response(s.LeadSerializer(lead).data)

    @extend_schema(request=s.CaseOpenSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="to-case")
    def to_case(self, request, pk=None):
        payload = s.CaseOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _case_open_data(payload.validated_data)
        case = services.lead_to_case(lead=self.get_object(), actor=request.user, **data)
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def informant(self, request, pk=None):
        """The informant in full (view_informant); every call is audited."""
        informant = services.informant_reveal(lead=self.get_object(), actor=request.user)
        if informant is None:
            return Response({})
        return Response({"name": informant.name, "phone": informant.phone, "email": informant.email,
                         "address": informant.address})


def _case_open_data(validated) -> dict:
    data = dict(validated)
    target = data.pop("jurisdiction_authority", None)
    data["jurisdiction_authority"] = get_object_or_404(Authority, pk=target) if target else None
    return data


# --- cases -------------------------------------------------------------------------------------
class CaseViewSet(ActionPermissionsMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    queryset = Case.objects.select_related("authority")
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    # the object must be visible; each service checks the step's own permission
    action_permissions = {name: ("crackdown.view_case",)
                          for name in ("transition", "referrals", "referral_result", "confiscations", "clock")}

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CaseDetailSerializer
        if self.action == "create":
            return s.CaseOpenSerializer
        if self.action in ("update", "partial_update"):
            return s.CaseUpdateSerializer
        return s.CaseSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor", "events__requested_by")
        return qs

    @extend_schema(request=s.CaseOpenSerializer, responses=s.CaseSerializer)
    def create(self, request):
        payload = s.CaseOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _case_open_data(payload.validated_data)
        if not data.get("org_name"):
            raise ValidationError({"org_name": "请填写组织名称。"})
        case = services.case_create(actor=request.user, **data)
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseUpdateSerializer, responses=s.CaseSerializer)
    def partial_update(self, request, pk=None):
        case = self.get_object()
        payload = s.CaseUpdateSerializer(case, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "version" not in data:
            raise ValidationError({"version": "请提交读取时的版本号（version），以免覆盖他人的修改。"})
        case = services.case_update(case=case, actor=request.user, expected_version=data.pop("version"), **data)
        return Response(s.CaseSerializer(case).data)

    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @extend_schema(request=s.CaseTransitionSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        payload = s.CaseTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.service_kwargs()
        case = services.case_transition(case=self.get_object(), actor=request.user, **data)  # stale: 409
        return Response(s.CaseDetailSerializer(case).data)

    @extend_schema(request=s.ReferralSerializer, responses={201: s.ReferralSerializer})
    @action(detail=True, methods=["post"])
    def referrals(self, request, pk=None):
        """移送: a referral beside the decision, on any case."""
        payload = s.ReferralSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        referral = services.referral_add(case=self.get_object(), actor=request.user, **payload.validated_data)
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReferralResultSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="referral-result")
    def referral_result(self, request, pk=None):
        """The department's feedback on one of this case's referrals (破获案件, 抓获犯罪嫌疑人)."""
        case = self.get_object()
        payload = s.ReferralResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        referral = get_object_or_404(case.referrals.all(), pk=data.pop("referral"))
        referral = services.referral_result(referral=referral, actor=request.user, **data)
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=s.ConfiscationSerializer, responses=s.ConfiscationSerializer)
    @action(detail=True, methods=["post"])
    def confiscations(self, request, pk=None):
        """没收非法财产 of a case with a 取缔 decision."""
        payload = s.ConfiscationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.confiscation_add(case=self.get_object(), actor=request.user, **payload.validated_data)
        return Response(s.ConfiscationSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ClockSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def clock(self, request, pk=None):
        """The case clock: ask for an extension, approve it (another person), suspend, resume."""
        payload = s.ClockSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = self.get_object()
        services.case_clock(case=case, actor=request.user, action=data["action"], reason=data["reason"],
                            new_deadline=data["new_deadline"], on=data["on"])
        return Response(s.CaseSerializer(Case.objects.get(pk=case.pk)).data)


# --- check batches -----------------------------------------------------------------------------
class CheckBatchViewSet(ActionPermissionsMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = CheckBatch.objects.select_related("authority").order_by("-checked_on", "-id")
    serializer_class = s.CheckBatchSerializer
    filterset_class = CheckBatchFilterSet
    action_permissions = {"leads": ("crackdown.view_checkbatch", "crackdown.change_checkbatch")}

    def perform_create(self, serializer):
        data = serializer.validated_data
        batch = services.check_batch_create(actor=self.request.user, number=data["number"],
                                            checked_on=data["checked_on"], note=data.get("note", ""))
        serializer.instance = batch

    @extend_schema(request=s.NumbersSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def leads(self, request, pk=None):
        batch = self.get_object()
        payload = s.NumbersSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        numbers = payload.validated_data["numbers"]
        leads = list(Lead.objects.restrict(request.user, "change").filter(number__in=numbers))
        missing = sorted(set(numbers) - {lead.number for lead in leads})
        if missing:
            raise ValidationError({"numbers": f"未找到以下线索（或不在您的管辖范围内）：{'、'.join(missing)}"})
        count = services.check_batch_add_leads(batch=batch, actor=request.user, leads=leads)
        return Response({"added": count})


# --- lists -------------------------------------------------------------------------------------
class ListBatchViewSet(ActionPermissionsMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = ListBatch.objects.select_related("authority").prefetch_related("entries__province") \
        .order_by("-published_on", "-id")
    serializer_class = s.ListBatchSerializer
    filterset_class = ListBatchFilterSet
    action_permissions = {"publish": ("crackdown.view_listbatch",),
                          "entries": ("crackdown.view_listbatch", "crackdown.change_listbatch")}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.list_batch_create(actor=self.request.user, kind=data["kind"],
                                                         number=data["number"], note=data.get("note", ""))

    @extend_schema(request=s.PublishSerializer, responses=s.ListBatchSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        payload = s.PublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        batch = services.list_publish(batch=self.get_object(), actor=request.user,
                                      published_on=payload.validated_data["published_on"])
        return Response(s.ListBatchSerializer(batch).data)

    @extend_schema(request=s.ListEntryAddSerializer, responses=s.ListEntrySerializer)
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        batch = self.get_object()
        payload = s.ListEntryAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        number = payload.validated_data["number"]
        case = Case.objects.restrict(request.user, "view").filter(number=number).first()
        lead = Lead.objects.restrict(request.user, "view").filter(number=number).first() if case is None else None
        if case is None and lead is None:
            raise ValidationError({"number": f"未找到编号为 {number} 的线索或案件。"})
        entry = services.list_entry_add(batch=batch, actor=request.user, case=case,
                                        lead=lead or (case.lead if case else None),
                                        name=payload.validated_data["name"])
        return Response(s.ListEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class ListEntryViewSet(ActionPermissionsMixin, ScopedReadOnlyViewSet):
    queryset = ListEntry.objects.select_related("batch", "province").order_by("batch_id", "id")
    serializer_class = s.ListEntrySerializer
    action_permissions = {"withdraw": ("crackdown.view_listentry",)}

    @extend_schema(request=s.WithdrawSerializer, responses=s.ListEntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        payload = s.WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.list_entry_withdraw(entry=self.get_object(), actor=request.user,
                                             reason=payload.validated_data["reason"])
        return Response(s.ListEntrySerializer(entry).data)


# --- statistics ----------------------------------------------------------------------------------
class StatisticsView(APIView):
    """The statistics table: ``?date_from=&date_to=&province=<code>`` (the ministry may pick a province)."""

    permission_classes = [has_perms("crackdown.view_statistics")]

    @extend_schema(parameters=[s.StatisticsQuerySerializer], responses={200: dict})
    def get(self, request):
        query = s.StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        province = None
        if data["province"]:
            if not request.user.is_ministry and data["province"] != request.user.province.code:
                raise PermissionDenied("只能统计本省的数据。")
            province = get_object_or_404(Authority, code=data["province"], level="province")
        stats = crackdown_statistics(user=request.user, date_from=data["date_from"], date_to=data["date_to"],
                                     province=province)
        return Response({
            "date_from": stats.date_from, "date_to": stats.date_to,
            "columns": [{"key": key, "label": label} for key, label in stats.columns],
            "rows": [{"code": r.code, "name": r.name, **{k: r.values.get(k, 0) for k, _ in stats.columns}}
                     for r in stats.rows],
            "total": ({"name": stats.total.name, **stats.total.values} if stats.total else None),
        })


# --- public (no login) ---------------------------------------------------------------------------
class PublicEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The published lists (entries not withdrawn), public fields only."""

    queryset = public_entries()  # re-evaluated per request (DRF calls .all())
    serializer_class = s.PublicEntrySerializer
    filterset_class = PublicEntryFilterSet
    permission_classes = [AllowAny]
    authentication_classes = []


class PublicReportView(APIView):
    """举报: creates a lead in the province resolved from the place; answers the receipt number."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=s.PublicReportSerializer, responses={201: dict})
    def post(self, request):
        if report_refused(request):  # one budget with the page, per address and per session (audited)
            return Response({"detail": RATE_LIMITED_MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        payload = s.PublicReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with transaction.atomic():
            lead = services.public_report_create(
                org_name=data["org_name"], place=data["place"], description=data["description"],
                informant={"name": data["name"], "phone": data["phone"], "email": data["email"]},
                ip=client_ip(request),
            )
        return Response({"receipt_number": lead.receipt_number, "status": PublicStatus(lead.public_status).label},
                        status=status.HTTP_201_CREATED)


@per_client(rate=status_rate, method="GET")
class PublicStatusView(APIView):
    """Status by receipt number: 已受理 / 核查中 / 已办结, nothing more."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: dict})
    def get(self, request, receipt):
        if limited(request):
            return Response({"detail": "查询过于频繁，请稍后再试。"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        lead = Lead.objects.filter(receipt_number=receipt.strip().upper()).select_related("case").first()
        if lead is None:
            return Response({"detail": "未找到该回执号。"}, status=status.HTTP_404_NOT_FOUND)
        return Response({"receipt_number": lead.receipt_number, "status": PublicStatus(lead.public_status).label})
