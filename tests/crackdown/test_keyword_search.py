"""The lead and case keyword search uses the register's search (issue 10 point 8): two characters on the
character-pair GIN index, three and more on pg_trgm, aliases included, full-width and spaces ignored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crackdown.filtersets import CaseFilterSet, LeadFilterSet
from crackdown.models import Case, Lead

pytestmark = pytest.mark.django_db


def found(filterset, user, rf, q):
    request = rf.get("/", {"q": q})
    request.user = user
    model = filterset._meta.model
    return {o.org_name for o in filterset(request.GET, queryset=model.objects.restrict(user, "view"),
                                           request=request).qs}


def test_two_three_and_four_character_terms_find_the_right_leads(rf, hebei_staff, make_lead):
    make_lead(hebei_staff, "中华国学研究总会", aliases="华夏文化促进会\n国学院")
    make_lead(hebei_staff, "河北省ＡＢＣ 慈善联盟")
    make_lead(hebei_staff, "学国研究社")  # 学国, not 国学
    assert found(LeadFilterSet, hebei_staff, rf, "国学") == {"中华国学研究总会"}
    assert found(LeadFilterSet, hebei_staff, rf, "研究") == {"中华国学研究总会", "学国研究社"}
    assert found(LeadFilterSet, hebei_staff, rf, "华夏") == {"中华国学研究总会"}  # an alias
    assert found(LeadFilterSet, hebei_staff, rf, "文化促进") == {"中华国学研究总会"}
    assert found(LeadFilterSet, hebei_staff, rf, "abc慈善") == {"河北省ＡＢＣ 慈善联盟"}
    assert found(LeadFilterSet, hebei_staff, rf, "会国") == set()  # no pair across an alias boundary


def test_a_two_character_term_uses_the_pair_index(rf, hebei_staff, make_lead):
    make_lead(hebei_staff, "中华国学研究总会")
    with CaptureQueriesContext(connection) as queries:
        assert found(LeadFilterSet, hebei_staff, rf, "国学") == {"中华国学研究总会"}
    sql = next(q["sql"] for q in queries.captured_queries if "crackdown_lead" in q["sql"])
    assert '"search_bigrams" @>' in sql
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM crackdown_lead WHERE search_bigrams @> ARRAY['国学']")
        plan = " ".join(r[0] for r in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "crackdown_lead_bigrams" in plan


def test_case_search_and_the_list_page(client, rf, hebei_staff, make_lead, make_case):
    make_lead(hebei_staff, "中华国学研究总会")
    make_case(hebei_staff, name="中华国学研究总会")
    assert found(CaseFilterSet, hebei_staff, rf, "国学") == {"中华国学研究总会"}
    assert Case.objects.filter(search_bigrams__contains=["国学"]).count() == 1
    client.force_login(hebei_staff)
    page = client.get(reverse("crackdown:lead-list"), {"q": "国学"}).content.decode()
    assert "中华国学研究总会" in page
    assert Lead.objects.filter(search_bigrams__contains=["国学"]).count() == 1


def test_the_lead_forms_similar_name_check_finds_a_two_character_name(make_lead, hebei_staff, zhejiang_staff):
    from crackdown.selectors import name_warnings

    make_lead(zhejiang_staff, "浙江国学研究总会")
    kinds = {w.kind: w.message for w in name_warnings("国学", user=hebei_staff)}
    assert "other_province" in kinds and "浙江" in kinds["other_province"]
