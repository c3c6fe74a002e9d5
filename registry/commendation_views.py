"""Pages of the 全国先进社会组织 round (issue 10, point 6).

A round is the ministry's and read by every authority; a province sees its candidates (with the failed
criterion of each excluded one), nominates within its quota and moves its own nominees; the ministry sees
every nominee and exports the national list."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from portal.jobs import job_start
from portal.services import ApplicationError
from portal.views.generic import ScopedMixin
from registry import commendation
from registry.choices import NominationStage
from registry.forms import NominateForm, NominationStepForm, RoundForm
from registry.jobs import COMMENDATION_KIND
from registry.models import CommendationRound, Nomination, Organization

SHOWN_EXCLUDED = 200  # excluded organizations listed on the page (all are counted)


class RoundListView(ScopedMixin, ListView):
    model = CommendationRound
    template_name = "registry/round_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("-reference_date", "-id")


class RoundCreateView(ScopedMixin, FormView):
    model = CommendationRound
    action = "add"
    form_class = RoundForm
    template_name = "registry/form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": "发起先进社会组织评选"}

    def form_valid(self, form):
        try:
            round_ = commendation.round_open(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "已发起评选。")
        return redirect("registry:round-detail", pk=round_.pk)


class RoundDetailView(ScopedMixin, DetailView):
    """The round as the user's authority sees it: quota, nominees, and (to nominate) its candidates."""

    model = CommendationRound
    template_name = "registry/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_, user = self.object, self.request.user
        nominations = (Nomination.objects.restrict(user, "view").filter(round=round_)
                       .select_related("organization", "authority").prefetch_related("steps")
                       .order_by("authority__code", "organization__name"))
        context.update(nominations=nominations, stage_forms={
            n.pk: [(stage, step.label, step.publicity) for stage, step in commendation.STEPS.get(n.stage, {}).items()]
            for n in nominations})
        if user.authority is not None and user.has_perm("registry.add_nomination"):
            authority = commendation.nominating_authority(user)
            nominated = {n.organization_id for n in nominations}
            verdicts = commendation.eligibility(round_, commendation.candidates(round_, user).order_by("name", "id"))
            eligible = [v for v in verdicts if v.eligible and v.organization.pk not in nominated]
            eligible.sort(key=lambda v: (not v.preferred, v.organization.name))
            excluded = [v for v in verdicts if not v.eligible]
            used = sum(1 for n in nominations if n.authority_id == authority.pk and n.stage in commendation.ACTIVE)
            context.update(authority=authority, quota=round_.quota_for(authority), used=used, eligible=eligible,
                           excluded=excluded[:SHOWN_EXCLUDED], excluded_count=len(excluded),
                           step_form=NominationStepForm())
        return context


class NominateView(ScopedMixin, View):
    """Nominate an organization of one's own area (another province's organization: 404)."""

    model = Organization
    action = "change"
    permission_required = ("registry.add_nomination",)

    def post(self, request, pk):
        organization = get_object_or_404(self.get_queryset(), pk=pk)
        form = NominateForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写推荐理由（300 字以内）。")
            return HttpResponseRedirect(reverse("registry:round-list"))
        round_ = get_object_or_404(CommendationRound, pk=form.cleaned_data["round"])
        try:
            commendation.nominate(actor=request.user, round_=round_, organization=organization,
                                  reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已推荐{organization.name}。")
        return redirect("registry:round-detail", pk=round_.pk)


class NominationStepView(ScopedMixin, View):
    """初审、复审、三次公示、报送 (or 不予通过/撤回) of one's own nominee (another's: 404)."""

    model = Nomination
    action = "change"

    def post(self, request, pk):
        nomination = get_object_or_404(self.get_queryset(), pk=pk)
        form = NominationStepForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写正确的日期。")
        else:
            data = form.cleaned_data
            try:
                commendation.nomination_advance(
                    actor=request.user, nomination=nomination, to_stage=data["to_stage"], opinion=data["opinion"],
                    starts_on=data["starts_on"], ends_on=data["ends_on"], objections=data["objections"],
                    objection_outcome=data["objection_outcome"])
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                label = NominationStage(data["to_stage"]).label
                messages.success(request, f"{nomination.organization.name}：{label}。")
        return redirect("registry:round-detail", pk=nomination.round_id)


class RoundExportView(ScopedMixin, View):
    """The forwarded nominees as a workbook (the ministry: the national list; a province: its own)."""

    model = CommendationRound
    permission_required = ("registry.view_nomination", "portal.add_job")

    def post(self, request, pk):
        round_ = get_object_or_404(self.get_queryset(), pk=pk)
        with transaction.atomic():
            job = job_start(kind=COMMENDATION_KIND, user=request.user, authority=request.user.authority,
                            params={"round": round_.pk})
        return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))
