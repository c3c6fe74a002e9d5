"""Public register query (社会组织信息查询): no login, no captcha for reading, a rate limit per client.

Shows what the national platform shows — name, credit code, kind, registering authority, status, the
current grade, list entries while in force — and nothing personal (no legal representative, no address,
no penalties' details beyond what the lists publish).  URL names start with ``public-``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views import View

from portal.ratelimit import limited, per_client, setting_rate
from registry.filtersets import PublicOrganizationFilterSet
from registry.models import Organization
from registry.pagination import estimated_count, keyset_page

PUBLIC_QS = Organization.objects.select_related("authority", "authority__parent", "authority__parent__parent")
LIMITED_MESSAGE = "查询过于频繁，请稍后再试。"


public_rate = setting_rate("REGISTRY_PUBLIC_RATE", "120/m")  # one budget per client for every public register page


def _limited(request):
    return render(request, "crackdown/public/limited.html", {"title": "查询过于频繁", "message": LIMITED_MESSAGE},
                  status=429)


@per_client(group="registry-public", rate=public_rate, method="GET")
class PublicSearchView(View):
    def get(self, request):
        if limited(request):
            return _limited(request)
        filterset = PublicOrganizationFilterSet(request.GET or None, queryset=PUBLIC_QS)
        context = {"title": "社会组织信息查询", "filter": filterset}
        if filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data.get("q"):
            qs = filterset.qs
            page = keyset_page(qs, cursor=request.GET.get("cursor"))
            query = request.GET.copy()
            query.pop("cursor", None)
            count = estimated_count(qs, narrowed=filterset.narrowed_to_province())
            context.update(page=page, count=count, base_query=query.urlencode())
        return render(request, "registry/public/search.html", context)


@per_client(group="registry-public", rate=public_rate, method="GET")
class PublicOrganizationView(View):
    def get(self, request, pk):
        if limited(request):
            return _limited(request)
        org = get_object_or_404(PUBLIC_QS, pk=pk)
        entries = org.creditlistentrys.filter(removed_on__isnull=True).only("list_kind", "entered_on", "ground")
        return render(request, "registry/public/organization.html",
                      {"title": org.name, "org": org, "grade": org.current_grade(), "entries": entries})
