"""API of 援藏援疆: the same filtersets, scoping and services as the pages."""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aid_projects import services
from aid_projects.api.serializers import (
    AidItemSerializer,
    AidListOpenSerializer,
    AidListSerializer,
    CampaignSerializer,
    CommitSerializer,
    DecisionSerializer,
    LiaisonSerializer,
    ListVersionSerializer,
    MatchSerializer,
    MatchTransitionSerializer,
    PairingSerializer,
    SuggestionSerializer,
    UploadCreateSerializer,
    UploadSerializer,
)
from aid_projects.choices import ListKind
from aid_projects.filtersets import (
    AidItemFilterSet,
    AidListFilterSet,
    CampaignFilterSet,
    LiaisonFilterSet,
    MatchFilterSet,
    PairingFilterSet,
)
from aid_projects.jobs import ATTACHMENT, NATIONAL_KINDS, PAIRED_NEEDS
from aid_projects.models import AidItem, AidList, Campaign, Liaison, ListVersion, Match, Pairing, Upload
from aid_projects.selectors import suggest_supplies
from portal.api.permissions import ActionPermissionsMixin, has_perms
from portal.api.serializers import JobSerializer
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet


class PairingViewSet(ScopedModelViewSet):
    queryset = Pairing.objects.select_related("aiding_authority", "recipient_province", "recipient_area") \
        .prefetch_related("recipient_counties")
    serializer_class = PairingSerializer
    filterset_class = PairingFilterSet

    # a row written through the API is the ministry's, as in the browser: a reload of the table leaves it alone
    def perform_create(self, serializer):
        serializer.validated_data.update(edited_by=self.request.user, edited_at=timezone.now())
        super().perform_create(serializer)

    def perform_update(self, serializer):
        serializer.validated_data.update(edited_by=self.request.user, edited_at=timezone.now())
        super().perform_update(serializer)


class CampaignViewSet(ScopedModelViewSet):
    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class AidListViewSet(ActionPermissionsMixin, ScopedReadOnlyViewSet):
    """Lists (附件1–3).  POST opens the user's province's list; submit/accept/return/upload are steps."""

    queryset = AidList.objects.select_related("campaign", "authority")
    serializer_class = AidListSerializer
    filterset_class = AidListFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    action_permissions = {"create": ("aid_projects.add_aidlist",), "submit": ("aid_projects.submit_aidlist",),
                          "accept": ("aid_projects.decide_aidlist",), "return_list": ("aid_projects.decide_aidlist",),
                          "upload": ("aid_projects.add_upload",)}

    def scope_action(self):
        if self.action in ("submit", "upload"):
            return "change"  # only the filing province's own lists
        return super().scope_action()

    @extend_schema(request=AidListOpenSerializer, responses=AidListSerializer)
    def create(self, request):
        payload = AidListOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        aid_list = services.aid_list_open(campaign=payload.validated_data["campaign"],
                                          authority=request.user.authority, kind=payload.validated_data["kind"],
                                          user=request.user)
        return Response(AidListSerializer(aid_list).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: ListVersionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        version = services.list_submit(aid_list=self.get_object(), user=request.user)
        return Response(ListVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=AidListSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._decide(request, accept=True)

    @extend_schema(request=DecisionSerializer, responses=AidListSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_list(self, request, pk=None):
        return self._decide(request, accept=False)

    def _decide(self, request, *, accept: bool):
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        aid_list = services.list_decide(aid_list=self.get_object(), user=request.user, accept=accept,
                                        comment=payload.validated_data.get("comment", ""))
        return Response(AidListSerializer(aid_list).data)

    @extend_schema(request=UploadCreateSerializer, responses=UploadSerializer)
    @action(detail=True, methods=["post"])
    def upload(self, request, pk=None):
        """Upload an .xlsx: answers the preview (every row with its errors); commit it with /uploads/<id>/commit/."""
        aid_list = self.get_object()
        payload = UploadCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        f = payload.validated_data["file"]
        upload = services.upload_preview(aid_list=aid_list, fileobj=f, filename=f.name, size=f.size,
                                         user=request.user, replace=payload.validated_data["replace"])
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)


class UploadViewSet(ActionPermissionsMixin, ScopedReadOnlyViewSet):
    queryset = Upload.objects.select_related("aid_list__authority", "aid_list__campaign")
    serializer_class = UploadSerializer
    action_permissions = {"commit": ("aid_projects.add_upload",), "discard": ("aid_projects.add_upload",)}

    @extend_schema(request=CommitSerializer, responses=UploadSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        payload = CommitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = self.get_object()
        services.upload_commit(upload=upload, user=request.user,
                               confirm_warnings=payload.validated_data["confirm_warnings"])
        upload.refresh_from_db()
        return Response(UploadSerializer(upload).data)

    @extend_schema(request=None, responses=UploadSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        upload = self.get_object()
        services.upload_discard(upload=upload, user=request.user)
        upload.refresh_from_db()
        return Response(UploadSerializer(upload).data)


class AidItemViewSet(ScopedModelViewSet):
    """Need and supply rows.  Need rows of paired recipients are readable by the aiding province."""

    queryset = AidItem.objects.select_related("aid_list__authority", "aid_list__campaign", "place__parent__parent")
    serializer_class = AidItemSerializer
    filterset_class = AidItemFilterSet

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if "aid_list" in fields:
            fields["aid_list"].queryset = AidList.objects.restrict(self.request.user, "change")
        return serializer

    # writes go through the table form's services: the same list lock and checks, numbering and audit rows
    def perform_create(self, serializer):
        self._item_save(serializer, aid_list=serializer.validated_data["aid_list"])

    def perform_update(self, serializer):
        self._item_save(serializer, aid_list=serializer.validated_data.get("aid_list", serializer.instance.aid_list),
                        item=serializer.instance)

    def _item_save(self, serializer, *, aid_list, item=None):
        with transaction.atomic():
            serializer.instance = services.item_save(aid_list=aid_list, item=item, values=serializer.item_values(),
                                                     user=self.request.user)
            self._check_scope(serializer.instance)

    def perform_destroy(self, instance):
        services.item_delete(item=instance, user=self.request.user)

    @extend_schema(responses=SuggestionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, pk=None):
        """Supply items that could meet this need, best first (for staff to confirm; nothing is automatic)."""
        need = self.get_object()
        if need.aid_list.kind != ListKind.NEED:
            # a supply item has no suggestions resource: 404, as for any address that names nothing
            return Response({"detail": "只有需求项目有对接建议"}, status=status.HTTP_404_NOT_FOUND)
        return Response(SuggestionSerializer(suggest_supplies(need, request.user), many=True).data)


class LiaisonViewSet(ScopedModelViewSet):
    queryset = Liaison.objects.select_related("campaign", "authority__parent__parent")
    serializer_class = LiaisonSerializer
    filterset_class = LiaisonFilterSet

    def perform_destroy(self, instance):
        services.liaison_list_editable(instance.campaign, instance.authority)
        super().perform_destroy(instance)


class ListVersionViewSet(ScopedReadOnlyViewSet):
    """Submitted versions (报送记录), each frozen with its rows and workbook."""

    queryset = ListVersion.objects.select_related("aid_list__authority")
    serializer_class = ListVersionSerializer


class MatchViewSet(ActionPermissionsMixin, ScopedReadOnlyViewSet):
    """对接.  POST proposes (the aiding side); POST …/<id>/transition/ answers or advances it."""

    queryset = Match.objects.select_related("need__aid_list__authority", "supply__aid_list__authority")
    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet
    action_permissions = {"create": ("aid_projects.add_match",), "transition": ("aid_projects.change_match",)}

    def create(self, request):
        serializer = MatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visible = AidItem.objects.restrict(request.user, "view")
        need = visible.filter(pk=serializer.validated_data["need"].pk).first()
        supply = visible.filter(pk=serializer.validated_data["supply"].pk).first()
        if need is None or supply is None:
            return Response({"detail": "需求或供给项目不存在或不在您的范围内"}, status=status.HTTP_404_NOT_FOUND)
        match = services.match_propose(need=need, supply=supply, user=request.user,
                                       amount=serializer.validated_data.get("amount"),
                                       note=serializer.validated_data.get("note", ""))
        return Response(MatchSerializer(match).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MatchTransitionSerializer, responses=MatchSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        payload = MatchTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        match = services.match_transition(match=self.get_object(), to_status=data["to_status"], user=request.user,
                                          note=data.get("note", ""), amount=data.get("amount"),
                                          spent=data.get("spent"))
        return Response(MatchSerializer(match).data)




class SummaryStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[ATTACHMENT, *NATIONAL_KINDS, PAIRED_NEEDS], label="汇总类型")
    campaign = serializers.IntegerField(required=False, label="对接年度（全国汇总、结对需求）")
    list = serializers.IntegerField(required=False, label="清单（本省附件）")


class SummaryViewSet(viewsets.ViewSet):
    """POST starts an Excel summary job (the same rules as the 汇总下载 page); follow it at /api/jobs/<id>/."""

    permission_classes = [IsAuthenticated, has_perms("portal.add_job")]

    @extend_schema(request=SummaryStartSerializer, responses=JobSerializer)
    def create(self, request):
        payload = SummaryStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            job, started = services.summary_start(user=request.user, kind=data["kind"],
                                                  campaign_id=data.get("campaign"), list_id=data.get("list"))
        except services.SummaryNotFound as exc:
            return Response({"detail": exc.message}, status=status.HTTP_404_NOT_FOUND)
        except services.SummaryNotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED if started else status.HTTP_200_OK)
