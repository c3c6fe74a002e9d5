"""Public pages (no login): the published lists, the report form (举报), the receipt status lookup.

URL names start with ``public-`` (the URL walk test lets only those answer anonymous users).  The
report form has a captcha and a per-address rate limit; the status page shows only 已受理 / 核查中 /
已办结, nothing of the case.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from crackdown import services
from crackdown.choices import PublicStatus
from crackdown.filtersets import PublicEntryFilterSet
from crackdown.forms import PublicListSearchForm, PublicReportForm, PublicStatusForm
from crackdown.models import Lead
from crackdown.selectors import public_entries
from portal.middleware import client_ip


def report_rate(group, request):
    """Per client address: high enough for the citizens behind one proxy or NAT."""
    return getattr(settings, "CRACKDOWN_REPORT_RATE", "20/h")


def report_session_rate(group, request):
    """Per browser session: one sender is stopped long before the address's budget is spent."""
    return getattr(settings, "CRACKDOWN_REPORT_SESSION_RATE", "5/h")


def status_rate(group, request):
    return getattr(settings, "CRACKDOWN_STATUS_RATE", "60/h")


RATE_LIMITED_MESSAGE = "您提交得过于频繁，请一小时后再试。如情况紧急，请拨打举报电话。"
# The report page and the report API spend one budget per client address (portal.middleware.client_ip)
# and one per session.
REPORT_RATE_GROUP = "crackdown.public_report"
REPORT_SESSION_GROUP = "crackdown.public_report.session"


def _session_key(group, request):
    if not request.session.session_key:
        request.session.save()  # a sender without a session gets one (its cookie comes with the answer)
    return request.session.session_key


def report_refused(request) -> bool:
    """Count one report (page or API) against both budgets; True, and an audit row, when over either.

    Audited (action 频率限制拒绝) with the limit that refused it; at most one row per budget and
    minute, so a flood cannot flood the audit log.
    """
    from django.core.cache import cache

    from portal.audit import record_change
    from portal.models import AuditAction

    request = getattr(request, "_request", request)  # the API's DRF request wraps Django's
    budgets = [("同一来源地址", REPORT_RATE_GROUP, "ip", report_rate),
               ("同一会话", REPORT_SESSION_GROUP, _session_key, report_session_rate)]
    refused = [(label, group, key, rate) for label, group, key, rate in budgets
               if is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)]
    for label, group, key, rate in refused:
        ident = key(group, request) if callable(key) else client_ip(request)
        if cache.add(f"report-refusal-audited:{group}:{ident}", 1, timeout=60):
            record_change(actor=None, action=AuditAction.RATE_LIMITED, username="公众举报",
                          note=f"举报提交过于频繁被拒绝：{label}限 {rate(group, request)}（次/时间）")
    return bool(refused)



class PublicListView(View):
    def get(self, request):
        filterset = PublicEntryFilterSet(request.GET or None, queryset=public_entries())
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        return render(request, "crackdown/public/lists.html", {
            "title": "非法社会组织名单公开查询", "form": PublicListSearchForm(request.GET or None), "page": page,
        })


class PublicReportView(View):
    template_name = "crackdown/public/report.html"

    def get(self, request):
        return render(request, self.template_name, {"title": "举报非法社会组织", "form": PublicReportForm()})

    def post(self, request):
        if report_refused(request):
            # refused, but what the citizen typed stays in the form (a new captcha to answer later)
            form = PublicReportForm(initial={k: v for k, v in request.POST.items()
                                             if k in PublicReportForm.base_fields and k != "captcha"})
            return render(request, self.template_name, {"title": "举报非法社会组织", "form": form,
                                                        "refused": RATE_LIMITED_MESSAGE}, status=429)
        form = PublicReportForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"title": "举报非法社会组织", "form": form}, status=400)
        data = form.cleaned_data
        lead = services.public_report_create(
            org_name=data["org_name"], place=data["place"], description=data["description"],
            informant={"name": data["name"], "phone": data["phone"], "email": data["email"]}, ip=client_ip(request),
        )
        return render(request, "crackdown/public/report_done.html",
                      {"title": "举报已提交", "receipt": lead.receipt_number})


@method_decorator(ratelimit(key="ip", rate=status_rate, method="GET", block=False), name="get")
class PublicStatusView(View):
    def get(self, request):
        form = PublicStatusForm(request.GET or None)
        context = {"title": "举报办理进度查询", "form": form}
        if form.is_bound:
            if getattr(request, "limited", False):
                return render(request, "crackdown/public/limited.html",
                              {"title": "查询过于频繁", "message": "您查询得过于频繁，请稍后再试。"}, status=429)
            if form.is_valid():
                lead = (Lead.objects.filter(receipt_number=form.cleaned_data["receipt"].strip().upper())
                        .select_related("case").first())
                context["status"] = PublicStatus(lead.public_status).label if lead else None
                context["not_found"] = lead is None
        return render(request, "crackdown/public/status.html", context)
