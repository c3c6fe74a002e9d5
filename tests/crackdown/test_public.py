"""Public pages: lists without login, the report form (captcha, rate limit), the receipt status."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from crackdown.choices import LeadStatus, ListKind
from crackdown.models import Lead
from crackdown.services import (
    lead_set_status,
    list_batch_create,
    list_entry_add,
    list_entry_withdraw,
    list_publish,
)

pytestmark = pytest.mark.django_db

REPORT = {"org_name": "中华养生文化研究总院", "place": "河北省廊坊市", "description": "以培训名义收费",
          "name": "张三", "phone": "13912341111", "email": "", "captcha_0": "x", "captcha_1": "PASSED"}


@pytest.fixture
def published(make_lead, hebei_staff, hebei_approver, zhejiang_staff, zhejiang_approver):
    hb = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第1批")
    list_entry_add(batch=hb, actor=hebei_staff, lead=make_lead(hebei_staff, "全球华人易经协会"))
    gone = list_entry_add(batch=hb, actor=hebei_staff, lead=make_lead(hebei_staff, "燕山书画院"))
    list_publish(batch=hb, actor=hebei_approver)
    list_entry_withdraw(entry=gone, actor=hebei_approver, reason="已依法登记")
    zj = list_batch_create(actor=zhejiang_staff, kind=ListKind.SUSPECTED, number="2025年第1批")
    list_entry_add(batch=zj, actor=zhejiang_staff, lead=make_lead(zhejiang_staff, "钱塘国学促进会"))
    list_publish(batch=zj, actor=zhejiang_approver)
    draft = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第2批")
    list_entry_add(batch=draft, actor=hebei_staff, lead=make_lead(hebei_staff, "草稿里的组织"))


def test_public_list_without_login(published, authority):
    client = Client()
    page = client.get(reverse("crackdown:public-lists")).content.decode()
    assert "全球华人易经协会" in page and "钱塘国学促进会" in page
    assert "燕山书画院" not in page and "草稿里的组织" not in page
    page = client.get(reverse("crackdown:public-lists"), {"q": "国学"}).content.decode()
    assert "钱塘国学促进会" in page and "全球华人易经协会" not in page
    page = client.get(reverse("crackdown:public-lists"), {"province": authority("130000").pk}).content.decode()
    assert "全球华人易经协会" in page and "钱塘国学促进会" not in page


def test_report_creates_a_lead_in_the_right_queue():
    client = Client()
    page = client.get(reverse("crackdown:public-report")).content.decode()
    assert "验证码" in page and "captcha" in page
    response = client.post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    lead = Lead.objects.get(org_name="中华养生文化研究总院")
    assert lead.receipt_number in response.content.decode()
    assert lead.authority.code == "130000" and lead.places == ["131000"] and lead.source == "public_report"
    assert lead.informant.name == "张三" and lead.informant.ip == "10.1.2.3"


def test_unknown_place_goes_to_the_ministry():
    Client().post(reverse("crackdown:public-report"), {**REPORT, "place": "网上活动，地点不详"})
    assert Lead.objects.get().authority.code == "000000"


def test_report_needs_the_captcha():
    response = Client().post(reverse("crackdown:public-report"), {**REPORT, "captcha_1": "WRONG"})
    assert response.status_code == 400 and not Lead.objects.exists()


def _five_then_refused(ip) -> bool:
    # a new client (no session) each time: only the address's budget counts
    responses = [Client().post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR=ip) for _ in range(6)]
    codes = [r.status_code for r in responses]
    return codes == [200] * 5 + [429] and "过于频繁" in responses[-1].content.decode()


@override_settings(CRACKDOWN_REPORT_RATE="5/h")
def test_report_rate_limit_per_address():
    # Parallel test runs on the same Redis flush the cache (conftest's cache.clear), which resets the
    # counter mid-sequence; one clean sequence out of three attempts proves the limit.
    assert any(_five_then_refused(f"10.9.9.{n}") for n in range(3))
    # another address is not affected
    assert Client().post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.9.8.1").status_code == 200


def _session_refused_across_addresses(n) -> bool:
    client = Client()  # keeps its session cookie, changes its address every time
    codes = [client.post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR=f"10.{n}.0.{i}").status_code
             for i in range(4)]
    return codes == [200, 200, 200, 429]


@override_settings(CRACKDOWN_REPORT_SESSION_RATE="3/h", CRACKDOWN_REPORT_RATE="100/h")
def test_report_rate_limit_per_session_and_the_refusal_is_audited():
    """One sender (one session) is stopped at its own limit, wherever it sends from, before it spends
    the budget of everyone behind its address; the refusal is an audit row naming the limit."""
    from portal.models import AuditAction, AuditEntry

    assert any(_session_refused_across_addresses(n) for n in range(20, 23))
    refusal = AuditEntry.objects.filter(action=AuditAction.RATE_LIMITED).latest("id")
    assert refusal.username == "公众举报" and "同一会话限 3/h" in refusal.note
    # the people behind the same address, with their own sessions, can still report
    assert Client().post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.20.0.1").status_code == 200


@override_settings(CRACKDOWN_REPORT_RATE="1/h")
def test_a_flood_of_refusals_is_audited_once_a_minute():
    from portal.models import AuditAction, AuditEntry

    codes = [Client().post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.30.0.1").status_code
             for _ in range(4)]
    assert codes == [200, 429, 429, 429]
    notes = list(AuditEntry.objects.filter(action=AuditAction.RATE_LIMITED).values_list("note", flat=True))
    assert notes == ["举报提交过于频繁被拒绝：同一来源地址限 1/h（次/时间）"]


def test_status_lookup_shows_only_the_public_status(hebei_staff):
    client = Client()
    client.post(reverse("crackdown:public-report"), REPORT)
    lead = Lead.objects.get()
    url = reverse("crackdown:public-status")
    page = client.get(url, {"receipt": lead.receipt_number}).content.decode()
    assert "已受理" in page and "中华养生文化研究总院" not in page and lead.number not in page
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING, note="内部核查意见")
    page = client.get(url, {"receipt": lead.receipt_number.lower()}).content.decode()
    assert "核查中" in page and "内部核查意见" not in page
    lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.UNFOUNDED)
    assert "已办结" in client.get(url, {"receipt": lead.receipt_number}).content.decode()
    assert "未找到" in client.get(url, {"receipt": "JBXXXXXXXXXXXX"}).content.decode()


def test_report_keeps_input_and_names_a_bad_phone():
    client = Client()
    response = client.post(reverse("crackdown:public-report"), {**REPORT, "phone": "12345"}, REMOTE_ADDR="10.9.9.9")
    page = response.content.decode()
    assert response.status_code == 400 and "请填写有效的手机号码或带区号的固定电话" in page
    assert "中华养生文化研究总院" in page and not Lead.objects.exists()
    client.post(reverse("crackdown:public-report"), {**REPORT, "phone": "0311-87654321"}, REMOTE_ADDR="10.9.9.8")
    assert Lead.objects.get().informant.phone == "0311-87654321"
