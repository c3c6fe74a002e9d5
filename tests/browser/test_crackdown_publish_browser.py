"""Issue 12 points 7 and 8 in Chromium: a ban list drawn up from the eligible cases (search, a wrong entry
kept with its error), 提请发布 to the approver's 「待发布名单」, publishing; the case page's coloured step
buttons, the confirmation of an irreversible step, the printable 立案审批表 and 取缔决定书.  axe-core runs
on every page visited."""

import re

import pytest

from crackdown.choices import CaseStage, TargetType
from crackdown.models import Case, CaseEvent
from crackdown.roles import APPROVER
from crackdown.services import case_create, case_transition
from tests.browser.a11y import assert_accessible
from tests.conftest import ARTIFACTS
from tests.crackdown.conftest import document
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def case_at_decision(staff, name, parties=""):
    case = case_create(actor=staff, org_name=name, target_type=TargetType.UNREGISTERED, parties=parties,
                       summary="以讲座名义发展会员、收取会费。", documents=[document("filing_form")])
    Case.objects.filter(pk=case.pk).update(stage=CaseStage.DECISION, filed_on="2025-06-01")
    CaseEvent.objects.create(case=case, from_stage=CaseStage.FILING, to_stage=CaseStage.DECISION, actor=staff)
    case.refresh_from_db()
    return case


def test_case_steps_and_print(page):
    staff = make_user("hb_p_staff", "130000", "省级工作人员")
    make_user("hb_p_leader", "130000", "省级工作人员", APPROVER)
    case = case_at_decision(staff, "中华国学养生研究总院", parties="赵某，会长")
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    login(page, "hb_p_leader")
    assert_accessible(page)
    page.goto(f"/crackdown/cases/{case.pk}/")
    assert_accessible(page)
    ban = page.get_by_role("link", name=re.compile("作出取缔决定"))
    assert "btn-danger" in ban.get_attribute("class")
    assert "btn-secondary" in page.get_by_role("link", name="退回，重新告知").get_attribute("class")
    assert page.locator("#case-parties").inner_text() == "赵某，会长"
    page.screenshot(path=str(ARTIFACTS / "crackdown-case-steps.png"), full_page=True)
    # the filing form prints from the case's data
    link = page.get_by_role("link", name="打印立案审批表")
    assert link.get_attribute("href").endswith("/print/filing-form/")  # opens in a new tab: read it here
    page.goto(link.get_attribute("href"))
    assert_accessible(page)
    paper = page.locator("#print-document").inner_text()
    assert "立案审批表" in paper and "中华国学养生研究总院" in paper and "《取缔非法社会组织办法》第二条" in paper
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()  # the print stylesheet hides the portal around it
    page.emulate_media(media="screen")
    # the ban decision: the required number first, a confirmation before it is taken
    page.goto(f"/crackdown/cases/{case.pk}/")
    ban.click()
    assert_accessible(page)
    assert page.locator("#irreversible-note").is_visible()
    names = page.locator("form input:not([type=hidden]), form select, form textarea").evaluate_all(
        "els => els.map(e => e.name)")
    assert names[:2] == ["decision_number", "doc_decision"]
    page.fill("input[name=decision_number]", "冀民取字〔2025〕21号")
    page.set_input_files("input[name=doc_decision]", files=[
        {"name": "decision.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}])
    page.get_by_role("button", name="确认办理").click()
    page.wait_for_url(f"**/crackdown/cases/{case.pk}/")
    assert dialogs and "不能撤回" in dialogs[-1]
    page.get_by_role("link", name="打印取缔决定书").wait_for()
    page.goto(f"/crackdown/cases/{case.pk}/print/decision/")
    assert_accessible(page)
    paper = page.locator("#print-document").inner_text()
    assert "冀民取字〔2025〕21号" in paper and "对中华国学养生研究总院予以取缔" in paper
    page.screenshot(path=str(ARTIFACTS / "crackdown-decision-print.png"), full_page=True)


def test_list_from_eligible_cases_submitted_and_published(page):
    staff = make_user("hb_l_staff", "130000", "省级工作人员")
    leader = make_user("hb_l_leader", "130000", "省级工作人员", APPROVER)
    banned = []
    for i, name in enumerate(["华夏孝道文化促进会", "世界易学联合总会"], start=1):
        case = case_at_decision(staff, name)
        banned.append(case_transition(case=case, to_stage=CaseStage.SERVICE, actor=leader,
                                      expected_version=case.version, decision_number=f"冀民取字〔2025〕{i}号",
                                      documents=[("decision", document("decision"))]))
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "hb_l_staff")
    page.goto("/crackdown/lists/new/")
    assert_accessible(page)
    page.select_option("select[name=kind]", "banned")
    page.fill("input[name=number]", "2025年第12批")
    page.get_by_role("button", name="提交").click()
    batch_url = page.url
    assert_accessible(page)
    candidates = page.locator("#candidates tbody").inner_text()
    assert "华夏孝道文化促进会" in candidates and "世界易学联合总会" in candidates
    # a wrong number: the error beside the field, what was typed kept
    page.fill("input[name=number]", "XS-不存在")
    page.fill("input[name=name]", "公布用名称")
    page.get_by_role("button", name="添加").click()
    assert_accessible(page)
    assert "未找到编号为 XS-不存在" in page.locator("#id_number_error").inner_text()
    assert page.input_value("input[name=number]") == "XS-不存在"
    assert page.input_value("input[name=name]") == "公布用名称"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "crackdown-list-entry-error.png"), full_page=True)
    assert "id_number_error" in page.get_attribute("input[name=number]", "aria-describedby").split()
    # search, pick, add
    page.goto(batch_url)
    page.fill("#candidate-q", "孝道")
    page.get_by_role("button", name="搜索").click()
    assert "世界易学联合总会" not in page.locator("#candidates tbody").inner_text()
    page.get_by_label("华夏孝道文化促进会").check()
    page.get_by_role("button", name="添加").click()
    assert "华夏孝道文化促进会" in page.locator("#entries").inner_text()
    assert "华夏孝道文化促进会" not in page.locator("#candidates").inner_text()  # no longer offered
    # 提请发布 → the approver's home
    page.get_by_role("button", name="提请发布").click()
    assert page.locator("#batch-status").inner_text() == "待发布"
    login(page, "hb_l_leader")
    assert_accessible(page)
    panel = page.locator(".card", has_text="待发布名单")
    assert "2025年第12批" in panel.inner_text()
    panel.get_by_role("link", name=re.compile("2025年第12批")).click()
    assert_accessible(page)
    page.get_by_role("link", name="发布…").click()
    assert_accessible(page)
    page.check("input[name=confirm]")
    page.get_by_role("button", name="确认发布").click()
    assert page.locator("#batch-status").inner_text() == "已发布"
    page.goto("/")
    assert "2025年第12批" not in page.locator(".card", has_text="待发布名单").inner_text()
