"""Pages of the crackdown app.  Reads go through ``restrict`` (generic views); writes through services."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404
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
from crackdown.selectors import (
    case_actions,
    crackdown_statistics,
    default_period,
    lead_actions,
    name_warnings,
    step_requester,
)
from crackdown.tables import CaseTable, CheckBatchTable, LeadTable, ListBatchTable, NameRuleTable
from crackdown.workflow import allowed_steps, steps_from
from portal.models import User
from portal.page_cache import KeptPageMixin
from portal.services import ApplicationError
from portal.views.downloads import ChildFileDownloadView
from portal.views.generic import ScopedCreateView, ScopedListView, ScopedMixin, ScopedUpdateView
from portal.views.service import ServiceActionMixin, ServiceCreateView, ServiceFormMixin

LEAD_QS = Lead.objects.select_related("authority")
CASE_QS = Case.objects.select_related("authority")
# the list pages select only what their tables' cells read (issue 17): 9 and 11 columns instead of 33
LEAD_LIST_QS = LEAD_QS.only(*LeadTable.record_fields)
CASE_LIST_QS = CASE_QS.only(*CaseTable.record_fields)


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
    queryset = LEAD_LIST_QS
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
        warnings = name_warnings(request.GET.get("org_name", ""), user=request.user, exclude_lead=exclude)
        return render(request, "crackdown/_name_warnings.html", {"warnings": warnings})


class LeadCreateView(ServiceCreateView):
    model = Lead
    template_name = "crackdown/lead_form.html"
    form_class = LeadForm
    success_message = "线索已登记，编号 {result.number}。"
    detail_url_name = "crackdown:lead-detail"
    informant_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.informant_form is None:
            self.informant_form = InformantForm()
        context.setdefault("informant_form", self.informant_form)
        context["title"] = "登记线索"
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.informant_form = InformantForm(request.POST, request.FILES)
        if not (form.is_valid() and self.informant_form.is_valid()):
            return self.form_invalid(form)
        return self.form_valid(form)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "places_text"}
        data["places"] = form.cleaned_data["places_text"]
        return services.lead_create(actor=self.request.user, informant=self.informant_form.informant(),
                                    places_from_text=True,
                                    attachments=self.informant_form.cleaned_data["attachments"], **data)


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
        actions = lead_actions(lead, user)
        context.update(
            title=str(lead),
            **actions,
            status_form=LeadStatusForm(lead=lead) if actions["can_change"] else None,
            warnings=name_warnings(lead.org_name, user=user, exclude_lead=lead),
            case=Case.objects.restrict(user, "view").filter(lead=lead).first(),
            attachments=lead.attachments.all(),
            copies=Lead.objects.restrict(user, "view").filter(transferred_from=lead),
            entries=lead.list_entries.select_related("batch"),
        )
        return context


class LeadStatusView(ServiceActionMixin, ObjectMixin, View):
    model = Lead
    action = "change"
    success_message = "线索状态已更新。"

    def perform(self):
        lead = self.get_object()
        form = LeadStatusForm(self.request.POST, lead=lead)
        if not form.is_valid():
            raise ApplicationError("请选择线索的新状态。")
        services.lead_set_status(lead=lead, actor=self.request.user, status=form.cleaned_data["status"],
                                 note=form.cleaned_data["note"], unfounded_reason=form.cleaned_data["unfounded_reason"])

    def get_success_url(self):
        return reverse("crackdown:lead-detail", args=[self.get_object().pk])


class LeadTransferView(ServiceFormMixin, ObjectMixin, FormView):
    model = Lead
    action = "change"
    form_class = LeadTransferForm
    template_name = "crackdown/simple_form.html"
    success_message = "线索已移交。"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"移交线索 {context['object'].number}"
        return context

    def perform(self, form):
        services.lead_transfer(lead=self.get_object(), actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("crackdown:lead-detail", args=[self.get_object().pk])


class LeadToCaseView(ServiceFormMixin, ObjectMixin, FormView):
    """转立案: the 立案申请, waiting for a second person's approval."""

    model = Lead
    action = "change"
    permission_required = ("crackdown.change_lead", "crackdown.add_case")
    form_class = CaseOpenForm
    template_name = "crackdown/simple_form.html"
    success_message = "已提请立案审批，案件编号 {result.number}。"

    def get_initial(self):
        lead = self.get_object()
        return {"org_name": lead.org_name, "summary": services.lead_case_summary(lead), "parties": lead.persons}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"线索 {context['object'].number} 转立案"
        return context

    def perform(self, form):
        return services.lead_to_case(lead=self.get_object(), actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("crackdown:case-detail", args=[self.result.pk])


class InformantView(ObjectMixin, View):
    """The informant in full: only with view_informant, and every look is audited."""

    model = Lead
    permission_required = ("crackdown.view_lead", "crackdown.view_informant")

    def post(self, request, pk):
        lead = self.get_object()
        informant = services.informant_reveal(lead=lead, actor=request.user)
        return render(request, "crackdown/informant.html", {"object": lead, "informant": informant,
                                                             "title": f"举报人信息 {lead.number}"})


class LeadAttachmentView(ChildFileDownloadView):
    """A file of a lead or a case, if the lead or case is visible; the download is audited."""

    model = Lead
    file_model = LeadAttachment
    parent_field = "lead"


class CaseDocumentView(ChildFileDownloadView):
    model = Case
    file_model = CaseDocument
    parent_field = "case"


class EvidenceFileView(ChildFileDownloadView):
    model = Case
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


class CheckBatchCreateView(ServiceCreateView):
    model = CheckBatch
    form_class = CheckBatchForm
    template_name = "crackdown/simple_form.html"
    extra_context = {"title": "新建排查批次"}
    success_message = "排查批次已创建，可添加线索。"
    detail_url_name = "crackdown:batch-detail"

    def perform(self, form):
        return services.check_batch_create(actor=self.request.user, **form.cleaned_data)


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


class CheckBatchAddLeadsView(ServiceActionMixin, ObjectMixin, View):
    model = CheckBatch
    action = "change"

    def perform(self):
        form = NumbersForm(self.request.POST)
        if not form.is_valid():
            return None
        numbers = form.numbers_list()
        leads = list(Lead.objects.restrict(self.request.user, "change").filter(number__in=numbers))
        missing = sorted(set(numbers) - {lead.number for lead in leads})
        if missing:
            raise ApplicationError(f"未找到以下线索（或不在您的管辖范围内）：{'、'.join(missing)}")
        return services.check_batch_add_leads(batch=self.get_object(), actor=self.request.user, leads=leads)

    def get_success_message(self):
        return f"已加入 {self.result} 条线索。" if self.result is not None else ""

    def get_success_url(self):
        return reverse("crackdown:batch-detail", args=[self.get_object().pk])


# --- cases -------------------------------------------------------------------------------------
class CaseListView(ScopedListView):
    model = Case
    queryset = CASE_LIST_QS
    filterset_class = CaseFilterSet
    table_class = CaseTable
    title = "案件"
    create_url_name = "crackdown:case-create"


class CaseCreateView(ServiceCreateView):
    """立案申请 without a lead (e.g. a case taken up by a higher level, 提级管辖)."""

    model = Case
    form_class = CaseOpenForm
    template_name = "crackdown/simple_form.html"
    extra_context = {"title": "立案申请"}
    success_message = "已提请立案审批，案件编号 {result.number}。"
    detail_url_name = "crackdown:case-detail"

    def perform(self, form):
        return services.case_create(actor=self.request.user, **form.cleaned_data)


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
            **case_actions(case, user),
            evidence=case.evidence.all(),
            referrals=case.referrals.all(),
            confiscations=case.confiscations.all(),
            extensions=case.extensions.select_related("added_by", "approved_by"),
            suspensions=case.suspensions.all(),
            pending_extension=case.extensions.filter(approved_by__isnull=True).first(),
            inquiries=case.inquiries.all(),
            shutdowns=case.shutdowns.all(),
            linked=case.linked_parties.select_related("organization"),
            entries=case.list_entries.select_related("batch"),
            lead=Lead.objects.restrict(user, "view").filter(pk=case.lead_id).first() if case.lead_id else None,
        )
        return context


class CaseFormView(ServiceFormMixin, ObjectMixin, FormView):
    """A form on a visible case whose write is one service call; back to the case once done."""

    model = Case
    action = "change"
    template_name = "crackdown/simple_form.html"
    title = ""

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.get_title()}：{context['object'].number}"
        return context

    def get_success_message(self):
        return f"已办理：{self.get_title()}。"

    def get_success_url(self):
        return reverse("crackdown:case-detail", args=[self.get_object().pk])


class CaseEditView(CaseFormView):
    """Edit a case; the hidden version makes a concurrent edit fail (409) instead of overwriting."""

    form_class = CaseEditForm
    refused_status = 400
    success_message = "案件信息已保存。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Case.objects.get(pk=self.get_object().pk)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"修改案件 {context['object'].number}"
        return context

    def get_success_message(self):
        return self.success_message

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in CaseEditForm.Meta.fields}
        services.case_update(case=self.get_object(), actor=self.request.user,
                             expected_version=form.cleaned_data["version"], **fields)


class CaseTransitionView(CaseFormView):
    """One step of the procedure; the service checks the table, the permission, the second person.
    A refusal answers 400, a stale version 409."""

    action = "view"
    form_class = TransitionForm
    template_name = "crackdown/transition_form.html"
    refused_status = 400

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

    def get_title(self):
        return self.get_step().label

    def perform(self, form):
        services.case_transition(case=self.get_object(), to_stage=self.kwargs["to_stage"], actor=self.request.user,
                                 **form.service_kwargs())


class CaseRecordCreateView(CaseFormView):
    """Evidence, inquiry records, websites shut, linked parties: added to a visible case."""

    def get_success_message(self):
        return f"已登记{self.title}。"

    def perform(self, form):
        services.case_add_record(case=self.get_object(), actor=self.request.user, record=form.save(commit=False))


class EvidenceCreateView(CaseRecordCreateView):
    form_class = EvidenceForm
    title = "证据"


class InquiryCreateView(CaseRecordCreateView):
    form_class = InquiryForm
    title = "询问、检查笔录"


class ShutdownCreateView(CaseRecordCreateView):
    form_class = ShutdownForm
    title = "关停网站"


class LinkedPartyCreateView(CaseRecordCreateView):
    form_class = LinkedPartyForm
    title = "勾连单位和人员"


class ReferralCreateView(CaseFormView):
    form_class = ReferralForm
    title = "移送公安机关或其他部门"

    def perform(self, form):
        services.referral_add(case=self.get_object(), actor=self.request.user, **form.cleaned_data)


class ConfiscationCreateView(CaseFormView):
    form_class = ConfiscationForm
    title = "没收非法财产"

    def perform(self, form):
        services.confiscation_add(case=self.get_object(), actor=self.request.user, **form.cleaned_data)


class CaseClockView(CaseFormView):
    """The case clock: extend (ask), approve-extension (another person), suspend, resume."""

    FORMS = {"extend": ExtensionForm, "approve-extension": ApproveExtensionForm, "suspend": SuspendForm,
             "resume": ResumeForm}

    def get_form_class(self):
        if self.kwargs["clock_action"] not in self.FORMS:
            raise Http404("没有此操作。")
        return self.FORMS[self.kwargs["clock_action"]]

    def get_title(self):
        return services.CLOCK_ACTIONS[self.kwargs["clock_action"]]

    def perform(self, form):
        data = form.cleaned_data
        services.case_clock(case=self.get_object(), actor=self.request.user, action=self.kwargs["clock_action"],
                            reason=data.get("reason") or data.get("note") or "",
                            new_deadline=data.get("new_deadline"),
                            on=data.get("suspended_on") or data.get("resumed_on"))


class ReferralResultView(ServiceFormMixin, ObjectMixin, FormView):
    """The department's feedback on a referral (破获案件, 抓获犯罪嫌疑人)."""

    model = CaseReferral
    action = "change"
    permission_required = ("crackdown.view_case", "crackdown.change_case")
    form_class = ReferralResultForm
    template_name = "crackdown/simple_form.html"
    success_message = "已登记移送反馈。"

    def get_queryset(self):
        return CaseReferral.objects.restrict(self.request.user, "view").select_related("case")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"移送反馈：{context['object'].case.number} {context['object']}"
        return context

    def perform(self, form):
        services.referral_result(referral=self.get_object(), actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("crackdown:case-detail", args=[self.get_object().case_id])


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
    queryset = ListBatch.objects.select_related("authority", "approver").only(*ListBatchTable.record_fields) \
        .annotate(entry_count=Count("entries")).order_by("-published_on", "-id")
    filterset_class = ListBatchFilterSet
    table_class = ListBatchTable
    title = "曝光和取缔名单"
    create_url_name = "crackdown:listbatch-create"


class ListBatchCreateView(ServiceCreateView):
    model = ListBatch
    form_class = ListBatchForm
    template_name = "crackdown/simple_form.html"
    extra_context = {"title": "编制名单"}
    success_message = "名单已创建，请添加条目。"
    detail_url_name = "crackdown:listbatch-detail"

    def perform(self, form):
        return services.list_batch_create(actor=self.request.user, **form.cleaned_data)


# the batch page, adding entries, 提请发布 and 退回: crackdown.publish_views


class ListPublishView(ServiceFormMixin, ObjectMixin, FormView):
    """发布: a confirmation page listing every entry, then the deliberate step."""

    model = ListBatch
    permission_required = ("crackdown.view_listbatch", "crackdown.publish_list")
    form_class = PublishForm
    template_name = "crackdown/listbatch_publish.html"
    success_message = "名单已发布，公众可在公开名单中查询。"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"发布{context['object']}"
        context["entries"] = context["object"].entries.select_related("province")
        return context

    def perform(self, form):
        services.list_publish(batch=self.get_object(), actor=self.request.user,
                              published_on=form.cleaned_data["published_on"])

    def get_success_url(self):
        return reverse("crackdown:listbatch-detail", args=[self.get_object().pk])


class ListEntryWithdrawView(ServiceFormMixin, ScopedMixin, FormView):
    model = ListEntry
    permission_required = ("crackdown.view_listentry", "crackdown.publish_list")
    form_class = WithdrawForm
    template_name = "crackdown/simple_form.html"
    success_message = "已撤回，撤回记录保留在名单历史中。"

    def get_entry(self):
        if not hasattr(self, "_entry"):
            self._entry = get_object_or_404(self.get_queryset().select_related("batch"), pk=self.kwargs["pk"])
        return self._entry

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        context.update(object=entry, title=f"撤回名单条目：{entry.name}（{entry.batch}）")
        return context

    def perform(self, form):
        services.list_entry_withdraw(entry=self.get_entry(), actor=self.request.user,
                                     reason=form.cleaned_data["reason"])

    def get_success_url(self):
        return reverse("crackdown:listbatch-detail", args=[self.get_entry().batch_id])


class ListEntryRemoveView(ServiceActionMixin, ScopedMixin, View):
    model = ListEntry
    action = "change"
    success_message = "已从草稿名单中删除。"

    def get_entry(self):
        if not hasattr(self, "_entry"):
            self._entry = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return self._entry

    def perform(self):
        services.list_entry_remove(entry=self.get_entry(), actor=self.request.user)

    def get_success_url(self):
        return reverse("crackdown:listbatch-detail", args=[self.get_entry().batch_id])


# --- statistics ----------------------------------------------------------------------------------
class StatisticsView(KeptPageMixin, ScopedMixin, TemplateView):
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


class StatisticsExportView(ServiceActionMixin, ScopedMixin, View):
    """导出Excel: the same table, produced by a background job (progress on the job page)."""

    model = Lead
    permission_required = ("crackdown.view_statistics", "portal.add_job")

    def perform(self):
        form = StatisticsForm(self.request.POST)
        if not self.request.user.is_ministry:
            del form.fields["province"]
        if not form.is_valid():
            raise ApplicationError("请填写正确的统计期间。")
        return services.statistics_export_start(user=self.request.user, date_from=form.cleaned_data["date_from"],
                                                date_to=form.cleaned_data["date_to"],
                                                province=form.cleaned_data.get("province"))

    def get_success_url(self):
        return reverse("job-detail", args=[self.result.pk])

    def get_refused_url(self):
        return reverse("crackdown:statistics")
