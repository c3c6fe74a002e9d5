"""DRF throttling (issue 13, point 7): per account when logged in, per client address when not; 429
with Retry-After and a Chinese body, as the schema documents (tests/portal/test_api_contract.py)."""

import pytest


@pytest.fixture
def low_rates(settings):
    settings.API_THROTTLE_RATES = {"user": "3/min", "anon": "2/min"}


def test_a_logged_in_caller_is_throttled_per_account(client, hebei_staff, zhejiang_staff, low_rates):
    client.force_login(hebei_staff)
    assert [client.get("/api/crackdown/leads/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/crackdown/leads/")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("请求过于频繁，请 ") and "秒后再试" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    # another account from the same address has its own budget
    client.force_login(zhejiang_staff)
    assert client.get("/api/crackdown/leads/").status_code == 200


def test_the_public_endpoints_are_throttled_per_client_address(client, db, low_rates):
    assert [client.get("/api/crackdown/public/lists/").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/crackdown/public/lists/")
    assert refused.status_code == 429 and "请求过于频繁" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    # another client address: its own budget
    assert client.get("/api/crackdown/public/lists/", REMOTE_ADDR="10.9.8.7").status_code == 200
