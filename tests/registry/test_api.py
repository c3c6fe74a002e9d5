"""The register's API (registry/api): writes go through the same services as the pages."""

import pytest

from portal.models import Authority
from registry.models import Organization

pytestmark = pytest.mark.django_db


def test_api_writes_go_through_the_services(client, tibet_org, xizang_staff):
    client.force_login(xizang_staff)
    url = f"/api/registry/organizations/{tibet_org.pk}/"
    response = client.patch(url, {"name": "西藏自治区登山运动协会"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["former_names"] == ["西藏自治区测试协会"]
    response = client.post(f"{url}records/evaluation/", {"grade": 5, "rated_on": "2025-06-01"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert client.get(url).json()["current_grade"] == "5A"
    timeline = client.get(f"{url}timeline/").json()
    assert [e["kind"] for e in timeline] == ["name", "evaluation"]  # renamed today, rated in 2025
    assert client.post(f"{url}records/nonsense/", {}, content_type="application/json").status_code == 404
    refused = client.post("/api/registry/organizations/", {
        "name": "杭州市登山协会", "credit_code": credit_code_for("330100"), "kind": "social_group",
        "authority": Authority.objects.get(code="330100").pk, "status": "normal"}, content_type="application/json")
    assert refused.status_code == 400 and "authority" in refused.json()["errors"]
    assert not Organization.objects.filter(name="杭州市登山协会").exists()


def credit_code_for(division):
    from registry.demo import credit_code

    return credit_code("social_group", division, "MJ0000321")
