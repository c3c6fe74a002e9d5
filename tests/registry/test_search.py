"""Search of the register: two-, three- and four-character terms, former names, credit codes, filters, and
keyset pages with an estimated count."""

import datetime

import pytest

from portal.models import Authority
from registry import services
from registry.demo import credit_code
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization
from registry.pagination import EXACT_UP_TO, estimated_count, keyset_page

pytestmark = pytest.mark.django_db

NAMES = ["河北省书法家协会", "河北省慈善联合会", "浙江省书画研究会", "西藏自治区登山协会", "浙江省援藏公益基金会",
         "杭州市ＡＢＣ 英语学习会"]


@pytest.fixture
def orgs():
    hebei, zhejiang, xizang = (Authority.objects.get(code=c) for c in ("130000", "330000", "540000"))
    where = [hebei, hebei, zhejiang, xizang, zhejiang, Authority.objects.get(code="330100")]
    made = {}
    for n, (name, authority) in enumerate(zip(NAMES, where, strict=True)):
        kind = "foundation" if name.endswith("基金会") else "social_group"
        made[name] = Organization.objects.create(name=name, kind=kind, authority=authority,
                                                 credit_code=credit_code(kind, authority.code, f"MJ{n:07d}"))
    return made


def found(term, **filters):
    qs = OrganizationFilterSet({"q": term, **filters}, queryset=Organization.objects.all()).qs
    return sorted(o.name for o in qs)


def test_two_character_terms_use_character_pairs(orgs):
    assert found("书法") == ["河北省书法家协会"]
    assert found("协会") == ["河北省书法家协会", "西藏自治区登山协会"]
    assert found("慈善") == ["河北省慈善联合会"]
    assert found("书协") == []  # pairs must be adjacent


def test_three_and_four_character_terms(orgs):
    assert found("研究会") == ["浙江省书画研究会"]
    assert found("书画研究") == ["浙江省书画研究会"]
    assert found("援藏公益") == ["浙江省援藏公益基金会"]
    assert found("书法协会") == []


def test_terms_are_normalised_like_names(orgs):
    assert found("abc英语") == ["杭州市ＡＢＣ 英语学习会"]
    assert found("ＡＢＣ英语") == ["杭州市ＡＢＣ 英语学习会"]
    assert found("c英") == ["杭州市ＡＢＣ 英语学习会"]  # a pair across the removed space


def test_a_single_character_still_finds(orgs):
    assert found("藏") == ["浙江省援藏公益基金会", "西藏自治区登山协会"]


def test_credit_code_exact(orgs):
    code = orgs["浙江省书画研究会"].credit_code
    assert found(code) == ["浙江省书画研究会"]
    assert found(code.lower()) == ["浙江省书画研究会"]


def test_former_names_are_found(orgs, hebei_staff):
    services.organization_update(actor=hebei_staff, organization=orgs["河北省书法家协会"], name="河北省书法艺术联合会",
                                 renamed_on=datetime.date(2024, 1, 1))
    assert found("书法家") == ["河北省书法艺术联合会"]
    assert found("家协") == ["河北省书法艺术联合会"]
    assert found("艺术") == ["河北省书法艺术联合会"]


def test_filters_combine_with_search(orgs):
    zhejiang = Authority.objects.get(code="330000")
    assert found("会", province=zhejiang.pk) == ["杭州市ＡＢＣ 英语学习会", "浙江省书画研究会", "浙江省援藏公益基金会"]
    assert found("", kind="foundation") == ["浙江省援藏公益基金会"]
    assert found("", level="prefecture") == ["杭州市ＡＢＣ 英语学习会"]


def test_grade_and_list_filters(orgs, hebei_staff):
    org = orgs["河北省慈善联合会"]
    services.record_add(actor=hebei_staff, organization=org, kind="evaluation", grade=4,
                        rated_on=datetime.date.today() - datetime.timedelta(days=30))
    services.record_add(actor=hebei_staff, organization=orgs["河北省书法家协会"], kind="evaluation", grade=4,
                        rated_on=datetime.date(2015, 1, 1))  # expired in 2020
    services.record_add(actor=hebei_staff, organization=orgs["河北省书法家协会"], kind="listentry",
                        list_kind="abnormal", entered_on=datetime.date(2025, 1, 1), ground="未报送年报")
    assert found("", grade="4") == ["河北省慈善联合会"]
    assert found("", listed="abnormal") == ["河北省书法家协会"]
    assert found("", listed="dishonest") == []
    assert "河北省书法家协会" not in found("", listed="none")


def test_keyset_pages_walk_every_row_once(orgs):
    qs = Organization.objects.all()
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, cursor=cursor, size=2)
        seen += [o.name for o in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted(NAMES) and len(seen) == len(set(seen))
    by_code = keyset_page(qs, sort="credit_code", size=10).rows
    assert [o.credit_code for o in by_code] == sorted(o.credit_code for o in orgs.values())


def test_a_tampered_cursor_starts_from_the_first_page(orgs):
    assert [o.name for o in keyset_page(Organization.objects.all(), cursor="!!garbage", size=1).rows] == [
        sorted(NAMES)[0]]


def test_count_is_exact_when_small_and_estimated_when_large(orgs):
    small = estimated_count(Organization.objects.all())
    assert (small.value, small.exact, str(small)) == (len(NAMES), True, str(len(NAMES)))
    xizang = Authority.objects.get(code="540000")
    Organization.objects.bulk_create([
        Organization(name=f"西藏测试协会{n}", kind="social_group", authority=xizang,
                     credit_code=credit_code("social_group", "540000", f"MK{n:07d}")) for n in range(EXACT_UP_TO + 5)])
    large = estimated_count(Organization.objects.all())
    assert not large.exact and large.value > EXACT_UP_TO and str(large).startswith("约 ")


def test_list_page_shows_count_and_next_link(client, orgs, xizang_staff):
    client.force_login(xizang_staff)
    html = client.get("/registry/organizations/", {"q": "协会"}).content.decode()
    assert "共 2 个社会组织" in html and "河北省书法家协会" in html and "浙江省书画研究会" not in html
    api = client.get("/api/registry/organizations/", {"q": "协会"}).json()
    assert api["count"] == 2 and api["count_exact"] and api["next"] is None
