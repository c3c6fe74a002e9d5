"""Printable case documents from the case's data (issue 12 point 8): 立案审批表 and 取缔决定书.

HTML pages with a print stylesheet (static/css/print.css: A4, the portal's navigation hidden), filled
from the case, its timeline and its records; the signed paper is uploaded back as the step's document.
"""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from crackdown.choices import CaseOutcome, CaseStage
from crackdown.models import Case
from crackdown.views import ObjectMixin

# the legal grounds each document names (docs/CRACKDOWN_RULES.md rows 1, 4, 10, 11)
FILING_GROUNDS = ("《取缔非法社会组织办法》第二条", "《中华人民共和国行政处罚法》第五十四条")
BAN_GROUNDS = ("《取缔非法社会组织办法》第二条", "《社会团体登记管理条例》第三十二条", "《基金会管理条例》第四十条",
               "《民办非企业单位登记管理暂行条例》第二十七条")

DOCUMENTS = {
    "filing-form": ("立案审批表", "crackdown/print/filing_form.html"),
    "decision": ("取缔决定书", "crackdown/print/decision.html"),
}


class CasePrintView(ObjectMixin, TemplateView):
    model = Case
    queryset = Case.objects.select_related("authority", "lead", "created_by", "jurisdiction_authority")

    def get_template_names(self):
        return [self.document()[1]]

    def document(self):
        found = DOCUMENTS.get(self.kwargs["document"])
        if found is None:
            raise Http404("没有这种文书。")
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = context["object"]
        title = self.document()[0]
        if self.kwargs["document"] == "decision" and case.outcome != CaseOutcome.BANNED:
            raise Http404("本案未作出取缔决定，没有取缔决定书。")
        events = list(case.events.select_related("actor", "requested_by"))
        opened = next((e for e in events if not e.from_stage), None)
        approved = next((e for e in events if e.from_stage == CaseStage.FILING), None)
        decided = next((e for e in reversed(events) if e.to_stage == CaseStage.SERVICE), None)
        notified = next((e for e in reversed(events) if e.to_stage == CaseStage.NOTICE), None)
        context.update(
            title=f"{title}：{case.number}",
            document_title=title,
            opened=opened,
            approved=approved,
            decided=decided,
            notified=notified,
            heard=any(e.from_stage == CaseStage.HEARING for e in events),
            evidence=case.evidence.all(),
            confiscations=case.confiscations.all(),
            filing_grounds=FILING_GROUNDS,
            ban_grounds=BAN_GROUNDS,
            parties=[line.strip() for line in case.parties.splitlines() if line.strip()],
        )
        return context
