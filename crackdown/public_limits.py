"""The public report's budgets: one per client address and one per browser session, shared by the
report page and the report API, each refusal audited (action 频率限制拒绝)."""

from __future__ import annotations

from django.core.cache import cache
from django_ratelimit.core import is_ratelimited

from crackdown.conf import REPORT_RATE_GROUP, REPORT_SESSION_GROUP, report_rate, report_session_rate
from portal.audit import record_change
from portal.middleware import client_ip
from portal.models import AuditAction


def _session_key(group, request):
    if not request.session.session_key:
        request.session.save()  # a sender without a session gets one (its cookie comes with the answer)
    return request.session.session_key


def report_refused(request) -> bool:
    """Count one report (page or API) against both budgets; True, and an audit row, when over either.

    Audited with the limit that refused it; at most one row per budget and minute, so a flood cannot
    flood the audit log.
    """
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
