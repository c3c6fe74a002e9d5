"""A public report walks to a 取缔 decision and appears on the public ban list, through the browser, with
axe-core run on every page the journey shows (issue 12 point 12)."""

import re

import pytest

from crackdown.roles import APPROVER, LEGAL_REVIEWER
from tests.browser.a11y import AxeEveryPage
from tests.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG = "中华传统养生文化国际促进总会"


def login(page, username, axe):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    axe.check_once()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    axe.check()  # each role's home page


def step(page, axe, case_url, label, fill=None, documents=(), select=None):
    """One step on the case page; ``documents`` are the kinds of document the step needs (uploaded)."""
    page.goto(case_url)
    axe.check()
    page.get_by_role("link", name=label).click()
    page.wait_for_url(re.compile(r".*/step/[\w-]+/$"))
    axe.check()  # the step's form
    if fill:
        for selector, value in fill.items():
            page.fill(selector, value)
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    for kind in documents:
        page.set_input_files(f"input[name=doc_{kind}]", files=[
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}])
    page.get_by_role("button", name="确认办理").click()
    page.wait_for_url(case_url)
    assert "已办理" in page.locator(".alert-success").inner_text()


def test_public_report_to_ban_list(page):
    axe = AxeEveryPage(page)
    make_user("hb_b_staff", "130000", "省级工作人员")
    make_user("hb_b_leader", "130000", "省级工作人员", APPROVER)
    make_user("hb_b_legal", "130000", "省级工作人员", LEGAL_REVIEWER)
    ARTIFACTS.mkdir(exist_ok=True)
    page.on("dialog", lambda dialog: dialog.accept())  # irreversible steps (取缔、结案) ask for confirmation

    # 1. the public reports (no login); the captcha answers "PASSED" in test mode
    page.goto("/crackdown/public/report/")
    axe.check()
    page.fill("input[name=org_name]", ORG)
    page.fill("input[name=place]", "河北省廊坊市广阳区")
    page.fill("textarea[name=description]", "以养生讲座名义发展会员、收取会费。")
    page.fill("input[name=name]", "张三")
    page.fill("input[name=phone]", "13912341111")
    page.fill("input[name=captcha_1]", "PASSED")
    page.get_by_role("button", name="提交举报").click()
    receipt = page.locator("#receipt-number").inner_text().strip()
    assert re.fullmatch(r"JB[0-9A-Z]{12}", receipt)
    axe.check()

    # 2. 河北 staff find it in their queue, check it, and ask for filing
    login(page, "hb_b_staff", axe)
    assert ORG in page.locator("main").inner_text()  # home panel: leads to check
    page.get_by_role("link", name=re.compile(ORG)).first.click()
    assert "张*" in page.locator("#informant-masked").inner_text()
    axe.check()
    assert "须经民政部登记" in page.locator("main").inner_text()  # 中华/国际
    page.select_option("select[name=status]", "checking")
    page.get_by_role("button", name="更新状态").click()
    assert page.locator("#lead-status").inner_text() == "核查中"
    axe.check()
    page.select_option("select[name=status]", "confirmed")
    page.fill("textarea[name=note]", "经实地核查属实。")
    page.get_by_role("button", name="更新状态").click()
    page.get_by_role("link", name="转立案").click()
    page.wait_for_url(re.compile(r".*/to-case/$"))
    axe.check()
    page.select_option("select[name=target_type]", "unregistered")
    page.fill("textarea[name=note]", "请批准立案。")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r".*/crackdown/cases/\d+/$"))
    case_url = page.url
    axe.check()
    assert page.get_by_role("link", name="批准立案", exact=True).count() == 0  # the requester cannot approve

    # 3. the procedure, each step by the person whose turn it is
    login(page, "hb_b_leader", axe)
    # each step uploads the documents the procedure table names for it (issue 14 point 8), and the ban
    # decision is served (送达, issue 14 point 3) before it is announced
    step(page, axe, case_url, "批准立案", {"textarea[name=note]": "同意立案。"}, documents=["filing_form"])
    login(page, "hb_b_staff", axe)
    step(page, axe, case_url, "调查终结，提交报告", documents=["report"])
    step(page, axe, case_url, "提请法制审核")
    login(page, "hb_b_legal", axe)
    step(page, axe, case_url, "法制审核通过，告知当事人", {"textarea[name=note]": "事实清楚，证据确凿。"},
         documents=["legal_opinion", "notice"])
    login(page, "hb_b_staff", axe)
    step(page, axe, case_url, "记录陈述申辩，提请决定", {"textarea[name=party_statement]": "当事人放弃陈述申辩"})
    login(page, "hb_b_leader", axe)
    step(page, axe, case_url, "作出取缔决定", {"input[name=decision_number]": "冀民取字〔2025〕8号"},
         documents=["decision"])
    login(page, "hb_b_staff", axe)
    step(page, axe, case_url, "已送达，进入公告", {"input[name=served_on]": "2025-07-02"},
         select={"select[name=service_method]": "direct"}, documents=["service_receipt"])
    step(page, axe, case_url, "已公告，结案", {"input[name=announced_on]": "2025-07-03"}, documents=["announcement"])
    assert page.locator("#case-stage").inner_text() == "结案"
    axe.check()
    assert page.locator("#case-timeline li").count() == 9  # 立案申请 and eight steps
    page.screenshot(path=str(ARTIFACTS / "crackdown-case-closed.png"), full_page=True)
    case_number = re.search(r"AJ\d+", page.locator("main").inner_text()).group(0)

    # 4. the ban list: drawn up by staff, published by the approver after confirmation
    page.goto("/crackdown/lists/new/")
    axe.check()
    page.select_option("select[name=kind]", "banned")
    page.fill("input[name=number]", "2025年第8批")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r".*/crackdown/lists/\d+/$"))
    axe.check()
    page.fill("input[name=number]", case_number)
    page.get_by_role("button", name="添加").click()
    batch_url = page.url
    assert ORG in page.locator("#entries").inner_text()
    axe.check()
    login(page, "hb_b_leader", axe)
    page.goto(batch_url)
    axe.check()
    page.get_by_role("link", name="发布…").click()
    page.wait_for_url(re.compile(r".*/publish/$"))
    axe.check()
    page.check("input[name=confirm]")
    page.get_by_role("button", name="确认发布").click()
    assert page.locator("#batch-status").inner_text() == "已发布"
    axe.check()

    # 5. the public sees it, and the reporter sees the report closed
    page.context.clear_cookies()
    page.goto("/crackdown/public/lists/?q=养生")
    row = page.locator("#public-list tbody tr").first.inner_text()
    assert ORG in row and "河北省" in row and "取缔名单" in row
    axe.check()
    page.screenshot(path=str(ARTIFACTS / "crackdown-public-list.png"), full_page=True)
    page.goto(f"/crackdown/public/status/?receipt={receipt}")
    assert page.locator("#public-status").inner_text() == "办理状态：已办结"
    axe.check()
    axe.assert_all_checked()
