"""The date picker (issue 12 point 3) in a browser whose language is English: the calendar is Chinese
(vendored flatpickr with its zh locale, no CDN), a date typed in another form is read, and a date that does
not exist keeps what was typed with the reason beside the field.  axe-core runs on every page visited."""

import datetime

import pytest

from crackdown.choices import ListKind, ListStatus
from crackdown.models import ListBatch
from crackdown.roles import APPROVER
from crackdown.services import lead_create, list_batch_create, list_entry_add
from tests.browser.a11y import assert_accessible
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chinese_picker_and_typed_dates(page, browser, live_server):
    staff = make_user("hb_d_staff", "130000", "省级工作人员")
    make_user("hb_d_leader", "130000", "省级工作人员", APPROVER)
    batch = list_batch_create(actor=staff, kind=ListKind.SUSPECTED, number="2026年第1批")
    list_entry_add(batch=batch, actor=staff, lead=lead_create(actor=staff, org_name="国际书画研究总院",
                                                              source="patrol"))
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15000)
    en = context.new_page()
    try:
        assert en.evaluate("navigator.language") == "en-US"
        en.goto("/accounts/login/")
        en.fill("input[name=username]", "hb_d_leader")
        en.fill("input[name=password]", TEST_PASSWORD)
        en.click("button[type=submit]")
        en.wait_for_url("**/")
        en.goto(f"/crackdown/lists/{batch.pk}/publish/")
        assert_accessible(en)
        assert en.locator("script[src*='cdn'], link[href*='cdn']").count() == 0
        date = en.locator("input[name=published_on]")
        date.click()
        calendar = en.locator(".flatpickr-calendar.open")
        calendar.wait_for()
        text = calendar.inner_text()
        assert "周一" in text and "月" in text and "Mon" not in text
        en.keyboard.press("Escape")
        # a day that does not exist: kept as typed, the reason beside the field
        date.fill("2026年2月30日")
        en.keyboard.press("Escape")
        en.check("input[name=confirm]")
        en.get_by_role("button", name="确认发布").click()
        assert_accessible(en)
        assert "2026年2月没有30日" in en.locator("#id_published_on_error").inner_text()
        assert en.input_value("input[name=published_on]") == "2026年2月30日"
        assert ListBatch.objects.get(pk=batch.pk).status == ListStatus.DRAFT
        # another form of a real date is read
        en.locator("input[name=published_on]").fill("2026/1/5")
        en.keyboard.press("Escape")  # the focused field opened its calendar: close it
        en.check("input[name=confirm]")
        en.get_by_role("button", name="确认发布").click()
        en.locator("#batch-status").wait_for()
        assert_accessible(en)
        batch.refresh_from_db()
        assert batch.status == ListStatus.PUBLISHED and batch.published_on == datetime.date(2026, 1, 5)
    finally:
        context.close()
    assert page is not None  # the fixture's page (zh-CN) is not needed beyond starting the browser
