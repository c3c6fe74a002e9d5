"""The public report form keeps what a citizen typed when it is refused (captcha, rate limit), shows the
举报电话 and address from settings, offers 「换一张」 with Chinese alt text; login and logo lead to the public pages."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from crackdown.models import Lead

pytestmark = pytest.mark.django_db

REPORT = {"org_name": "中华养生文化研究总院", "place": "河北省廊坊市",
          "description": "以培训名义收费，地点在某宾馆三楼",
          "name": "张三", "phone": "13912341111", "email": "", "captcha_0": "x", "captcha_1": "PASSED"}


def test_wrong_captcha_keeps_the_text_and_says_why_in_chinese():
    page = Client().post(reverse("crackdown:public-report"), {**REPORT, "captcha_1": "WRONG"}).content.decode()
    assert "以培训名义收费，地点在某宾馆三楼" in page and 'value="中华养生文化研究总院"' in page
    assert "Invalid" not in page and "验证码" in page
    assert "换一张" in page and 'alt="验证码图片' in page


@override_settings(CRACKDOWN_REPORT_RATE="1/h")
def test_rate_limited_report_keeps_the_text():
    client = Client()
    assert client.post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.9.8.7").status_code == 200
    again = {**REPORT, "description": "第二次举报的内容"}
    response = client.post(reverse("crackdown:public-report"), again, REMOTE_ADDR="10.9.8.7")
    page = response.content.decode()
    assert response.status_code == 429 and "过于频繁" in page
    assert "第二次举报的内容" in page and 'value="中华养生文化研究总院"' in page
    assert Lead.objects.count() == 1


@override_settings(REPORT_HOTLINE="010-12345678", REPORT_ADDRESS="北京市东城区某街1号")
def test_report_page_shows_hotline_and_address_from_settings():
    page = Client().get(reverse("crackdown:public-report")).content.decode()
    assert "举报电话" in page and "010-12345678" in page and "北京市东城区某街1号" in page


def test_login_page_links_to_public_pages_and_public_logo_to_public_home():
    login = Client().get(reverse("login")).content.decode()
    for name in ("crackdown:public-lists", "crackdown:public-report", "crackdown:public-status"):
        assert f'href="{reverse(name)}"' in login
    public = Client().get(reverse("crackdown:public-lists")).content.decode()
    assert f'class="navbar-brand" href="{reverse("crackdown:public-lists")}"' in public
