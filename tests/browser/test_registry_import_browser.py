"""The register's bulk import in a browser, on the real worker: the page polls the preview job and then the
commit job (htmx) until each is done, without a reload (issue 10, point 5)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from registry.models import Organization
from tests.browser.a11y import AxeEveryPage
from tests.browser.test_aid_journey_browser import login
from tests.factories import make_user
from tests.registry.test_import_export import GOOD, ZJ_FOUNDATION, ZJ_GROUP, ZJ_SERVICE, workbook

pytestmark = [pytest.mark.browser]


def test_import_page_follows_the_jobs(page, celery_worker, tmp_path: Path, settings):
    settings.REGISTRY_IMPORT_INLINE_BYTES = 0
    settings.REGISTRY_IMPORT_INLINE_ROWS = 0
    axe = AxeEveryPage(page)
    make_user("zj_import_b", "330000", "省级工作人员")
    login(page, "zj_import_b", axe)
    page.goto("/registry/imports/new/")
    file = tmp_path / "社会组织.xlsx"
    file.write_bytes(workbook(*GOOD))
    page.set_input_files("input[name=file]", str(file))
    page.click("#import-preview")
    page.wait_for_url("**/registry/imports/*/")
    url = page.url
    # the preview job ends while the page is open: the commit button appears without a reload
    page.wait_for_selector("#commit-import", timeout=60000)
    assert page.locator("#import-status").inner_text() == "待确认"
    assert page.url == url
    page.click("#commit-import")
    expect(page.locator("#import-status")).to_have_text("已导入", timeout=60000)
    assert "已导入 3 个" in page.inner_text("#import-main")
    assert Organization.objects.filter(credit_code__in=[ZJ_GROUP, ZJ_FOUNDATION, ZJ_SERVICE]).count() == 3
