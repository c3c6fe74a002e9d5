"""The portal as each role sees it in Chromium: the home page per role (screenshots kept as artefacts),
axe-core on every page visited, the audit detail, and the public and staff lists on a 390 px phone."""

import pytest
from django.test import Client

from aid_projects.choices import ListKind
from aid_projects.models import AidItem
from crackdown.choices import LeadSource
from crackdown.services import lead_create
from portal.audit import record_change, snapshot, stored_snapshot
from portal.models import AuditAction, Role
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.browser.a11y import assert_accessible, assert_no_horizontal_overflow
from tests.conftest import ARTIFACTS
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {  # username: (authority, role, pages the role works in besides the home)
    "bu_staff": ("000000", Role.MINISTRY_STAFF, ["/crackdown/leads/", "/aid/campaigns/"]),
    "hb_staff": ("130000", Role.PROVINCE_STAFF, ["/crackdown/leads/", "/crackdown/cases/", "/aid/lists/"]),
    "xz_liaison": ("540000", Role.LIAISON, ["/aid/lists/"]),
    "bu_audit": ("000000", Role.AUDIT_ADMIN, ["/audit/"]),
    "bu_sysadmin": ("000000", Role.SYSTEM_ADMIN, ["/users/"]),
    "bu_security": ("000000", Role.SECURITY_ADMIN, ["/users/"]),
}


def open_as(page, live_server, user, path="/"):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(path)


def test_home_and_work_pages_of_each_role_are_accessible(page, live_server):
    hb = make_user("hb_staff", "130000", Role.PROVINCE_STAFF)
    lead_create(actor=hb, org_name="华夏复兴促进会", source=LeadSource.PATROL)
    ARTIFACTS.mkdir(exist_ok=True)
    for username, (code, role, paths) in ROLES.items():
        user = hb if username == "hb_staff" else make_user(username, code, role)
        open_as(page, live_server, user)
        assert page.locator("h1").first.inner_text().startswith("您好")
        page.screenshot(path=str(ARTIFACTS / f"home-{username}.png"), full_page=True)
        assert_accessible(page)
        for path in paths:
            page.goto(path)
            assert page.locator("#list-total").inner_text().startswith("共 ")
            assert_accessible(page)


def test_audit_detail_reads_as_a_table(page, live_server):
    liaison = make_user("xz_liaison", "540000", Role.LIAISON)
    item = make_item(make_list(make_campaign(), "540000", ListKind.NEED), place_code="540102", amount="250")
    item = AidItem.objects.get(pk=item.pk)
    before = stored_snapshot(item)
    item.amount = "200"
    item.save()
    record_change(actor=liaison, action=AuditAction.UPDATE, obj=item, before=before, after=snapshot(item))
    open_as(page, live_server, make_user("bu_audit", "000000", Role.AUDIT_ADMIN), "/audit/?action=update")
    page.locator("details summary").first.click()
    row = page.locator("table.audit-changes tbody tr").first
    assert row.inner_text().split("\t") == ["项目拟投入资金（万元）", "250.00", "200.00"]
    page.screenshot(path=str(ARTIFACTS / "audit-detail.png"), full_page=True)
    assert_accessible(page)


def test_public_and_staff_lists_fit_a_390px_phone(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/crackdown/public/lists/", "/crackdown/public/report/", "/crackdown/public/status/",
                 "/accounts/login/"):
        page.goto(path)
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
    hb = make_user("hb_staff", "130000", Role.PROVINCE_STAFF)
    for i in range(3):
        lead_create(actor=hb, org_name=f"华夏复兴促进会第{i}分会", source=LeadSource.PATROL)
    for path in ("/", "/crackdown/leads/", "/crackdown/cases/", "/aid/lists/"):
        open_as(page, live_server, hb, path)
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
    page.goto("/crackdown/leads/")
    page.screenshot(path=str(ARTIFACTS / "leads-390.png"), full_page=True)
