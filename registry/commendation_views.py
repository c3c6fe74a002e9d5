"""Pages of the 全国先进社会组织 round (issue 10, point 6).

A round is the ministry's and read by every authority; a province sees the stored verdicts of its own
organizations (eligible, or the failed criterion of each excluded one; ``RoundVerdict``), recomputes them
(重新核算), nominates within its quota and moves its own nominees; the ministry sees every verdict and every
nominee, moves only its own (部管) nominees and exports the national list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from portal.models import Job
from portal.services import ApplicationError
from portal.views.generic import ScopedMixin
from registry import commendation
from registry.choices import NominationStage
from registry.filtersets import RoundVerdictFilterSet
from registry.forms import NominateForm, NominationStepForm, RoundForm
from registry.models import CommendationRound, Nomination, Organization, RoundVerdict
from registry.pagination import DEFAULT_SORT, SORTS, estimated_count, keyset_page


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
    """The round as the user's authority sees it: quota, nominees, and the stored verdicts of its area's
    organizations (filtered, keyset pages), with 推荐 on its own eligible ones."""

    model = CommendationRound
    template_name = "registry/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_, user = self.object, self.request.user
        nominations = (Nomination.objects.restrict(user, "view").filter(round=round_)
                       .select_related("organization", "authority").prefetch_related("steps")
                       .order_by("authority__code", "organization__name"))
        # the steps the user may take: a province on its own nominees, the ministry on its own (部管) ones only
        movable = set(Nomination.objects.restrict(user, "change").filter(round=round_).values_list("pk", flat=True))
        context.update(nominations=nominations, stage_forms={
            n.pk: [(stage, step.label, step.publicity) for stage, step in commendation.STEPS.get(n.stage, {}).items()]
            for n in nominations if n.pk in movable})
        if user.authority is not None and user.has_perm("registry.view_roundverdict"):
            context.update(self.verdicts_context(round_, user))
        if user.authority is not None and user.has_perm("registry.add_nomination"):
            authority = commendation.nominating_authority(user)
            used = sum(1 for n in nominations if n.authority_id == authority.pk and n.stage in commendation.ACTIVE)
            context.update(authority=authority, quota=round_.quota_for(authority), used=used,
                           own_area="00" if authority.is_ministry else authority.code[:2],
                           step_form=NominationStepForm())
        return context

    def verdicts_context(self, round_, user) -> dict:
        verdicts = RoundVerdict.objects.restrict(user, "view").filter(round=round_).select_related("authority")
        filterset = RoundVerdictFilterSet(self.request.GET, queryset=verdicts, request=self.request)
        filterset.filters.pop("round")  # the page's own round
        rows = filterset.qs if filterset.is_valid() else verdicts.none()
        page = keyset_page(rows, sort=self.request.GET.get("sort", DEFAULT_SORT), cursor=self.request.GET.get("cursor"))
        page_ids = [v.organization_id for v in page.rows]
        query = self.request.GET.copy()
        query.pop("cursor", None)
        status = commendation.verdicts_status(round_, user)
        pending = status["pending"]
        return {
            "filter": filterset, "page": page, "count": estimated_count(rows), "base_query": query.urlencode(),
            "sorts": [(key, label) for key, (_, label) in SORTS.items()],
            "nominated": set(Nomination.objects.filter(round=round_, organization_id__in=page_ids)
                             .values_list("organization_id", flat=True)),
            "last_computed": status["last"], "pending": pending,
            "pending_visible": pending is not None
            and Job.objects.restrict(user, "view").filter(pk=pending.pk).exists(),
            "can_recompute": user.has_perm("registry.recompute_roundverdict") and user.has_perm("portal.add_job"),
        }


class RoundRecomputeView(ScopedMixin, View):
    """重新核算: the verdict job for the user's part of the register (the ministry: all; a province: its own)."""

    model = CommendationRound
    permission_required = ("registry.recompute_roundverdict", "portal.add_job")

    def post(self, request, pk):
        round_ = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            job = commendation.verdicts_recompute(actor=request.user, round_=round_)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已开始重新核算（{job.title}），完成后本页显示新的结果。")
        return redirect("registry:round-detail", pk=round_.pk)


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
        try:
            job = commendation.national_list_export(actor=request.user, round_=round_)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("registry:round-detail", pk=round_.pk)
        return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))
