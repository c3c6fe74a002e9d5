"""登记管理 in the browser: a provincial clerk searches a two-character term, opens an organization, reads its
credit timeline, and runs a name check on a "中华…" name."""

import datetime

import pytest

from portal.models import Authority
from registry import services
from registry.demo import credit_code
from registry.models import Organization
from tests.browser.a11y import AxeEveryPage
from tests.browser.test_aid_journey_browser import login, shot
from tests.factories import make_user

pytestmark = [pytest.mark.browser]


def test_clerk_searches_reads_the_timeline_and_checks_a_name(page):
    clerk = make_user("hb_clerk_b", "130000", "省级工作人员")
    hebei = Authority.objects.get(code="130000")
    org = Organization.objects.create(name="河北省古琴艺术研究会", kind="social_group", authority=hebei,
                                      credit_code=credit_code("social_group", "130000", "MJ1300071"),
                                      registered_on=datetime.date(2015, 4, 1))
    zhejiang = Authority.objects.get(code="330000")
    Organization.objects.create(name="浙江省书法家协会", kind="social_group", authority=zhejiang,
                                credit_code=credit_code("social_group", "330000", "MJ3300071"))
    services.record_add(actor=clerk, organization=org, kind="inspection", year=2023, result="passed",
                        concluded_on=datetime.date(2024, 5, 10))
    services.record_add(actor=clerk, organization=org, kind="evaluation", grade=4, rated_on=datetime.date(2024, 8, 1))
    services.record_add(actor=clerk, organization=org, kind="penalty", decided_on=datetime.date(2025, 2, 3),
                        penalty_type="warning", document_number="冀民罚〔2025〕7号")

    login(page, "hb_clerk_b", AxeEveryPage(page))  # the login and home pages checked by axe-core
    page.goto("/registry/organizations/")
    page.fill("input[name=q]", "古琴")
    page.click("form.filter-form button[type=submit]")
    page.wait_for_url("**q=%E5%8F%A4%E7%90%B4**")
    assert page.locator("#result-count").inner_text() == "共 1 个社会组织"
    assert "浙江省书法家协会" not in page.content()
    page.click("text=河北省古琴艺术研究会")
    page.wait_for_url(f"**/registry/organizations/{org.pk}/")
    timeline = page.locator(".credit-timeline")
    assert timeline.locator("li").count() == 4
    text = timeline.inner_text()
    order = ["行政处罚：警告", "评估等级 4A", "2023年度年度报告：合格", "成立登记"]
    assert [text.index(t) for t in order] == sorted(text.index(t) for t in order)
    shot(page, "registry-timeline")

    page.goto("/registry/name-check/")
    page.fill("input[name=name]", "中华古琴艺术研究会")
    page.click("button:has-text('核查')")
    page.wait_for_selector("#name-check-result")
    result = page.locator("#name-check-result").inner_text()
    assert "“中华”字样，须由民政部登记" in result  # the clerk's own province is the intended authority
    shot(page, "registry-name-check")
