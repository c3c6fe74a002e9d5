"""Search of the register (registry.search, registry.filtersets): two-, three- and four-character terms, former
names, credit codes, filters.  Pages and counts: test_pagination.py; the list page: test_views.py."""

import datetime

import pytest

from portal.models import Authority
from registry import services
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization

pytestmark = pytest.mark.django_db


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
