"""Drawing up and publishing a list batch (曝光名单、取缔名单), issue 12 point 7.

The batch page offers the cases eligible for the list to pick from (with search); a wrong entry is shown
again with what was typed and the reason beside the field; 「提请发布」 sends the draft to whoever may
publish it (their home page's 「待发布名单」), who publishes it or returns it with a reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from crackdown import services
from crackdown.choices import ListStatus
from crackdown.forms import ListEntryForm, ReturnListForm
from crackdown.models import Case, Lead, ListBatch
from crackdown.selectors import ELIGIBLE_SHOWN, eligible_cases, list_batch_actions
from crackdown.views import ObjectMixin
from portal.views.service import ServiceActionMixin, ServiceFormMixin, refusal_on

BATCH_QS = ListBatch.objects.select_related("authority", "approver", "created_by", "submitted_by")


def batch_context(request, batch, entry_form=None) -> dict:
    """What the batch page shows; ``entry_form`` is a bound form when an entry was refused."""
    user = request.user
    actions = list_batch_actions(batch, user)
    context = {
        "title": str(batch),
        "entries": batch.entries.select_related("province", "lead", "case", "withdrawn_by"),
        **actions,
    }
    if batch.status == ListStatus.DRAFT and actions["can_change"]:
        q = request.GET.get("q", "") if entry_form is None else request.POST.get("q", "")
        candidates = list(eligible_cases(user, batch, q, limit=ELIGIBLE_SHOWN + 1))
        context.update(
            entry_form=entry_form or ListEntryForm(candidates=eligible_cases(user, batch, limit=None)),
            candidates=candidates[:ELIGIBLE_SHOWN],
            more_candidates=len(candidates) > ELIGIBLE_SHOWN,
            q=q,
        )
    return context


class ListBatchDetailView(ObjectMixin, TemplateView):
    model = ListBatch
    queryset = BATCH_QS
    template_name = "crackdown/listbatch_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(batch_context(self.request, context["object"]))
        return context


class ListEntryAddView(ObjectMixin, View):
    """Adds the picked case (or the lead/case whose number was typed); a refusal re-renders the page."""

    model = ListBatch
    queryset = BATCH_QS
    action = "change"

    def post(self, request, pk):
        batch = self.get_object()
        form = ListEntryForm(request.POST, candidates=eligible_cases(request.user, batch, limit=None))
        if form.is_valid():
            data = form.cleaned_data
            case, lead = data.get("case"), None
            field = "case" if case else "number"
            if case is None:
                case = Case.objects.restrict(request.user, "view").filter(number=data["number"]).first()
                lead = None if case else Lead.objects.restrict(request.user, "view") \
                    .filter(number=data["number"]).first()
            if case is None and lead is None:
                form.add_error("number", f"未找到编号为 {data['number']} 的线索或案件（仅能选择本辖区的）。")
            else:
                with refusal_on(form, field=field):
                    entry = services.list_entry_add(batch=batch, actor=request.user, case=case,
                                                    lead=lead or (case.lead if case else None), name=data["name"])
                if form.is_valid():
                    messages.success(request, f"已添加“{entry.name}”。")
                    return HttpResponseRedirect(reverse("crackdown:listbatch-detail", args=[batch.pk]))
        context = {"object": batch, **batch_context(request, batch, entry_form=form)}
        return render(request, "crackdown/listbatch_detail.html", context)


class ListSubmitView(ServiceActionMixin, ObjectMixin, View):
    """提请发布 (a POST from the batch page)."""

    model = ListBatch
    action = "change"
    success_message = "已提请发布，发布人将在首页「待发布名单」中看到。"

    def perform(self):
        return services.list_submit(batch=self.get_object(), actor=self.request.user)

    def get_success_url(self):
        return reverse("crackdown:listbatch-detail", args=[self.kwargs["pk"]])


class ListReturnView(ServiceFormMixin, ObjectMixin, FormView):
    """退回: the publisher sends a submitted list back to its clerk with a reason."""

    model = ListBatch
    permission_required = ("crackdown.view_listbatch", "crackdown.publish_list")
    form_class = ReturnListForm
    template_name = "crackdown/simple_form.html"
    success_message = "已退回编制人修改。"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"退回{context['object']}"
        return context

    def perform(self, form):
        return services.list_return(batch=self.get_object(), actor=self.request.user,
                                    reason=form.cleaned_data["reason"])

    def get_success_url(self):
        return reverse("crackdown:listbatch-detail", args=[self.kwargs["pk"]])
