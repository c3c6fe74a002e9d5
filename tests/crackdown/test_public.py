"""Public pages: lists without login, the report form (captcha, rate limit), the receipt status."""

from __future__ import annotations

import pytest
from django.test import Client
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


def _five_then_refused(client, ip) -> bool:
    responses = [client.post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR=ip) for _ in range(6)]
    codes = [r.status_code for r in responses]
    return codes == [200] * 5 + [429] and "过于频繁" in responses[-1].content.decode()


def test_report_rate_limit_per_address():
    client = Client()
    # Parallel test runs on the same Redis flush the cache (conftest's cache.clear), which resets the
    # counter mid-sequence; one clean sequence out of three attempts proves the limit.
    assert any(_five_then_refused(client, f"10.9.9.{n}") for n in range(3))
    # another address is not affected
    assert client.post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.9.8.1").status_code == 200


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
