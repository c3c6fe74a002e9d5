"""Configurable durations.  The measures leave step deadlines to practice, so they are settings.

``settings.CRACKDOWN_STEP_DAYS`` may override any of the defaults below (days, by stage value);
``settings.CRACKDOWN_LEAD_CHECK_DAYS`` is the time allowed to check a new lead;
``settings.CRACKDOWN_CASE_DAYS`` the case's own time from 立案 to the decision.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from crackdown.choices import CaseStage
from portal.ratelimit import setting_rate

DEFAULT_STEP_DAYS = {
    CaseStage.FILING: 3,          # 立案审批
    CaseStage.INVESTIGATION: 60,  # 调查取证
    CaseStage.REPORT: 7,          # 调查终结报告
    CaseStage.LEGAL_REVIEW: 10,   # 法制审核
    CaseStage.NOTICE: 5,          # 告知后当事人陈述申辩
    CaseStage.DECISION: 7,        # 决定审批
    CaseStage.HEARING: 20,        # 听证
    CaseStage.SERVICE: 7,         # 送达: 《行政处罚法》第六十一条
    CaseStage.ANNOUNCEMENT: 10,   # 公告
}
DEFAULT_LEAD_CHECK_DAYS = 30
# 《行政处罚法》第六十条: a decision within ninety days of 立案 unless a law, regulation or rule says otherwise
DEFAULT_CASE_DAYS = 90
# 《行政处罚法》第六十一条: a decision not handed over on the spot is served within seven days
# (the law's figure, not a setting)
SERVICE_DAYS = 7


def step_days() -> dict[str, int]:
    days = {str(k): v for k, v in DEFAULT_STEP_DAYS.items()}
    days.update({str(k): int(v) for k, v in getattr(settings, "CRACKDOWN_STEP_DAYS", {}).items()})
    return days


def step_due(stage: str, start: date) -> date | None:
    days = step_days().get(str(stage))
    return start + timedelta(days=days) if days else None


def lead_check_due(start: date) -> date:
    return start + timedelta(days=int(getattr(settings, "CRACKDOWN_LEAD_CHECK_DAYS", DEFAULT_LEAD_CHECK_DAYS)))


def case_deadline(filed_on: date) -> date:
    return filed_on + timedelta(days=int(getattr(settings, "CRACKDOWN_CASE_DAYS", DEFAULT_CASE_DAYS)))


# --- the public report and status lookup: limits per client address (portal.ratelimit) -------------
# per address: high enough for the citizens behind one proxy or NAT; per session: one sender is
# stopped long before the address's budget is spent
report_rate = setting_rate("CRACKDOWN_REPORT_RATE", "20/h")
report_session_rate = setting_rate("CRACKDOWN_REPORT_SESSION_RATE", "5/h")
status_rate = setting_rate("CRACKDOWN_STATUS_RATE", "60/h")
RATE_LIMITED_MESSAGE = "您提交得过于频繁，请一小时后再试。如情况紧急，请拨打举报电话。"
# The report page and the report API spend one budget per client address.
REPORT_RATE_GROUP = "crackdown.public_report"
REPORT_SESSION_GROUP = "crackdown.public_report.session"
