"""The case steps as a clerk meets them (issue 12 point 8): required fields first and marked, a case from a
lead starts with its summary and parties, buttons coloured by consequence, irreversible steps confirmed,
the printable 立案审批表 and 取缔决定书."""

from __future__ import annotations

import re

import pytest

from crackdown.choices import CaseStage, LeadStatus
from crackdown.forms import TransitionForm
from crackdown.services import case_transition, lead_set_status, lead_to_case
from crackdown.workflow import TRANSITIONS, is_irreversible, step_tone
from tests.crackdown.conftest import document

pytestmark = pytest.mark.django_db


def test_tones_follow_the_consequence():
    assert step_tone(CaseStage.FILING, CaseStage.INVESTIGATION) == "success"  # 批准立案
    assert step_tone(CaseStage.FILING, CaseStage.NOT_FILED) == "danger"  # 不予立案
    assert step_tone(CaseStage.DECISION, CaseStage.SERVICE) == "danger"  # 取缔
    assert step_tone(CaseStage.DECISION, CaseStage.WITHDRAWN) == "danger"  # 撤案
    assert step_tone(CaseStage.LEGAL_REVIEW, CaseStage.INVESTIGATION) == "secondary"  # 退回补充调查
    assert step_tone(CaseStage.DECISION, CaseStage.NOTICE) == "secondary"
    assert step_tone(CaseStage.DECISION, CaseStage.REGISTERED) == "success"  # 引导登记
    assert is_irreversible(CaseStage.SERVICE, TRANSITIONS[CaseStage.DECISION][CaseStage.SERVICE])
    assert is_irreversible(CaseStage.CLOSED, TRANSITIONS[CaseStage.ANNOUNCEMENT][CaseStage.CLOSED])
    assert not is_irreversible(CaseStage.REPORT, TRANSITIONS[CaseStage.INVESTIGATION][CaseStage.REPORT])


def test_required_fields_come_first(make_case, hebei_staff):
    case = make_case(hebei_staff, CaseStage.NOTICE)
    form = TransitionForm(case=case, to_stage=CaseStage.HEARING)
    names = [n for n in form.fields if n != "version"]
    required = [n for n in names if form.fields[n].required]
    assert required == ["hearing_on", "hearing_officer"]
    assert names[:len(required)] == required and names[-1] == "documents"


def test_case_from_a_lead_copies_summary_and_parties(client, make_lead, hebei_staff):
    lead = make_lead(hebei_staff, "华夏养生促进会", description="以讲座名义收取会费。",
                     persons="王某，会长，13900001111")
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CONFIRMED, note="经实地核查属实。")
    lead.refresh_from_db()
    client.force_login(hebei_staff)
    page = client.get(f"/crackdown/leads/{lead.pk}/to-case/").content.decode()
    assert "以讲座名义收取会费。" in page and "王某，会长，13900001111" in page
    # required fields first, marked
    assert page.index('name="org_name"') < page.index('name="summary"') < page.index('name="note"')
    assert "（必填）" in page
    case = lead_to_case(lead=lead, actor=hebei_staff, target_type="unregistered",
                        documents=[document("filing_form")])
    assert case.summary.startswith("以讲座名义收取会费。") and case.parties == "王某，会长，13900001111"


def test_buttons_are_coloured_and_irreversible_steps_confirm(client, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff, CaseStage.DECISION)
    client.force_login(hebei_approver)
    page = client.get(f"/crackdown/cases/{case.pk}/").content.decode()
    buttons = {stage: tone for tone, stage in re.findall(r'data-tone="(\w+)" href="[^"]*/step/(\w+)/"', page)}
    assert buttons["service"] == "danger" and buttons["withdrawn"] == "danger" and buttons["notice"] == "secondary"
    form = client.get(f"/crackdown/cases/{case.pk}/step/service/").content.decode()
    assert "data-confirm=" in form and 'id="irreversible-note"' in form and "btn-danger" in form
    back = client.get(f"/crackdown/cases/{case.pk}/step/notice/").content.decode()
    assert "data-confirm=" not in back and "btn-secondary" in back


def test_printable_filing_form_and_ban_decision(client, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff, CaseStage.DECISION, name="国际孝道文化促进总会", parties="李某，负责人")
    client.force_login(hebei_staff)
    filing = client.get(f"/crackdown/cases/{case.pk}/print/filing-form/").content.decode()
    assert "立案审批表" in filing and "国际孝道文化促进总会" in filing and "李某，负责人" in filing
    assert "《取缔非法社会组织办法》第二条" in filing and "css/print.css" in filing
    assert client.get(f"/crackdown/cases/{case.pk}/print/decision/").status_code == 404  # no ban yet
    assert client.get(f"/crackdown/cases/{case.pk}/print/other/").status_code == 404
    case = case_transition(case=case, to_stage=CaseStage.SERVICE, actor=hebei_approver,
                           expected_version=case.version, decision_number="冀民取字〔2025〕7号",
                           documents=[("decision", document("decision"))])
    decision = client.get(f"/crackdown/cases/{case.pk}/print/decision/").content.decode()
    assert "取缔决定书" in decision and "冀民取字〔2025〕7号" in decision
    assert "对国际孝道文化促进总会予以取缔" in decision and "《社会团体登记管理条例》第三十二条" in decision
    assert "六十日内" in decision and "河北省民政厅" in decision
    assert "打印取缔决定书" in client.get(f"/crackdown/cases/{case.pk}/").content.decode()
