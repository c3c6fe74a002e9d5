"""援藏援疆 in the browser: 西藏's liaison uploads a need list with a bad row, fixes it and submits; the
ministry accepts it and downloads the national summary (rebuilt by the real worker after the decision,
offered without starting a job); 浙江 sees the need
through the pairing and proposes a match.  axe-core runs on every page the journey shows (issue 12 point 12)."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aid_projects.choices import ListKind, ListStatus, MatchStatus
from aid_projects.models import AidList, Match
from portal.models import Job
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.aid_projects.xlsx import GOOD_NEED, handmade
from tests.browser.a11y import AxeEveryPage
from tests.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD, make_user, totp_code

pytestmark = [pytest.mark.browser]


def login(page, username, axe):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    axe.check_once()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/otp/setup/" in page.url:  # ministry staff: first login binds the authenticator
        axe.check()
        page.fill("input[name=token]", totp_code(page.inner_text("#otp-secret")))
        page.click("text=绑定并登录")
    page.wait_for_url("**/")
    axe.check()  # each role's home page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"aid-{name}.png"), full_page=True)


def test_need_list_from_upload_to_national_summary_and_match(page, celery_worker, tmp_path: Path, settings):
    settings.AID_SUMMARY_DEBOUNCE_SECONDS = 1
    axe = AxeEveryPage(page)
    make_user("xz_liaison_b", "540000", "联络员")
    make_user("xz_staff_b", "540000", "省级工作人员")
    make_user("bu_staff_b", "000000", "部级工作人员")
    make_user("zj_staff_b", "330000", "省级工作人员")
    campaign = make_campaign(2099)
    supply = make_item(make_list(campaign, "330000", ListKind.SUPPLY), name="助学暖冬行动", place_code="330000",
                       amount="150")

    # 1. 西藏's liaison opens the need list and uploads a file with one bad row
    login(page, "xz_liaison_b", axe)
    page.goto(f"/aid/campaigns/{campaign.pk}/")
    axe.check()
    page.click("text=填报附件2 社会组织援藏援疆项目需求清单省级汇总表")
    page.wait_for_url("**/aid/lists/*/")
    list_url = page.url
    axe.check()
    page.click("text=上传 Excel")
    page.wait_for_url("**/upload/")
    axe.check()
    bad = tmp_path / "西藏需求清单.xlsx"
    bad.write_bytes(handmade([GOOD_NEED, ["那曲乡村医生培训", "医疗扶贫", "那曲市安多县", "培训60人次", "35",
                                          "安多县卫健委 拉巴", "13908964321"]]))
    page.set_input_files("input[name=file]", str(bad))
    page.click("#upload-preview")
    page.wait_for_url("**/aid/uploads/*/")
    assert page.locator("#error-count").inner_text() == "错误 1 处"
    assert "帮扶类别“医疗扶贫”无效" in page.locator("#preview-table").inner_text()
    assert page.locator("#commit-upload").count() == 0
    axe.check()
    shot(page, "upload-preview-error")

    # 2. the fixed file previews clean and is imported
    page.goto(list_url)
    page.click("text=上传 Excel")
    page.wait_for_url("**/upload/")
    good = tmp_path / "西藏需求清单（修改）.xlsx"
    good.write_bytes(handmade([GOOD_NEED, ["那曲乡村医生培训", "医疗帮扶", "那曲市安多县", "培训60人次", "35",
                                           "安多县卫健委 拉巴", "13908964321"]]))
    page.set_input_files("input[name=file]", str(good))
    page.click("#upload-preview")
    page.wait_for_url("**/aid/uploads/*/")
    assert page.locator("#error-count").inner_text() == "错误 0 处"
    axe.check()
    page.click("#commit-upload")
    page.wait_for_url(list_url)
    assert "已导入 2 个项目" in page.content()
    axe.check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-list")
    page.wait_for_url(list_url)
    assert page.locator("#list-status").inner_text() == "已报送"
    axe.check()
    shot(page, "list-submitted")

    # 3. the ministry accepts it and downloads the national need summary
    login(page, "bu_staff_b", axe)
    page.goto(list_url)
    axe.check()
    page.click("#accept-list")
    page.wait_for_url(list_url)
    assert page.locator("#list-status").inner_text() == "已接收"
    axe.check()
    # the worker rebuilt the national summary after the decision: it is offered at once, no job to start
    row = page.locator("tr[data-kind=aid_national_need]")
    for _ in range(120):
        page.goto(f"/aid/summaries/?campaign={campaign.pk}")
        if row.locator("[data-current='1']").count():
            break
        page.wait_for_timeout(500)
    assert "已是最新" in row.inner_text()
    axe.check()
    shot(page, "summaries")
    with page.expect_download() as download_info:
        row.locator("a", has_text="下载").click()
    assert not Job.objects.filter(created_by__username="bu_staff_b").exists()
    path = download_info.value.path()
    workbook = load_workbook(io.BytesIO(Path(path).read_bytes()))
    cells = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert "那曲乡村医生培训" in cells and "西藏自治区" in " ".join(str(c) for c in cells)

    # 4. 浙江 (paired with 西藏) sees the need and proposes its supply item
    login(page, "zj_staff_b", axe)
    page.goto("/aid/needs/")
    axe.check()
    page.click("text=那曲乡村医生培训")
    page.wait_for_url(re.compile(r".*/aid/needs/\d+/$"))
    axe.check()
    page.select_option("select[name=supply]", str(supply.pk))
    page.fill("input[name=amount]", "35")
    page.click("#propose-match")
    page.wait_for_url("**/aid/matches/*/")
    assert page.locator("#match-status").inner_text() == "意向对接"
    axe.check()
    axe.assert_all_checked()
    shot(page, "match-proposed")
    match = Match.objects.get()
    assert match.supply_id == supply.pk and match.need.name == "那曲乡村医生培训"
    assert match.status == MatchStatus.PROPOSED
    assert AidList.objects.get(campaign=campaign, kind=ListKind.NEED).status == ListStatus.ACCEPTED
