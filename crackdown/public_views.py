"""Public pages (no login): the published lists, the report form (举报), the receipt status lookup.

URL names start with ``public-`` (the URL walk test lets only those answer anonymous users).  The
report form has a captcha and a per-address rate limit; the status page shows only 已受理 / 核查中 /
已办结, nothing of the case.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views import View

from crackdown import services
from crackdown.choices import PublicStatus
from crackdown.conf import RATE_LIMITED_MESSAGE, status_rate
from crackdown.filtersets import PublicEntryFilterSet
from crackdown.forms import PublicListSearchForm, PublicReportForm, PublicStatusForm
from crackdown.models import Lead
from crackdown.public_limits import report_refused
from crackdown.selectors import public_entries
from portal.middleware import client_ip
from portal.ratelimit import limited, per_client


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


@per_client(rate=status_rate, method="GET")
class PublicStatusView(View):
    def get(self, request):
        form = PublicStatusForm(request.GET or None)
        context = {"title": "举报办理进度查询", "form": form}
        if form.is_bound:
            if limited(request):
                return render(request, "crackdown/public/limited.html",
                              {"title": "查询过于频繁", "message": "您查询得过于频繁，请稍后再试。"}, status=429)
            if form.is_valid():
                lead = (Lead.objects.filter(receipt_number=form.cleaned_data["receipt"].strip().upper())
                        .select_related("case").first())
                context["status"] = PublicStatus(lead.public_status).label if lead else None
                context["not_found"] = lead is None
        return render(request, "crackdown/public/status.html", context)
