"""Pages of 援藏援疆.  Every read goes through ``restrict``; every write through a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin
from django_tables2 import RequestConfig

from aid_projects import services
from aid_projects.choices import Confidence, ListKind, ListStatus, MatchStatus
from aid_projects.filtersets import (
    AidListFilterSet,
    CampaignFilterSet,
    LiaisonFilterSet,
    MatchFilterSet,
    NeedFilterSet,
    PairingFilterSet,
)
from aid_projects.forms import (
    AidItemFormSet,
    CampaignForm,
    CommitForm,
    DecisionForm,
    LiaisonForm,
    MatchProposeForm,
    MatchTransitionForm,
    PairingForm,
    StampedScanForm,
    UploadForm,
)
from aid_projects.models import AidItem, AidList, Campaign, Liaison, ListVersion, Match, Pairing, Upload
from aid_projects.selectors import (
    campaign_progress,
    kind_allowed,
    list_actions,
    lock_reason,
    match_steps,
    may_propose,
    own_supplies,
    pending_uploads,
    previous_campaign,
    set_match_status,
    suggest_supplies,
    upload_can_commit,
    upload_confirmations,
    with_match_status,
)
from aid_projects.sheets import SPECS
from aid_projects.tables import (
    AidListTable,
    CampaignTable,
    ItemTable,
    LiaisonTable,
    MatchTable,
    NeedTable,
    PairingTable,
)
from aid_projects.validation import AMOUNT_WARNING_ABOVE, CATEGORIES
from portal.gazetteer import full_names
from portal.scoping import within_q
from portal.views.downloads import ScopedFileDownloadView
from portal.views.generic import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from portal.views.service import ServiceFormMixin, ServiceMixin

PAIRING_QS = Pairing.objects.select_related("aiding_authority", "recipient_province", "recipient_area",
                                            "edited_by")
LIST_QS = AidList.objects.select_related("campaign", "authority", "submitted_by", "decided_by")
ITEM_QS = AidItem.objects.select_related("aid_list__authority", "aid_list__campaign", "place__parent__parent")
MATCH_QS = Match.objects.select_related("need__aid_list__authority", "need__place", "supply__aid_list__authority",
                                        "supply__place", "proposed_by", "decided_by")
# The list pages select only what their tables' cells read (issue 17): each column, each joined row and each
# model built costs CPU on every page; the users who submitted, proposed or decided are not shown there.
LIST_LIST_QS = AidList.objects.select_related("campaign", "authority").only(*AidListTable.record_fields)
NEED_LIST_QS = AidItem.objects.select_related("aid_list__authority", "aid_list__campaign") \
    .filter(aid_list__kind=ListKind.NEED).only(*NeedTable.record_fields)
MATCH_LIST_QS = Match.objects.select_related("need__aid_list__authority", "need__place",
                                             "supply__aid_list__authority").only(*MatchTable.record_fields)


# --- pairing (foundation) -------------------------------------------------------------------------
class PairingListView(ScopedListView):
    model = Pairing
    queryset = PAIRING_QS
    filterset_class = PairingFilterSet
    table_class = PairingTable
    title = "对口支援关系"
    create_url_name = "aid_projects:pairing-create"
    template_name = "aid_projects/pairing_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["low_count"] = Pairing.objects.restrict(self.request.user, "view").current().filter(
            confidence=Confidence.LOW).count()
        return context


class PairingEditMixin:
    """A row saved in the browser is the ministry's: a reload of the table reports it instead of overwriting it."""

    def form_valid(self, form):
        form.instance.edited_by, form.instance.edited_at = self.request.user, timezone.now()
        return super().form_valid(form)


class PairingCreateView(PairingEditMixin, ScopedCreateView):
    model = Pairing
    form_class = PairingForm
    success_url = reverse_lazy("aid_projects:pairing-list")


class PairingUpdateView(PairingEditMixin, ScopedUpdateView):
    model = Pairing
    queryset = PAIRING_QS
    form_class = PairingForm
    success_url = reverse_lazy("aid_projects:pairing-list")


# --- campaigns ------------------------------------------------------------------------------------
class CampaignListView(ScopedListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    table_class = CampaignTable
    title = "援藏援疆对接年度"
    create_url_name = "aid_projects:campaign-create"


class CampaignCreateView(ScopedCreateView):
    model = Campaign
    form_class = CampaignForm

    def get_success_url(self):
        return reverse("aid_projects:campaign-detail", args=[self.object.pk])


class CampaignUpdateView(ScopedUpdateView):
    model = Campaign
    form_class = CampaignForm

    def get_success_url(self):
        return reverse("aid_projects:campaign-detail", args=[self.object.pk])


class CampaignDetailView(ScopedDetailView):
    """The campaign at a glance: deadlines, time left, every province's lists, late ones flagged."""

    model = Campaign
    template_name = "aid_projects/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = self.object
        progress = campaign_progress(campaign, user)
        context["progress"] = progress
        context["late_count"] = sum(1 for p in progress if p.is_late and (
            p.aid_list is None or p.aid_list.status in (ListStatus.DRAFT, ListStatus.RETURNED)))
        today = timezone.localdate()
        context["deadlines"] = [(SPECS[k], campaign.due_for(k), (campaign.due_for(k) - today).days)
                                for k in (ListKind.LIAISON, ListKind.NEED, ListKind.SUPPLY)]
        own = []
        if user.province is not None and not user.is_ministry and user.has_perm("aid_projects.add_aidlist"):
            for kind in (ListKind.LIAISON, ListKind.NEED, ListKind.SUPPLY):
                if not kind_allowed(user.authority, kind):
                    own.append(SPECS[kind])
        context["own_kinds"] = own
        return context


class ListOpenView(ServiceMixin, ScopedMixin, SingleObjectMixin, View):
    """POST: open (create on first use) the user's province's list of a kind in this campaign."""

    model = Campaign
    permission_required = ("aid_projects.add_aidlist",)

    def post(self, request, pk, kind):
        campaign = self.get_object()
        if kind not in ListKind.values:
            raise Http404
        aid_list = services.aid_list_open(campaign=campaign, authority=request.user.authority, kind=kind,
                                          user=request.user)
        return redirect("aid_projects:list-detail", pk=aid_list.pk)

    def get_refused_url(self):
        return reverse("aid_projects:campaign-detail", args=[self.kwargs["pk"]])


# --- lists ----------------------------------------------------------------------------------------
class AidListListView(ScopedListView):
    model = AidList
    queryset = LIST_LIST_QS
    filterset_class = AidListFilterSet
    table_class = AidListTable
    title = "填报清单"


class AidListDetailView(ScopedDetailView):
    model = AidList
    queryset = LIST_QS
    template_name = "aid_projects/aidlist_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        aid_list, user = self.object, self.request.user
        actions = list_actions(aid_list, user)
        context["spec"] = SPECS[aid_list.kind]
        context["can_edit"], context["can_submit"] = actions.can_edit, actions.can_submit
        context["can_decide"] = actions.can_decide
        context["lock_reason"] = lock_reason(aid_list)
        context["versions"] = aid_list.versions.restrict(user, "view").select_related("submitted_by", "decided_by")
        context["pending_uploads"] = pending_uploads(aid_list, user)
        if aid_list.kind == ListKind.LIAISON:
            context["liaisons"] = Liaison.objects.restrict(user, "view").filter(
                within_q("authority", aid_list.authority), campaign=aid_list.campaign,
            ).select_related("authority__parent__parent")
            context["scan_form"] = StampedScanForm()
            context["previous_campaign"] = previous_campaign(aid_list.campaign)
        else:
            # an aiding province reads a paired recipient's rows in its paired prefectures only
            items = AidItem.objects.restrict(user, "view").filter(aid_list=aid_list)
            table = ItemTable(items.order_by("seq", "id"))
            RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
            context["table"] = table
            totals = items.aggregate(total=Sum("amount"), n=Count("id"))
            context["total_amount"], context["item_count"] = totals["total"] or 0, totals["n"]
            context["paired_view"] = actions.paired_view
        context["decision_form"] = DecisionForm()
        return context


class ListActionView(ServiceMixin, ScopedMixin, SingleObjectMixin, View):
    """Base of the POST-only steps on a list; a broken rule comes back as a message, nothing changed."""

    model = AidList
    queryset = LIST_QS
    action = "change"

    def post(self, request, pk):
        self.object = self.get_object()
        self.act(request)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("aid_projects:list-detail", args=[self.kwargs["pk"]])


class ListSubmitView(ListActionView):
    permission_required = ("aid_projects.submit_aidlist",)

    def act(self, request):
        version = services.list_submit(aid_list=self.object, user=request.user)
        messages.success(request, f"已报送第{version.number}版，等待部里审核。")


class ListDecideView(ListActionView):
    permission_required = ("aid_projects.decide_aidlist",)
    action = "view"

    def act(self, request):
        form = DecisionForm(request.POST)
        form.is_valid()
        accept = request.POST.get("decision") == "accept"
        services.list_decide(aid_list=self.object, user=request.user, accept=accept,
                             comment=form.cleaned_data.get("comment", ""))
        messages.success(request, "已接收该清单。" if accept else "已退回该清单，填报单位修改后可重新报送。")


class LiaisonsCopyView(ListActionView):
    """复制上年度联络员 into this year's draft 附件1."""

    permission_required = ("aid_projects.add_liaison",)

    def act(self, request):
        copied = services.liaisons_copy_previous(aid_list=self.object, user=request.user)
        messages.success(request, f"已复制上年度联络员 {copied} 名，请逐一核对电话和单位后报送。")


class StampedScanView(ListActionView):
    """Attach the stamped scan of attachment 1 (PDF or image)."""

    permission_required = ("aid_projects.change_aidlist",)

    def act(self, request):
        services.stamped_scan_attach(aid_list=self.object, scan=request.FILES.get("stamped_scan"),
                                     user=request.user)
        messages.success(request, "盖章扫描件已上传。")


class StampedScanDownloadView(ScopedFileDownloadView):
    model = AidList
    file_field = "stamped_scan"

    def get_filename(self, aid_list, file) -> str:
        return f"{aid_list.authority.name}附件1盖章件{file.name[-4:]}"


class VersionDownloadView(ScopedFileDownloadView):
    """A submitted version's workbook, as it was sent (a liaison table, personal data, with a line
    naming who downloaded it and when, and audited as an export)."""

    model = ListVersion
    queryset = ListVersion.objects.select_related("aid_list__authority")

    def get_filename(self, version, file) -> str:
        spec = SPECS[version.aid_list.kind]
        return f"{version.aid_list.authority.name}{spec.attachment}第{version.number}版.xlsx"

    def carries_personal_data(self, version) -> bool:
        return version.aid_list.kind == ListKind.LIAISON


class ItemsEditView(ServiceFormMixin, ScopedMixin, SingleObjectMixin, FormView):
    """The table form: every row of the list, add and remove rows, the same checks as an upload."""

    model = AidList
    queryset = LIST_QS
    action = "change"
    template_name = "aid_projects/items_form.html"
    refusal_as_message = True
    success_message = "清单已保存。"

    def get_object(self, queryset=None):
        aid_list = super().get_object(queryset)
        if aid_list.kind == ListKind.LIAISON:
            raise Http404
        return aid_list

    # beyond this many rows the table form is unwieldy: such lists are edited in Excel and re-uploaded
    MAX_FORM_ROWS = 500

    def refusal(self):
        if not self.object.is_editable:
            return f"清单当前为“{self.object.get_status_display()}”，不能修改"
        if self.object.items.count() > self.MAX_FORM_ROWS:
            return (f"清单超过 {self.MAX_FORM_ROWS} 行，请在 Excel 中修改后以“替换已有项目”方式上传")
        return ""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if refusal := self.refusal():
            messages.error(request, refusal)
            return redirect("aid_projects:list-detail", pk=self.object.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if refusal := self.refusal():
            messages.error(request, refusal)
            return redirect("aid_projects:list-detail", pk=self.object.pk)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        kwargs = {"queryset": self.object.items.order_by("seq", "id"), "prefix": "items",
                  "form_kwargs": {"aid_list": self.object}}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST)
        return AidItemFormSet(**kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formset"] = context.pop("form")
        context["spec"] = SPECS[self.object.kind]
        context["aid_list"] = self.object
        context["categories"], context["amount_limit"] = CATEGORIES, AMOUNT_WARNING_ABOVE
        return context

    def perform(self, formset):
        entries, deleted = [], []
        for form in formset.forms:
            if formset.can_delete and formset._should_delete_form(form):
                if form.instance.pk:
                    deleted.append(form.instance)
                continue
            if not form.has_changed():
                continue
            entries.append({"instance": form.instance if form.instance.pk else None, "values": form.item_values()})
        services.items_save(aid_list=self.object, forms_data=entries, deleted=deleted, user=self.request.user)

    def get_success_url(self):
        return reverse("aid_projects:list-detail", args=[self.object.pk])


class UploadView(ServiceFormMixin, ScopedMixin, SingleObjectMixin, FormView):
    """Step 1: choose the file.  It is checked and read into a preview; nothing is added yet."""

    model = AidList
    queryset = LIST_QS
    action = "change"
    permission_required = ("aid_projects.add_upload",)
    form_class = UploadForm
    template_name = "aid_projects/upload_form.html"
    error_field = "file"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_editable:
            messages.error(request, lock_reason(self.object) or
                           f"清单当前为“{self.object.get_status_display()}”，不能上传")
            return redirect("aid_projects:list-detail", pk=self.object.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not request.user.has_perm("aid_projects.change_aidlist"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["aid_list"] = self.object
        context["spec"] = SPECS[self.object.kind]
        return context

    def perform(self, form):
        upload_file = form.cleaned_data["file"]
        return services.upload_preview(aid_list=self.object, fileobj=upload_file, filename=upload_file.name,
                                       size=upload_file.size, user=self.request.user,
                                       replace=form.cleaned_data["replace"])

    def get_success_url(self):
        return reverse("aid_projects:upload-detail", args=[self.result.pk])


class UploadDetailView(ScopedDetailView):
    """Step 2: every row with its errors and warnings; commit (all or nothing) or discard."""

    model = Upload
    queryset = Upload.objects.select_related("aid_list__authority", "aid_list__campaign", "uploaded_by")
    template_name = "aid_projects/upload_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upload = self.object
        spec = SPECS[upload.aid_list.kind]
        context["spec"] = spec
        context["columns"] = spec.data_columns
        show_all = self.request.GET.get("all") == "1"
        rows = upload.rows if show_all or upload.row_count <= 500 else [
            r for r in upload.rows if r["errors"] or r["warnings"]][:500]
        context["rows"] = rows
        context["rows_limited"] = len(rows) < upload.row_count
        context["commit_form"] = CommitForm()
        context["confirmations"] = upload_confirmations(upload)
        context["can_commit"] = upload_can_commit(upload)
        return context


class UploadActionView(ServiceMixin, ScopedMixin, SingleObjectMixin, View):
    """A refusal comes back as a message on the page ``get_refused_url`` names."""

    model = Upload
    queryset = Upload.objects.select_related("aid_list__authority", "aid_list__campaign")
    action = "add"
    permission_required = ("aid_projects.add_upload",)

    def get_queryset(self):
        # "add" has no row scope of its own: the upload must lie in the user's area
        return Upload.objects.restrict(self.request.user, "view")


class UploadCommitView(UploadActionView):
    def post(self, request, pk):
        upload = self.get_object()
        form = CommitForm(request.POST)
        form.is_valid()
        added = services.upload_commit(upload=upload, user=request.user,
                                       confirm_warnings=form.cleaned_data.get("confirm_warnings", False))
        messages.success(request, f"已导入 {added} 个项目。")
        return redirect("aid_projects:list-detail", pk=upload.aid_list_id)

    def get_refused_url(self):
        return reverse("aid_projects:upload-detail", args=[self.kwargs["pk"]])


class UploadDiscardView(UploadActionView):
    def post(self, request, pk):
        self.object = upload = self.get_object()
        services.upload_discard(upload=upload, user=request.user)
        messages.info(request, "已放弃本次上传，清单没有变化。")
        return redirect("aid_projects:list-detail", pk=upload.aid_list_id)

    def get_refused_url(self):
        return reverse("aid_projects:list-detail", args=[self.object.aid_list_id])


# --- liaisons -------------------------------------------------------------------------------------
LIAISON_QS = Liaison.objects.select_related("campaign", "authority__parent__parent")


class LiaisonListView(ScopedListView):
    model = Liaison
    queryset = LIAISON_QS
    filterset_class = LiaisonFilterSet
    table_class = LiaisonTable
    title = "援藏援疆联络员"
    create_url_name = "aid_projects:liaison-create"


class LiaisonFormMixin:
    """Opened from a 附件1 page (``?list=<pk>``), the form returns there once saved."""

    model = Liaison
    form_class = LiaisonForm
    template_name = "aid_projects/liaison_form.html"
    success_url = reverse_lazy("aid_projects:liaison-list")

    def return_list(self) -> AidList | None:
        pk = self.request.GET.get("list", "")
        if not pk.isdigit():
            return None
        return AidList.objects.restrict(self.request.user, "view").filter(pk=pk, kind=ListKind.LIAISON).first()

    def get_success_url(self):
        aid_list = self.return_list()
        return reverse("aid_projects:list-detail", args=[aid_list.pk]) if aid_list else str(self.success_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["return_list"] = self.return_list()
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        aid_list = self.return_list()
        campaign = aid_list.campaign if aid_list else Campaign.current()
        if campaign is not None:
            initial.setdefault("campaign", campaign.pk)
        if self.request.user.authority is not None:
            initial.setdefault("authority", self.request.user.authority.pk)
        return initial


class LiaisonCreateView(LiaisonFormMixin, ScopedCreateView):
    pass


class LiaisonUpdateView(LiaisonFormMixin, ScopedUpdateView):
    queryset = LIAISON_QS


class LiaisonDeleteView(ServiceMixin, ScopedDeleteView):
    model = Liaison
    queryset = LIAISON_QS
    success_url = reverse_lazy("aid_projects:liaison-list")

    def form_valid(self, form):
        services.liaison_list_editable(self.get_object().campaign, self.get_object().authority)
        return super().form_valid(form)


# --- needs, matching ------------------------------------------------------------------------------
class NeedListView(ScopedListView):
    """Need items the user may see: its own province's, or (aiding) its paired recipients' accepted lists."""

    model = AidItem
    queryset = NEED_LIST_QS
    filterset_class = NeedFilterSet
    table_class = NeedTable
    title = "项目需求"

    match_status_in_sql = False  # the export's table: every row with its status, as the query gives it

    def get_queryset(self):
        needs = super().get_queryset()
        if self.match_status_in_sql or self.filters_or_sorts_by_match():
            return with_match_status(needs, self.request.user)
        return needs

    def filters_or_sorts_by_match(self) -> bool:
        """The 对接情况 filter and the sort by that column need the status in the query."""
        sort = ",".join(self.request.GET.getlist(NeedTable._meta.order_by_field))
        return bool(self.request.GET.get("match")) or "match" in sort

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if not (self.match_status_in_sql or self.filters_or_sorts_by_match()):
            # the page's rows (read once: the table iterates the same results), each with its match status
            set_match_status(list(table.paginated_rows.data), self.request.user)
        # the page's places named: one check of the authorities' generation, a query only for places not yet named
        table.place_names = full_names({need.place_id for need in table.paginated_rows.data})
        return table

    def export_table(self):
        self.match_status_in_sql = True
        filterset, table = super().export_table()
        table.place_names = full_names(set(self.object_list.order_by().values_list("place_id", flat=True).distinct()))
        return filterset, table


class NeedDetailView(ScopedDetailView):
    model = AidItem
    queryset = ITEM_QS.filter(aid_list__kind=ListKind.NEED)
    template_name = "aid_projects/need_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need, user = self.object, self.request.user
        context["matches"] = Match.objects.restrict(user, "view").filter(need=need).select_related(
            "supply__aid_list__authority")
        can_propose = may_propose(need, user)
        context["can_propose"] = can_propose
        if can_propose or user.is_ministry:
            context["suggestions"] = suggest_supplies(need, user)
        if can_propose:
            context["propose_form"] = MatchProposeForm(supplies=own_supplies(user, need))
        return context


class MatchProposeView(ServiceMixin, ScopedMixin, SingleObjectMixin, View):
    model = AidItem
    queryset = ITEM_QS.filter(aid_list__kind=ListKind.NEED)
    permission_required = ("aid_projects.add_match",)

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, "view")

    def post(self, request, pk):
        need = self.get_object()
        form = MatchProposeForm(request.POST, supplies=own_supplies(request.user, need))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("aid_projects:need-detail", pk=need.pk)
        match = services.match_propose(need=need, supply=form.cleaned_data["supply"], user=request.user,
                                       amount=form.cleaned_data.get("amount"),
                                       note=form.cleaned_data.get("note", ""))
        messages.success(request, "已提出意向对接，等待受援方答复。")
        return redirect("aid_projects:match-detail", pk=match.pk)

    def get_refused_url(self):
        return reverse("aid_projects:need-detail", args=[self.kwargs["pk"]])


class MatchListView(ScopedListView):
    model = Match
    queryset = MATCH_LIST_QS
    filterset_class = MatchFilterSet
    table_class = MatchTable
    title = "项目对接"


class MatchDetailView(ScopedDetailView):
    model = Match
    queryset = MATCH_QS
    template_name = "aid_projects/match_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        match, user = self.object, self.request.user
        steps = [MatchStatus(s) for s in match_steps(match, user)]
        context["steps"] = steps if user.has_perm("aid_projects.change_match") else []
        context["transition_form"] = MatchTransitionForm(initial={"amount": match.amount, "spent": match.spent})
        return context


class MatchTransitionView(ServiceMixin, ScopedMixin, SingleObjectMixin, View):
    model = Match
    queryset = MATCH_QS
    permission_required = ("aid_projects.change_match",)

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, "view")

    def post(self, request, pk, to_status):
        match = self.get_object()
        if to_status not in MatchStatus.values:
            raise Http404
        form = MatchTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return redirect("aid_projects:match-detail", pk=match.pk)
        services.match_transition(match=match, to_status=to_status, user=request.user,
                                  note=form.cleaned_data.get("note", ""), amount=form.cleaned_data.get("amount"),
                                  spent=form.cleaned_data.get("spent"))
        messages.success(request, f"对接已更新为“{MatchStatus(to_status).label}”。")
        return redirect("aid_projects:match-detail", pk=match.pk)

    def get_refused_url(self):
        return reverse("aid_projects:match-detail", args=[self.kwargs["pk"]])

