"""The ministry's campaign progress page in Chromium (issue 12 points 9 and 2): the counts, the filter, the
tile-grid map of China drawn by ECharts (screenshot kept as an artefact), 催报 that 西藏 then sees on its
home page, and 批量接收.  axe-core runs on every page visited."""

import datetime

import pytest
from django.utils import timezone

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidList
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.browser.a11y import assert_accessible
from tests.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/otp/setup/" in page.url:  # ministry staff: first login binds the authenticator
        page.fill("input[name=token]", totp_code(page.inner_text("#otp-secret")))
        page.click("text=绑定并登录")
    page.wait_for_url("**/")


def test_progress_map_remind_and_bulk_accept(page):
    make_user("bu_staff_p", "000000", "部级工作人员")
    xz = make_user("xz_liaison_p", "540000", "联络员")
    zj = make_user("zj_staff_p", "330000", "省级工作人员")
    js = make_user("js_staff_p", "320000", "省级工作人员")
    year = timezone.localdate().year + 1
    campaign = make_campaign(year, liaison_due=datetime.date(year, 6, 30), need_due=datetime.date(year, 7, 5),
                             supply_due=datetime.date(year, 7, 31))
    for code, kind, user, name in [("540000", ListKind.NEED, xz, "色尼区学校供暖"),
                                   ("330000", ListKind.SUPPLY, zj, "助学暖冬"),
                                   ("320000", ListKind.SUPPLY, js, "医疗队进藏")]:
        aid_list = make_list(campaign, code, kind)
        make_item(aid_list, name=name, place_code="540102" if kind == ListKind.NEED else code)
        services.list_submit(aid_list=aid_list, user=user)
    make_item(make_list(campaign, "110000", ListKind.SUPPLY), name="北京草稿", place_code="110000")
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, "bu_staff_p")
    page.goto(f"/aid/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="填报进度、催报和批量接收").click()
    page.wait_for_selector("#progress-map canvas")
    assert_accessible(page)
    counts = {el.get_attribute("data-state"): int(el.inner_text().split()[-1])
              for el in page.locator(".progress-count").all()}
    assert counts["submitted"] == 3 and counts["draft"] == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "aid-campaign-map.png"), full_page=True)

    # the filter: only the submitted lists, then accept two at once
    page.select_option("select[name=state]", "submitted")
    page.get_by_role("button", name="筛选").click()
    assert_accessible(page)
    assert page.locator("#progress-table tbody tr").count() == 3
    page.get_by_label("接收浙江省附件3 项目供给清单").check()
    page.get_by_label("接收江苏省附件3 项目供给清单").check()
    page.get_by_role("button", name="批量接收所选清单").click()
    page.wait_for_selector(".alert-success")
    assert_accessible(page)
    assert "已接收 2 份清单" in page.locator(".alert-success").inner_text()
    assert set(AidList.objects.filter(status=ListStatus.ACCEPTED).values_list("authority__code", flat=True)) == \
        {"330000", "320000"}

    # 催报: 西藏 (attachment 1 missing) and 北京 (draft) among those reminded
    page.locator("#remind-button").click()
    page.wait_for_selector(".alert-success")
    assert_accessible(page)
    message = page.locator(".alert-success").inner_text()
    assert "西藏自治区" in message and "北京市" in message and "浙江省" not in message
    assert "西藏自治区" in page.locator("#reminders-sent").inner_text()
    page.wait_for_selector("#progress-map canvas")
    page.screenshot(path=str(ARTIFACTS / "aid-campaign-map-after.png"), full_page=True)

    login(page, "xz_liaison_p")
    assert_accessible(page)
    panel = page.locator(".card", has_text="部里催报")
    assert "省级联络员表" in panel.inner_text()
