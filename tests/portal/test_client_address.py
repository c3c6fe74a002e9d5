"""The client address behind the production proxy: taken from the right, believed only from the proxy,
and the same for audit, lockout records and rate limits."""

from pathlib import Path

import pytest
import yaml
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from portal.models import AuditAction, AuditEntry
from tests.crackdown.test_public import REPORT
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"
behind_proxy = override_settings(TRUSTED_PROXIES=["10.0.0.0/29"], TRUSTED_PROXY_COUNT=1)


@pytest.mark.django_db
@behind_proxy
def test_audit_takes_the_address_the_proxy_appended_not_a_forged_one(client, xizang_staff):
    client.post("/accounts/login/", {"username": "xizang_staff", "password": TEST_PASSWORD},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert AuditEntry.objects.get(action=AuditAction.LOGIN).ip == "203.0.113.7"


@pytest.mark.django_db
@behind_proxy
def test_forwarding_headers_from_anyone_else_are_ignored(client, xizang_staff):
    client.post("/accounts/login/", {"username": "xizang_staff", "password": "wrong-password"},
                REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).ip == "198.51.100.9"
    # the lockout records (axes) use the same helper
    assert AccessAttempt.objects.get(username="xizang_staff").ip_address == "198.51.100.9"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.1", "10.0.0.2"], TRUSTED_PROXY_COUNT=2)
def test_two_proxies_count_two_from_the_right(client, xizang_staff):
    client.post("/accounts/login/", {"username": "xizang_staff", "password": "wrong-password"},
                REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8, 10.0.0.1")
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).ip == "203.0.113.8"


@pytest.mark.django_db
@behind_proxy
def test_a_garbage_forwarded_entry_falls_back_to_the_peer(client, xizang_staff):
    client.post("/accounts/login/", {"username": "xizang_staff", "password": "wrong-password"},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7, not-an-address")
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).ip == PROXY


@pytest.mark.django_db
@behind_proxy
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_SSL_REDIRECT=True)
def test_https_flag_only_from_the_proxy():
    client = Client()
    forged = client.get("/accounts/login/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301 and forged["Location"].startswith("https://")
    through_proxy = client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https",
                               HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert through_proxy.status_code == 200


def _report(client, forwarded):
    return client.post(reverse("crackdown:public-report"), REPORT, REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR=forwarded).status_code


@pytest.mark.django_db
@behind_proxy
@override_settings(CRACKDOWN_REPORT_RATE="5/h")
def test_rate_limit_keys_on_the_real_client_behind_the_proxy():
    from django.core.cache import cache

    for _attempt in range(3):  # a parallel run's cache.clear may reset the counter mid-sequence
        cache.clear()
        # a sender varying the forged left entry still spends one budget (its real address)
        codes = [_report(Client(), f"6.6.6.{n}, 203.0.113.20") for n in range(6)]
        if codes == [200] * 5 + [429]:
            break
    assert codes == [200] * 5 + [429]
    # another citizen behind the same proxy is not affected
    assert _report(Client(), "203.0.113.21") == 200


def test_web_is_published_only_on_loopback_and_gunicorn_trusts_no_one_by_default():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    ports = compose["services"]["web"]["ports"]
    assert ports and all(str(p).startswith("127.0.0.1:") for p in ports)
    env = compose["x-app"]["environment"]
    assert "TRUSTED_PROXIES" in env and env["FORWARDED_ALLOW_IPS"] == "${TRUSTED_PROXIES}"
    assert '"--forwarded-allow-ips", "*"' not in (ROOT / "Dockerfile").read_text()
