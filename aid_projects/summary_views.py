"""汇总下载: start the Excel summary jobs, download their latest results and the blank templates.

- ministry staff: the national need, supply and liaison workbooks of a campaign;
- an aiding province: the accepted need lists of its paired recipients;
- every province: its own attachment(s) of the campaign, from the rows as they are now;
- anyone logged in: the blank forms (附件1–3), written on the fly.

Starting is a POST that creates a Job (``portal.add_job``, ``services.summary_start``) and redirects
to its progress page; the result is downloaded through ``job-download``, which audits every download.
Who may start which summary is read in ``selectors`` (the page's buttons and the service agree).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from aid_projects import jobs, services
from aid_projects.choices import ListKind
from aid_projects.models import AidList, Campaign
from aid_projects.selectors import may_run_national, may_run_paired, own_lists, running_summary, summary_params
from aid_projects.sheets import SPECS
from aid_projects.writer import write_blank_template
from portal.audit import record_download
from portal.excel import XLSX_CONTENT_TYPE
from portal.jobs import REGISTRY, latest_result
from portal.models import Job
from portal.views.generic import ScopedMixin

TEMPLATE_KINDS = {kind.value: kind for kind in ListKind}


@dataclass
class Entry:
    """One downloadable summary on the page: how to start it, its last good file, its run in progress."""

    kind: str
    title: str
    field: str  # the POST field naming the object: "campaign" or "list"
    value: int
    latest: Job | None
    running: Job | None
    note: str = ""
    changed: object = None  # the last submission or decision the file must include (None: not tracked)

    @property
    def current(self) -> bool:
        """The latest file was started after the last submission or decision, so it includes it."""
        if self.changed is None:
            return self.latest is not None
        return self.latest is not None and self.latest.started is not None and self.latest.started >= self.changed


def _entry(user, kind: str, title: str, field: str, value: int, note: str = "", changed=None) -> Entry:
    params = summary_params(field, value)
    return Entry(kind=kind, title=title, field=field, value=value, note=note, changed=changed,
                 latest=latest_result(kind, user.authority, params),
                 running=running_summary(kind, user.authority, params))


def _national_changed(campaign: Campaign) -> dict:
    """{national job kind: the last submission or decision of its lists} — what its file must include."""
    lists = AidList.objects.filter(campaign=campaign)
    return {kind: jobs.last_event(lists.filter(kind=list_kind))
            for list_kind, kind in jobs.NATIONAL_BY_LIST_KIND.items()}


class SummaryMixin(ScopedMixin):
    """Login and ``portal.add_job``: whoever may start background jobs."""

    model = Job
    action = "add"


class SummaryPageView(SummaryMixin, View):
    template_name = "aid_projects/summaries.html"

    def get(self, request):
        user = request.user
        campaigns = Campaign.objects.restrict(user, "view").order_by("-year", "-id")
        selected = request.GET.get("campaign", "")
        if selected.isdigit():
            campaign = get_object_or_404(campaigns, pk=selected)
        else:  # the open campaign, else the latest
            campaign = campaigns.filter(is_open=True).first() or campaigns.first()
        national, paired, own = [], [], []
        if campaign is not None:
            changed = _national_changed(campaign) if user.is_ministry else {}
            for kind in jobs.NATIONAL_KINDS:
                if may_run_national(user, kind):
                    national.append(_entry(user, kind, REGISTRY[kind].title, "campaign", campaign.pk,
                                           note="清单报送、接收或退回后由后台自动重新生成", changed=changed[kind]))
            if may_run_paired(user):
                paired.append(_entry(user, jobs.PAIRED_NEEDS, REGISTRY[jobs.PAIRED_NEEDS].title, "campaign",
                                     campaign.pk, note="只包括部里已接收的需求清单，每个受援省份一张表。"))
            for aid_list in own_lists(user, campaign):
                spec = SPECS[aid_list.kind]
                own.append(_entry(user, jobs.ATTACHMENT, f"{spec.attachment} {spec.title}", "list", aid_list.pk,
                                  note=f"清单状态：{aid_list.get_status_display()}"))
        sections = []
        if national:
            sections.append({"id": "national", "title": "全国汇总（民政部社会组织管理局）", "entries": national})
        if paired:
            sections.append({"id": "paired", "title": "结对受援地的需求清单", "entries": paired})
        if campaign is not None and user.authority is not None and user.authority.is_province:
            sections.append({"id": "own", "title": "本省附件（按当前填报内容生成）", "entries": own,
                             "empty": f"本省在{campaign.name}中还没有清单。"})
        return render(request, self.template_name, {
            "title": "汇总下载", "campaigns": campaigns, "campaign": campaign, "sections": sections,
            "templates": [(kind, SPECS[kind]) for kind in TEMPLATE_KINDS],
        })


class SummaryStartView(SummaryMixin, View):
    """POST: start one summary job (``services.summary_start``); wrong role → 403, another province's list → 404."""

    def post(self, request, kind):
        try:
            job, started = services.summary_start(user=request.user, kind=kind,
                                                  campaign_id=request.POST.get("campaign"),
                                                  list_id=request.POST.get("list"))
        except services.SummaryNotFound as exc:
            raise Http404(exc.message) from None
        except services.SummaryNotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        if not started:
            messages.info(request, "这份汇总正在生成，请稍候。")
        return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))


class BlankTemplateView(LoginRequiredMixin, View):
    """GET: the empty form of an attachment, with the user's own bureau on the 单位 line."""

    def get(self, request, kind):
        if kind not in TEMPLATE_KINDS:
            raise Http404("未知的附件。")
        spec = SPECS[kind]
        authority = request.user.authority
        unit = authority.bureau_name if authority is not None and not authority.is_ministry else ""
        buffer = io.BytesIO()
        write_blank_template(buffer, kind, unit)
        buffer.seek(0)
        filename = f"{spec.attachment}{spec.title.removeprefix('社会组织')}（空白）.xlsx"
        record_download(actor=request.user, filename=filename)
        return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
