"""The 全国先进社会组织 round through the API (issue 10, points 6 and 9).

The same services as the pages (``registry.commendation``): a round is opened by ``round_open``, a
nominee by ``nominate`` (criteria and quota), a step by ``nomination_advance`` (the one step table);
a refusal is an ``ApplicationError`` (400, Chinese ``detail``, ``portal.api.exceptions``).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.permissions import ActionPermissionsMixin
from portal.api.serializers import JobSerializer
from portal.api.viewsets import ScopedViewSetMixin
from portal.page_cache import KeptListMixin
from registry import commendation
from registry.api.pagination import KeysetPagination
from registry.choices import Criterion, NominationStage
from registry.filtersets import NominationFilterSet, RoundVerdictFilterSet
from registry.models import CommendationRound, Nomination, NominationStep, Organization, RoundVerdict

MAX_INT = 2147483647


class RoundQuotaSerializer(serializers.Serializer):
    province = serializers.CharField(source="authority.code", read_only=True)
    province_name = serializers.CharField(source="authority.name", read_only=True)
    quota = serializers.IntegerField(read_only=True)


class RoundSerializer(serializers.ModelSerializer):
    quotas = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_INT), write_only=True,
        help_text="分省名额：省级区划代码 → 名额，如 {\"330000\": 6}")
    province_quotas = RoundQuotaSerializer(source="quotas.all", many=True, read_only=True)

    class Meta:
        model = CommendationRound
        fields = ["id", "title", "reference_date", "since_year", "local_quota", "ministry_quota", "closes_on",
                  "created", "quotas", "province_quotas"]
        extra_kwargs = {"since_year": {"min_value": 1988, "max_value": 2100}}

    def validate_quotas(self, value):
        bad = [code for code in value if not (len(code) == 6 and code.isascii() and code.isdigit())]
        if bad:
            raise serializers.ValidationError("分省名额应为“六位区划代码: 名额”，如 {\"330000\": 6}。")
        return value


class NominationStepSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = NominationStep
        fields = ["id", "stage", "stage_label", "opinion", "starts_on", "ends_on", "objections",
                  "objection_outcome", "at"]


class NominationSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=CommendationRound.objects.all())
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    next_stages = serializers.SerializerMethodField()
    steps = NominationStepSerializer(many=True, read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "round", "organization", "organization_name", "authority", "authority_name", "reason",
                  "preferred", "stage", "stage_label", "next_stages", "created", "steps"]
        read_only_fields = ["authority", "preferred", "stage", "created"]

    def get_next_stages(self, obj) -> list[str]:
        """The stages this nominee may go to next (the step table of ``registry.commendation.STEPS``)."""
        return [str(stage) for stage in commendation.STEPS.get(obj.stage, {})]


class StepRequestSerializer(serializers.Serializer):
    """One step: the same fields as the page's form (``NominationStepForm``)."""

    to_stage = serializers.ChoiceField(choices=NominationStage.choices)
    opinion = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    objections = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    objection_outcome = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    credit_code = serializers.CharField(source="organization.credit_code")
    eligible = serializers.BooleanField()
    preferred = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.CharField(), help_text="未符合的硬性条件（中文）")


class RoundVerdictSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    criteria = serializers.ListField(child=serializers.ChoiceField(choices=Criterion.choices), read_only=True,
                                     help_text="未符合的硬性条件（代码）")
    failures = serializers.ListField(child=serializers.CharField(), read_only=True,
                                     help_text="未符合的硬性条件（中文，含日期、文号）")

    class Meta:
        model = RoundVerdict
        fields = ["id", "round", "organization", "name", "credit_code", "authority", "authority_name",
                  "province_code", "eligible", "preferred", "criteria", "failures", "computed_at"]
        read_only_fields = fields


class JobStartedSerializer(JobSerializer):
    """A job just started (202): the job as ``/api/jobs/`` shows it, and its address there."""

    url = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("api-job-detail", args=[obj.pk])


def job_accepted(job) -> Response:
    data = JobStartedSerializer(job).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class ReadCreateViewSet(KeptListMixin, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """List, retrieve and create (through a service, which audits): rounds and nominees keep their rows."""


class RoundViewSet(ActionPermissionsMixin, ReadCreateViewSet):
    """评选: read by every authority; opened by the ministry only (``registry.add_commendationround``)."""

    queryset = CommendationRound.objects.prefetch_related("quotas__authority").order_by("-reference_date", "-id")
    serializer_class = RoundSerializer
    action_permissions = {
        "candidates": ("registry.view_commendationround", "registry.add_nomination"),
        "recompute": ("registry.view_commendationround", "registry.recompute_roundverdict", "portal.add_job"),
        # the national list is the ministry's (a province forwards; the page's 导出 gives it its own)
        "export": ("registry.view_nomination", "registry.export_nationallist", "portal.add_job"),
    }

    def perform_create(self, serializer):
        serializer.instance = commendation.round_open(actor=self.request.user, **serializer.validated_data)

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def candidates(self, request, pk=None):
        """The organizations the caller's authority may nominate, each with its verdict: eligible (4A and above
        preferred) or excluded with every failed criterion, as of the round's date."""
        round_ = self.get_object()
        orgs = commendation.candidates(round_, request.user).order_by("name", "id")
        page = self.paginate_queryset(orgs)
        verdicts = commendation.eligibility(round_, page)
        return self.get_paginated_response(CandidateSerializer(verdicts, many=True).data)

    @extend_schema(request=None, responses={202: JobStartedSerializer})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """重新核算: start the job that judges the caller's part of the register (the ministry: all of it; a province:
        its own) on the round's hard criteria and stores each verdict (``/api/registry/verdicts/``).  202 with the
        job; a computation of the same part still running is answered with that job."""
        job = commendation.verdicts_recompute(actor=request.user, round_=self.get_object())
        return job_accepted(job)

    @extend_schema(request=None, responses={202: JobStartedSerializer})
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        """The national list (the nominees forwarded by the provinces, and the ministry's own) as a workbook: the
        job the page's 导出 starts, 202 with its address; the file is the job's ``download_url`` once it is done."""
        job = commendation.national_list_export(actor=request.user, round_=self.get_object())
        return job_accepted(job)


class NominationViewSet(ActionPermissionsMixin, ReadCreateViewSet):
    """推荐对象: a province sees and moves its own (another's: 404), the ministry all."""

    queryset = (Nomination.objects.select_related("organization", "authority").prefetch_related("steps")
                .order_by("round", "authority__code", "organization__name", "id"))
    serializer_class = NominationSerializer
    filterset_class = NominationFilterSet
    action_permissions = {"step": ("registry.change_nomination",)}

    def scope_action(self):
        if self.action == "step":
            return "change"  # another authority's nominee: 404
        return super().scope_action()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = commendation.nominate(actor=self.request.user, round_=data["round"],
                                                    organization=data["organization"], reason=data["reason"])

    @extend_schema(request=StepRequestSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """初审、复审、三次公示（起止日期与异议）、报送民政部，或不予通过、撤回推荐 — the page's step table."""
        nomination = self.get_object()
        serializer = StepRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nomination = commendation.nomination_advance(actor=request.user, nomination=nomination,
                                                     **serializer.validated_data)
        nomination = self.get_queryset().get(pk=nomination.pk)
        return Response(NominationSerializer(nomination).data, status=status.HTTP_200_OK)


class RoundVerdictViewSet(KeptListMixin, ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """评选条件核算结果: each organization's stored verdict in a round (``?round=``; without it the latest round),
    filtered like the page; a province sees its own organizations', the ministry all.  Keyset pages
    (``?cursor=``) by name."""

    queryset = RoundVerdict.objects.select_related("authority")
    serializer_class = RoundVerdictSerializer
    filterset_class = RoundVerdictFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.query_params.get("round"):  # one round's list at a time (its (round, name) index)
            latest = CommendationRound.objects.order_by("-reference_date", "-id").values_list("pk", flat=True).first()
            queryset = queryset.filter(round_id=latest)
        return queryset
