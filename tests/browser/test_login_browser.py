"""The browser harness: a provincial user logs in through the form and sees the Chinese home page."""

import pytest

from tests.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provincial_user_logs_in_and_sees_chinese_home(page):
    make_user("zj_browser", "330000", "省级工作人员")
    page.goto("/")
    assert "/accounts/login/" in page.url  # anonymous → login
    page.fill("input[name=username]", "zj_browser")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert-danger").inner_text()
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    identity = page.locator("#user-identity").inner_text()
    assert "浙江省" in identity and "省级工作人员" in identity
    assert page.locator("h1").inner_text() == "您好，测试 zj_browser"
    for section in ("登记管理", "打击整治", "援藏援疆"):
        assert page.get_by_role("link", name=section, exact=True).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-zhejiang.png"), full_page=True)
    # the vendored assets load from this server (no CDN): Bootstrap styles the navbar
    background = page.evaluate("getComputedStyle(document.querySelector('nav')).backgroundColor")
    assert background == "rgb(139, 26, 26)"
    page.click("text=退出")
    page.wait_for_url("**/accounts/login/")
