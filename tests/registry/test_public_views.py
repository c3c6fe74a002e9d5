"""Public register query: no login, public fields only, list entries while in force, a rate limit per client."""

import datetime

import pytest

from portal.models import Authority
from registry.demo import credit_code
from registry.models import CreditListEntry, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = Organization.objects.create(
        name="石家庄市古琴艺术研究会", kind="social_group", authority=Authority.objects.get(code="130100"),
        credit_code=credit_code("social_group", "130100", "MJ0000011"), legal_representative="王秘密",
        address="石家庄市中山路1号", grade=4, grade_expires_on=datetime.date.today() + datetime.timedelta(days=9))
    CreditListEntry.objects.create(organization=org, list_kind="abnormal", entered_on=datetime.date(2025, 1, 2),
                                   ground="未按规定报送年度工作报告")
    CreditListEntry.objects.create(organization=org, list_kind="dishonest", entered_on=datetime.date(2023, 1, 2),
                                   ground="旧事由已移出", removed_on=datetime.date(2024, 1, 2), removal_reason="期满")
    return org


def test_anonymous_search_by_two_characters_and_by_code(client, org):
    html = client.get("/registry/public/", {"q": "古琴"}).content.decode()
    assert "石家庄市古琴艺术研究会" in html and "共 1 个社会组织" in html
    html = client.get("/registry/public/", {"q": org.credit_code}).content.decode()
    assert "石家庄市古琴艺术研究会" in html
    assert "石家庄市古琴艺术研究会" not in client.get("/registry/public/", {"q": "书法"}).content.decode()


def test_without_a_term_nothing_is_listed(client, org):
    response = client.get("/registry/public/")
    assert response.status_code == 200 and "石家庄市古琴艺术研究会" not in response.content.decode()


def test_public_page_shows_public_fields_and_entries_in_force(client, org):
    html = client.get(f"/registry/public/{org.pk}/").content.decode()
    assert org.credit_code in html and "4A" in html and "石家庄市民政局" in html
    assert "未按规定报送年度工作报告" in html and "旧事由已移出" not in html
    assert "王秘密" not in html and "中山路1号" not in html


def test_rate_limited_per_client(client, org, settings):
    settings.REGISTRY_PUBLIC_RATE = "3/m"
    statuses = [client.get("/registry/public/", {"q": "古琴"}).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert client.get(f"/registry/public/{org.pk}/").status_code == 429
    other = client.get("/registry/public/", {"q": "古琴"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
