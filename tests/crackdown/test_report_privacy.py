"""Public reports keep as little as they need (issue 8 point 10)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crackdown.models import Informant, Lead
from crackdown.services import public_report_create, report_ips_clear
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

REPORT = {"org_name": "中华养生文化研究总院", "place": "河北省廊坊市", "description": "以培训名义收费",
          "captcha_0": "x", "captcha_1": "PASSED"}


def test_an_anonymous_report_stores_no_address_anywhere():
    response = Client().post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR="10.7.7.7")
    assert response.status_code == 200
    lead = Lead.objects.get()
    assert not Informant.objects.filter(lead=lead).exists()
    assert not AuditEntry.objects.filter(ip="10.7.7.7").exists()
    assert AuditEntry.objects.filter(object_id=str(lead.pk)).exists()  # the report itself is audited


def test_an_anonymous_report_through_the_api_stores_no_address():
    response = Client().post("/api/crackdown/public/report/", {**REPORT, "captcha_key": "x", "captcha_value": "PASSED"},
                             content_type="application/json", REMOTE_ADDR="10.7.7.8")
    assert response.status_code == 201, response.content
    assert not Informant.objects.exists()
    assert not AuditEntry.objects.filter(ip="10.7.7.8").exists()


def test_a_named_reports_address_is_kept_180_days_then_cleared():
    Client().post(reverse("crackdown:public-report"), {**REPORT, "name": "张三", "phone": "13912345678"},
                  REMOTE_ADDR="10.1.2.3")
    Client().post(reverse("crackdown:public-report"), {**REPORT, "name": "李四"}, REMOTE_ADDR="10.1.2.4")
    old, recent = Informant.objects.order_by("id")
    assert old.ip == "10.1.2.3" and recent.ip == "10.1.2.4"
    days = settings.REPORT_IP_RETENTION_DAYS
    assert days == 180
    Lead.objects.filter(pk=old.lead_id).update(created=timezone.now() - timedelta(days=days + 1))
    Lead.objects.filter(pk=recent.lead_id).update(created=timezone.now() - timedelta(days=days - 1))
    assert report_ips_clear() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip is None and old.name == "张三" and recent.ip == "10.1.2.4"
    assert AuditEntry.objects.filter(note__contains="提交地址").exists()


@pytest.mark.worker
def test_the_clearing_runs_nightly_on_the_worker(celery_worker):
    from crackdown.tasks import clear_report_ips
    from tests.factories import ensure_reference

    ensure_reference()  # a transactional test before this one may have flushed it
    assert settings.CELERY_BEAT_SCHEDULE["nightly-clear-report-ips"]["task"] == "crackdown.tasks.clear_report_ips"
    public_report_create(org_name="中华养生文化研究总院", place="河北省廊坊市", description="以培训名义收费",
                         informant={"name": "张三"}, ip="10.1.2.3")
    informant = Informant.objects.get()
    assert informant.ip == "10.1.2.3"
    Lead.objects.filter(pk=informant.lead_id).update(created=timezone.now() - timedelta(days=400))
    clear_report_ips.delay()
    deadline = time.monotonic() + 30
    while Informant.objects.get().ip is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Informant.objects.get().ip is None
