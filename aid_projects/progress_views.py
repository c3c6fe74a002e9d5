"""The ministry's campaign progress page (issue 12 point 9), 催报, and accepting several lists at once (point 2)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from aid_projects import services
from aid_projects.choices import ListKind
from aid_projects.models import AidList, Campaign, Reminder
from aid_projects.progress import NOT_SUBMITTED, STATES, progress_page
from portal.views.generic import ScopedMixin
from portal.views.service import ServiceActionMixin


class ProgressFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATES])
    kind = forms.ChoiceField(label="清单", required=False, choices=[("", "全部清单"), *ListKind.choices])
    q = forms.CharField(label="省份", required=False, max_length=20)


class CampaignMixin(ScopedMixin):
    model = Campaign

    def get_campaign(self):
        if not hasattr(self, "_campaign"):
            self._campaign = get_object_or_404(Campaign.objects.restrict(self.request.user, "view"),
                                               pk=self.kwargs["pk"])
        return self._campaign


class CampaignProgressView(CampaignMixin, TemplateView):
    """Counts by state, the filtered table, the tile-grid map, 催报 and 批量接收."""

    permission_required = ("aid_projects.view_campaign", "aid_projects.decide_aidlist")
    template_name = "aid_projects/campaign_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.get_campaign()
        form = ProgressFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page = progress_page(campaign, self.request.user, state=filters.get("state", ""),
                             kind=filters.get("kind", ""), q=(filters.get("q") or "").strip())
        context.update(
            object=campaign,
            title=f"{campaign.name} 填报进度",
            form=form,
            page=page,
            map_data={"tiles": page.tiles, "legend": page.legend},
            to_remind=sum(1 for tile in page.tiles if tile["state"] in NOT_SUBMITTED),
            reminders=Reminder.objects.restrict(self.request.user, "view").filter(campaign=campaign)
            .select_related("authority", "sent_by")[:10],
            can_remind=self.request.user.has_perm("aid_projects.add_reminder") and campaign.is_open,
        )
        return context


class CampaignRemindView(ServiceActionMixin, CampaignMixin, View):
    """催报: a reminder to every province with lists not yet submitted."""

    permission_required = ("aid_projects.view_campaign", "aid_projects.add_reminder")

    def perform(self):
        return services.campaign_remind(campaign=self.get_campaign(), actor=self.request.user)

    def get_success_message(self):
        return f"已向 {len(self.result)} 个省（区、市）发出催报：" + "、".join(
            r.authority.name for r in self.result) + "。他们登录后将在首页看到。"

    def get_success_url(self):
        return reverse("aid_projects:campaign-progress", args=[self.kwargs["pk"]])


class ListsAcceptView(CampaignMixin, View):
    """批量接收: the submitted lists ticked on the progress page, each accepted and audited on its own."""

    permission_required = ("aid_projects.view_campaign", "aid_projects.decide_aidlist")

    def post(self, request, pk):
        campaign = self.get_campaign()
        ids = [int(v) for v in request.POST.getlist("lists") if v.isdigit()]
        back = HttpResponseRedirect(reverse("aid_projects:campaign-progress", args=[campaign.pk])
                                    + "?state=submitted")
        if not ids:
            messages.error(request, "请先勾选要接收的清单。")
            return back
        lists = list(AidList.objects.restrict(request.user, "view").filter(campaign=campaign, pk__in=ids)
                     .select_related("authority").order_by("authority__code", "kind"))
        accepted, refused = services.lists_accept(aid_lists=lists, user=request.user)
        if accepted:
            messages.success(request, f"已接收 {len(accepted)} 份清单：" + "、".join(
                f"{a.authority.name}{a.get_kind_display()}" for a in accepted) + "。")
        for aid_list, reason in refused:
            messages.error(request, f"{aid_list.authority.name}{aid_list.get_kind_display()}未接收：{reason}")
        return back

