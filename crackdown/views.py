"""Pages of the crackdown app.  Reads go through ``restrict`` (generic views); writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from crackdown import services
from crackdown.choices import CaseStage
from crackdown.filtersets import (
    CaseFilterSet,
    CheckBatchFilterSet,
    LeadFilterSet,
    ListBatchFilterSet,
    NameRuleFilterSet,
)
from crackdown.forms import (
    ApproveExtensionForm,
    CaseEditForm,
    CaseOpenForm,
    CheckBatchForm,
    ConfiscationForm,
    EvidenceForm,
    ExtensionForm,
    InformantForm,
    InquiryForm,
    LeadForm,
    LeadStatusForm,
    LeadTransferForm,
    LinkedPartyForm,
    ListBatchForm,
    NameRuleForm,
    NumbersForm,
    PublishForm,
    ReferralForm,
    ReferralResultForm,
    ResumeForm,
    ShutdownForm,
    StatisticsForm,
    SuspendForm,
    TransitionForm,
    WithdrawForm,
)
from crackdown.masking import mask_address, mask_email, mask_name, mask_phone
from crackdown.models import (
    Case,
    CaseDocument,
    CaseReferral,
    CheckBatch,
    Evidence,
    Lead,
    LeadAttachment,
    ListBatch,
    ListEntry,
    NameRule,
)
from crackdown.selectors import crackdown_statistics, default_period, step_requester
from crackdown.tables import CaseTable, CheckBatchTable, LeadTable, ListBatchTable, NameRuleTable
from crackdown.workflow import LEAD_TRANSITIONS, TRANSITIONS, allowed_steps, steps_from
from portal.audit import record_download
from portal.jobs import job_start
from portal.models import User
from portal.services import ApplicationError
from portal.views.generic import ScopedCreateView, ScopedListView, ScopedMixin, ScopedUpdateView

LEAD_QS = Lead.objects.select_related("authority")
CASE_QS = Case.objects.select_related("authority")


def _fail(request, exc: ApplicationError):
    messages.error(request, exc.message)


class ObjectMixin(ScopedMixin):
    """The object named by ``pk`` inside the user's restricted queryset (another province → 404)."""

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.get_object()
        return context


# --- leads ---------------------------------------------------------------------------------------
class LeadListView(ScopedListView):
    model = Lead
    queryset = LEAD_QS
    filterset_class = LeadFilterSet
    table_class = LeadTable
    title = "线索"
    create_url_name = "crackdown:lead-create"


class NameCheckView(ScopedMixin, View):
    """htmx: the warnings for the name being typed (reserved words, registered, other provinces)."""

    model = Lead

    def get(self, request):
        exclude = None
        if request.GET.get("exclude", "").isdigit():
            exclude = Lead.objects.restrict(request.user, "view").filter(pk=request.GET["exclude"]).first()
        warnings = services.name_warnings(request.GET.get("org_name", ""), user=request.user, exclude_lead=exclude)
        return render(request, "crackdown/_name_warnings.html", {"warnings": warnings})


class LeadCreateView(ScopedMixin, FormView):
    model = Lead
    action = "add"
    template_name = "crackdown/lead_form.html"
    form_class = LeadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("informant_form", InformantForm())
        context["title"] = "登记线索"
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        informant_form = InformantForm(request.POST, request.FILES)
        if not (form.is_valid() and informant_form.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, informant_form=informant_form))
        data = {k: v for k, v in form.cleaned_data.items() if k != "places_text"}
        data["places"] = form.cleaned_data["places_text"]
        if not data["places"] and data.get("place_text"):
            _, data["places"] = services.resolve_place(data["place_text"])
        try:
            lead = services.lead_create(actor=request.user, informant=informant_form.informant(),
                                        attachments=informant_form.cleaned_data["attachments"], **data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form, informant_form=informant_form))
        messages.success(request, f"线索已登记，编号 {lead.number}。")
        return HttpResponseRedirect(reverse("crackdown:lead-detail", args=[lead.pk]))


class LeadUpdateView(ScopedUpdateView):
    model = Lead
    queryset = LEAD_QS
    form_class = LeadForm
    template_name = "crackdown/lead_form.html"

    def get_success_url(self):
        return reverse("crackdown:lead-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"修改线索 {self.object.number}"
        return context


class LeadDetailView(ObjectMixin, TemplateView):
    model = Lead
    queryset = LEAD_QS.select_related("transfer_authority", "batch", "transferred_from")
    template_name = "crackdown/lead_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead = context["object"]
        user = self.request.user
        informant = getattr(lead, "informant", None)
        if informant is not None:
            context["informant_masked"] = {
                "name": mask_name(informant.name), "phone": mask_phone(informant.phone),
                "email": mask_email(informant.email), "address": mask_address(informant.address),
            }
        can_change = user.has_perm("crackdown.change_lead")
        context.update(
            title=str(lead),
            can_change=can_change,
            can_reveal=user.has_perm("crackdown.view_informant"),
            status_form=LeadStatusForm(lead=lead) if can_change else None,
            can_transfer=can_change and "transferred" in LEAD_TRANSITIONS.get(lead.status, ()),
            can_file=user.has_perm("crackdown.add_case") and "filed" in LEAD_TRANSITIONS.get(lead.status, ()),
            warnings=services.name_warnings(lead.org_name, user=user, exclude_lead=lead),
            case=Case.objects.restrict(user, "view").filter(lead=lead).first(),
            attachments=lead.attachments.all(),
            copies=Lead.objects.restrict(user, "view").filter(transferred_from=lead),
            entries=lead.list_entries.select_related("batch"),
        )
        return context


class LeadStatusView(ObjectMixin, View):
    model = Lead
    action = "change"

    def post(self, request, pk):
        lead = self.get_object()
        form = LeadStatusForm(request.POST, lead=lead)
        if form.is_valid():
            try:
                services.lead_set_status(lead=lead, actor=request.user, status=form.cleaned_data["status"],
                                         note=form.cleaned_data["note"],
                                         unfounded_reason=form.cleaned_data["unfounded_reason"])
                messages.success(request, "线索状态已更新。")
            except ApplicationError as exc:
                _fail(request, exc)
        else:
            messages.error(request, "请选择线索的新状态。")
        return HttpResponseRedirect(reverse("crackdown:lead-detail", args=[lead.pk]))


class LeadTransferView(ObjectMixin, FormView):
    model = Lead
    action = "change"
    form_class = LeadTransferForm
    template_name = "crackdown/simple_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"移交线索 {context['object'].number}"
        return context

    def form_valid(self, form):
        lead = self.get_object()
        try:
            services.lead_transfer(lead=lead, actor=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "线索已移交。")
        return HttpResponseRedirect(reverse("crackdown:lead-detail", args=[lead.pk]))


class LeadToCaseView(ObjectMixin, FormView):
    """转立案: the 立案申请, waiting for a second person's approval."""

    model = Lead
    action = "change"
    permission_required = ("crackdown.change_lead", "crackdown.add_case")
    form_class = CaseOpenForm
    template_name = "crackdown/simple_form.html"

    def get_initial(self):
        lead = self.get_object()
        return {"org_name": lead.org_name, "summary": services.lead_case_summary(lead), "parties": lead.persons}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"线索 {context['object'].number} 转立案"
        return context

    def form_valid(self, form):
        lead = self.get_object()
        data = dict(form.cleaned_data)
        try:
            case = services.lead_to_case(lead=lead, actor=self.request.user, **data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已提请立案审批，案件编号 {case.number}。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[case.pk]))


class InformantView(ObjectMixin, View):
    """The informant in full: only with view_informant, and every look is audited."""

    model = Lead
    permission_required = ("crackdown.view_lead", "crackdown.view_informant")

    def post(self, request, pk):
        lead = self.get_object()
        informant = services.informant_reveal(lead=lead, actor=request.user)
        return render(request, "crackdown/informant.html", {"object": lead, "informant": informant,
                                                             "title": f"举报人信息 {lead.number}"})


class FileDownloadView(ScopedMixin, View):
    """A file of a lead or a case, if the lead or case is visible; the download is audited."""

    parent_model = None
    file_model = None
    parent_field = ""

    def get(self, request, pk):
        parents = self.parent_model.objects.restrict(request.user, "view")
        obj = get_object_or_404(self.file_model.objects.filter(**{f"{self.parent_field}__in": parents}), pk=pk)
        if not obj.file:
            raise Http404("没有文件。")
        name = obj.file.name.rsplit("/", 1)[-1]
        record_download(actor=request.user, obj=obj, filename=name)
        return FileResponse(obj.file.open("rb"), as_attachment=True, filename=name)


class LeadAttachmentView(FileDownloadView):
    model = parent_model = Lead
    file_model = LeadAttachment
    parent_field = "lead"


class CaseDocumentView(FileDownloadView):
    model = parent_model = Case
    file_model = CaseDocument
    parent_field = "case"


class EvidenceFileView(FileDownloadView):
    model = parent_model = Case
    file_model = Evidence
    parent_field = "case"


# --- check batches -------------------------------------------------------------------------------
class CheckBatchListView(ScopedListView):
    model = CheckBatch
    queryset = CheckBatch.objects.select_related("authority").order_by("-checked_on", "-id")
    filterset_class = CheckBatchFilterSet
    table_class = CheckBatchTable
    title = "排查批次"
    create_url_name = "crackdown:batch-create"


class CheckBatchCreateView(ScopedMixin, FormView):
    model = CheckBatch
    action = "add"
    form_class = CheckBatchForm
    template_name = "crackdown/simple_form.html"
    extra_context = {"title": "新建排查批次"}

    def form_valid(self, form):
        try:
            batch = services.check_batch_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "排查批次已创建，可添加线索。")
        return HttpResponseRedirect(reverse("crackdown:batch-detail", args=[batch.pk]))


class CheckBatchDetailView(ObjectMixin, TemplateView):
    model = CheckBatch
    queryset = CheckBatch.objects.select_related("authority")
    template_name = "crackdown/batch_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = context["object"]
        context["title"] = str(batch)
        context["leads"] = Lead.objects.restrict(self.request.user, "view").filter(batch=batch)
        context["form"] = NumbersForm()
        return context


class CheckBatchAddLeadsView(ObjectMixin, View):
    model = CheckBatch
    action = "change"

    def post(self, request, pk):
        batch = self.get_object()
        form = NumbersForm(request.POST)
        if form.is_valid():
            numbers = form.numbers_list()
            leads = list(Lead.objects.restrict(request.user, "change").filter(number__in=numbers))
            missing = sorted(set(numbers) - {lead.number for lead in leads})
            if missing:
                messages.error(request, f"未找到以下线索（或不在您的管辖范围内）：{'、'.join(missing)}")
            else:
                try:
                    count = services.check_batch_add_leads(batch=batch, actor=request.user, leads=leads)
                    messages.success(request, f"已加入 {count} 条线索。")
                except ApplicationError as exc:
                    _fail(request, exc)
        return HttpResponseRedirect(reverse("crackdown:batch-detail", args=[batch.pk]))


# --- cases -------------------------------------------------------------------------------------
class CaseListView(ScopedListView):
    model = Case
    queryset = CASE_QS
    filterset_class = CaseFilterSet
    table_class = CaseTable
    title = "案件"
    create_url_name = "crackdown:case-create"


class CaseCreateView(ScopedMixin, FormView):
    """立案申请 without a lead (e.g. a case taken up by a higher level, 提级管辖)."""

    model = Case
    action = "add"
    form_class = CaseOpenForm
    template_name = "crackdown/simple_form.html"
    extra_context = {"title": "立案申请"}

    def form_valid(self, form):
        try:
            case = services.case_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已提请立案审批，案件编号 {case.number}。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[case.pk]))


class CaseDetailView(ObjectMixin, TemplateView):
    model = Case
    queryset = CASE_QS.select_related("lead", "jurisdiction_authority", "registered_organization")
    template_name = "crackdown/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = context["object"]
        user = self.request.user
        events = list(case.events.select_related("actor", "requested_by")
                      .prefetch_related(Prefetch("documents", queryset=CaseDocument.objects.order_by("id"))))
        requester_id = step_requester(case)
        steps = allowed_steps(case, user, requester_id)
        waiting = [(stage, step) for stage, step in steps_from(case.stage).items()]
        context.update(
            title=str(case),
            events=events,
            steps=steps,
            waiting=waiting,
            requester=User.objects.filter(pk=requester_id).first() if requester_id else None,
            can_change=user.has_perm("crackdown.change_case") and not case.is_terminal,
            can_record=user.has_perm("crackdown.change_case"),
            evidence=case.evidence.all(),
            referrals=case.referrals.all(),
            confiscations=case.confiscations.all(),
            extensions=case.extensions.select_related("added_by", "approved_by"),
            suspensions=case.suspensions.all(),
            pending_extension=case.extensions.filter(approved_by__isnull=True).first(),
            can_approve=user.has_perm("crackdown.approve_case"),
            inquiries=case.inquiries.all(),
            shutdowns=case.shutdowns.all(),
            linked=case.linked_parties.select_related("organization"),
            entries=case.list_entries.select_related("batch"),
            lead=Lead.objects.restrict(user, "view").filter(pk=case.lead_id).first() if case.lead_id else None,
        )
        return context


class CaseEditView(ObjectMixin, FormView):
    """Edit a case; the hidden version makes a concurrent edit fail instead of overwriting."""

    model = Case
    action = "change"
    form_class = CaseEditForm
    template_name = "crackdown/simple_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Case.objects.get(pk=self.get_object().pk)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"修改案件 {context['object'].number}"
        return context

    def form_valid(self, form):
        case = self.get_object()
        fields = {name: form.cleaned_data[name] for name in CaseEditForm.Meta.fields}
        try:
            services.case_update(case=case, actor=self.request.user, expected_version=form.cleaned_data["version"],
                                 **fields)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(self.request, "案件信息已保存。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[case.pk]))


class CaseTransitionView(ObjectMixin, FormView):
    """One step of the procedure; the service checks the table, the permission, the second person."""

    model = Case
    form_class = TransitionForm
    template_name = "crackdown/transition_form.html"

    def get_step(self):
        step = steps_from(self.get_object().stage).get(self.kwargs["to_stage"])
        if step is None:
            raise Http404("案件当前环节不能进行此操作。")
        return step

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(case=self.get_object(), to_stage=self.kwargs["to_stage"])
        return kwargs

    def get(self, request, *args, **kwargs):
        self.get_step()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_step()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        step = self.get_step()
        context.update(step=step, to_stage=CaseStage(self.kwargs["to_stage"]), title=step.label)
        return context

    def form_valid(self, form):
        case = self.get_object()
        try:
            services.case_transition(case=case, to_stage=self.kwargs["to_stage"], actor=self.request.user,
                                     **form.service_kwargs())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = 409 if exc.message == services.STALE_MESSAGE else 400
            return self.render_to_response(self.get_context_data(form=form), status=status)
        messages.success(self.request, f"已办理：{TRANSITIONS[case.stage][self.kwargs['to_stage']].label}。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[case.pk]))


class CaseRecordCreateView(ObjectMixin, FormView):
    """Evidence, inquiry records, websites shut, linked parties: added to a visible case."""

    model = Case
    action = "change"
    template_name = "crackdown/simple_form.html"
    record_title = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.record_title}：{context['object'].number}"
        return context

    def form_valid(self, form):
        case = self.get_object()
        try:
            services.case_add_record(case=case, actor=self.request.user, record=form.save(commit=False))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记{self.record_title}。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[case.pk]))


class EvidenceCreateView(CaseRecordCreateView):
    form_class = EvidenceForm
    record_title = "证据"


class InquiryCreateView(CaseRecordCreateView):
    form_class = InquiryForm
    record_title = "询问、检查笔录"


class ShutdownCreateView(CaseRecordCreateView):
    form_class = ShutdownForm
    record_title = "关停网站"


class LinkedPartyCreateView(CaseRecordCreateView):
    form_class = LinkedPartyForm
    record_title = "勾连单位和人员"


class CaseServiceFormView(ObjectMixin, FormView):
    """A form on a visible case whose write is one service call (referrals, confiscations, the clock)."""

    model = Case
    action = "change"
    template_name = "crackdown/simple_form.html"
    title = ""
    done = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.get_title()}：{context['object'].number}"
        return context

    def get_title(self):
        return self.title

    def perform(self, case, data):
        raise NotImplementedError

    def form_valid(self, form):
        case = self.get_object()
        try:
            self.perform(case, form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.done or f"已办理：{self.get_title()}。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[case.pk]))


class ReferralCreateView(CaseServiceFormView):
    form_class = ReferralForm
    title = "移送公安机关或其他部门"

    def perform(self, case, data):
        services.referral_add(case=case, actor=self.request.user, **data)


class ConfiscationCreateView(CaseServiceFormView):
    form_class = ConfiscationForm
    title = "没收非法财产"

    def perform(self, case, data):
        services.confiscation_add(case=case, actor=self.request.user, **data)


class CaseClockView(CaseServiceFormView):
    """The case clock: extend (ask), approve-extension (another person), suspend, resume."""

    FORMS = {"extend": ExtensionForm, "approve-extension": ApproveExtensionForm, "suspend": SuspendForm,
             "resume": ResumeForm}

    def get_form_class(self):
        if self.kwargs["clock_action"] not in self.FORMS:
            raise Http404("没有此操作。")
        return self.FORMS[self.kwargs["clock_action"]]

    def get_title(self):
        return services.CLOCK_ACTIONS[self.kwargs["clock_action"]]

    def perform(self, case, data):
        services.case_clock(case=case, actor=self.request.user, action=self.kwargs["clock_action"],
                            reason=data.get("reason") or data.get("note") or "",
                            new_deadline=data.get("new_deadline"),
                            on=data.get("suspended_on") or data.get("resumed_on"))


class ReferralResultView(ObjectMixin, FormView):
    """The department's feedback on a referral (破获案件, 抓获犯罪嫌疑人)."""

    model = CaseReferral
    action = "change"
    permission_required = ("crackdown.view_case", "crackdown.change_case")
    form_class = ReferralResultForm
    template_name = "crackdown/simple_form.html"

    def get_queryset(self):
        return CaseReferral.objects.restrict(self.request.user, "view").select_related("case")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"移送反馈：{context['object'].case.number} {context['object']}"
        return context

    def form_valid(self, form):
        referral = self.get_object()
        try:
            services.referral_result(referral=referral, actor=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "已登记移送反馈。")
        return HttpResponseRedirect(reverse("crackdown:case-detail", args=[referral.case_id]))


# --- name rules (the ministry edits them; every authority reads them) ------------------------------
class NameRuleListView(ScopedListView):
    model = NameRule
    queryset = NameRule.objects.all()
    filterset_class = NameRuleFilterSet
    table_class = NameRuleTable
    title = "名称规则"
    create_url_name = "crackdown:namerule-create"


class NameRuleEditMixin:
    form_class = NameRuleForm
    template_name = "crackdown/simple_form.html"

    def get_success_url(self):
        return reverse("crackdown:namerule-list")

    def form_valid(self, form):
        form.instance.updated_by = self.request.user
        return super().form_valid(form)


class NameRuleCreateView(NameRuleEditMixin, ScopedCreateView):
    model = NameRule
    extra_context = {"title": "新增名称规则"}


class NameRuleUpdateView(NameRuleEditMixin, ScopedUpdateView):
    model = NameRule
    extra_context = {"title": "修改名称规则"}


# --- exposure and ban lists --------------------------------------------------------------------
class ListBatchListView(ScopedListView):
    model = ListBatch
    queryset = ListBatch.objects.select_related("authority", "approver").annotate(entry_count=Count("entries")) \
        .order_by("-published_on", "-id")
    filterset_class = ListBatchFilterSet
    table_class = ListBatchTable
    title = "曝光和取缔名单"
    create_url_name = "crackdown:listbatch-create"


class ListBatchCreateView(ScopedMixin, FormView):
    model = ListBatch
    action = "add"
    form_class = ListBatchForm
    template_name = "crackdown/simple_form.html"
    extra_context = {"title": "编制名单"}

    def form_valid(self, form):
        try:
            batch = services.list_batch_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "名单已创建，请添加条目。")
        return HttpResponseRedirect(reverse("crackdown:listbatch-detail", args=[batch.pk]))


# the batch page, adding entries, 提请发布 and 退回: crackdown.publish_views


class ListPublishView(ObjectMixin, FormView):
    """发布: a confirmation page listing every entry, then the deliberate step."""

    model = ListBatch
    permission_required = ("crackdown.view_listbatch", "crackdown.publish_list")
    form_class = PublishForm
    template_name = "crackdown/listbatch_publish.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"发布{context['object']}"
        context["entries"] = context["object"].entries.select_related("province")
        return context

    def form_valid(self, form):
        batch = self.get_object()
        try:
            services.list_publish(batch=batch, actor=self.request.user,
                                  published_on=form.cleaned_data["published_on"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "名单已发布，公众可在公开名单中查询。")
        return HttpResponseRedirect(reverse("crackdown:listbatch-detail", args=[batch.pk]))


class ListEntryWithdrawView(ScopedMixin, FormView):
    model = ListEntry
    permission_required = ("crackdown.view_listentry", "crackdown.publish_list")
    form_class = WithdrawForm
    template_name = "crackdown/simple_form.html"

    def get_entry(self):
        return get_object_or_404(self.get_queryset().select_related("batch"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        context.update(object=entry, title=f"撤回名单条目：{entry.name}（{entry.batch}）")
        return context

    def form_valid(self, form):
        entry = self.get_entry()
        try:
            services.list_entry_withdraw(entry=entry, actor=self.request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "已撤回，撤回记录保留在名单历史中。")
        return HttpResponseRedirect(reverse("crackdown:listbatch-detail", args=[entry.batch_id]))


class ListEntryRemoveView(ScopedMixin, View):
    model = ListEntry
    action = "change"

    def post(self, request, pk):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.list_entry_remove(entry=entry, actor=request.user)
            messages.success(request, "已从草稿名单中删除。")
        except ApplicationError as exc:
            _fail(request, exc)
        return HttpResponseRedirect(reverse("crackdown:listbatch-detail", args=[entry.batch_id]))


# --- statistics ----------------------------------------------------------------------------------
class StatisticsView(ScopedMixin, TemplateView):
    model = Lead
    permission_required = ("crackdown.view_statistics",)
    template_name = "crackdown/statistics.html"

    def get_form(self):
        date_from, date_to = default_period()
        data = self.request.GET.copy() if self.request.GET else {}
        data.setdefault("date_from", date_from.isoformat())
        data.setdefault("date_to", date_to.isoformat())
        form = StatisticsForm(data)
        if not self.request.user.is_ministry:
            del form.fields["province"]
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        context.update(form=form, title="打击整治统计")
        if form.is_valid():
            stats = crackdown_statistics(user=self.request.user, date_from=form.cleaned_data["date_from"],
                                         date_to=form.cleaned_data["date_to"],
                                         province=form.cleaned_data.get("province"))
            context["stats"] = stats
            chart_keys = ["banned", "dissuaded", "dissolved", "registered"]
            labels = dict(stats.columns)
            rows = [r for r in stats.rows if any(r.values.get(k) for k in chart_keys)] or stats.rows
            context["chart"] = {
                "categories": [r.name for r in rows],
                "series": [{"name": labels[k], "type": "bar", "stack": "total",
                            "data": [r.values.get(k, 0) for r in rows]} for k in chart_keys],
            }
        return context


class StatisticsExportView(ScopedMixin, View):
    """导出Excel: the same table, produced by a background job (progress on the job page)."""

    model = Lead
    permission_required = ("crackdown.view_statistics", "portal.add_job")

    def post(self, request):
        form = StatisticsForm(request.POST)
        if not request.user.is_ministry:
            del form.fields["province"]
        if not form.is_valid():
            messages.error(request, "请填写正确的统计期间。")
            return HttpResponseRedirect(reverse("crackdown:statistics"))
        params = {"date_from": form.cleaned_data["date_from"].isoformat(),
                  "date_to": form.cleaned_data["date_to"].isoformat()}
        if form.cleaned_data.get("province"):
            params["province"] = form.cleaned_data["province"].code
        with transaction.atomic():
            job = job_start(kind="crackdown_statistics", user=request.user, authority=request.user.authority,
                            params=params)
        return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))
