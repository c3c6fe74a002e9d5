"""名称核查: registered (same once normalised, former name, near by rapidfuzz), reserved words and the
ministry rule, resemblance to published lists, revoked and deregistered organizations."""

import datetime

import pytest

from crackdown.models import ListBatch, ListEntry
from portal.models import Authority
from registry import services
from registry.demo import credit_code
from registry.models import Organization
from registry.namecheck import name_check
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


def make(name, code="130000", kind="social_group", serial="MJ0000001", **fields):
    return Organization.objects.create(name=name, kind=kind, authority=Authority.objects.get(code=code),
                                       credit_code=credit_code(kind, code, serial), **fields)


def test_an_unknown_name_is_clear():
    make("河北省书法家协会")
    result = name_check("青海省高原摄影学会")
    assert not result.matches and not result.reserved and not result.list_hits
    assert result.findings[0][0] == "success"


def test_same_name_after_normalising_width_and_spaces():
    org = make("河北省ＡＢＣ书法家协会")
    result = name_check(" 河北省 abc 书法家协会 ")
    assert [(m.organization, m.how) for m in result.registered] == [(org, "same")]


def test_a_near_name_is_scored_by_rapidfuzz():
    org = make("河北省书法家协会")
    make("西藏自治区登山协会", code="540000", serial="MJ0000002")
    result = name_check("河北省书法家学会")
    assert [m.organization for m in result.near] == [org]
    assert 85 <= result.near[0].score < 100
    assert not result.registered


def test_the_near_name_is_read_among_many_similar_ones():
    """More trigram-similar names than the check reads (CANDIDATES), all sorting before the near one by name:
    the most similar are read first, so the near name is still found (the name order read the first 200)."""
    from registry.namecheck import CANDIDATES

    hebei = Authority.objects.get(code="130000")
    Organization.objects.bulk_create([
        Organization(name=f"河北省石家庄市专利协会{n:03d}", kind="social_group", authority=hebei,
                     credit_code=credit_code("social_group", "130000", f"MK{n:07d}")) for n in range(CANDIDATES + 20)])
    org = make("河北省石家庄市专利学会")
    result = name_check("河北省石家庄市专利学社")
    assert [m.organization for m in result.near] == [org]


def test_a_former_name_counts_as_registered(hebei_staff):
    org = make("河北省书法家协会")
    services.organization_update(actor=hebei_staff, organization=org, name="河北省书法艺术联合会",
                                 renamed_on=datetime.date(2024, 1, 1))
    result = name_check("河北省书法家协会")
    assert [(m.organization.pk, m.how) for m in result.registered] == [(org.pk, "former")]


@pytest.mark.parametrize("code,ok", [("000000", True), ("130000", False)])
def test_a_reserved_word_needs_the_ministry(code, ok):
    make("中华书法家协会", code=code)
    result = name_check("中华书法家协会")
    assert result.reserved == ["中华"] and result.reserved_ok is ok


def test_a_reserved_word_judged_by_the_intended_authority():
    result = name_check("京津冀书法联盟", authority=Authority.objects.get(code="130000"))
    assert result.reserved == ["京津冀"] and result.reserved_ok is False
    assert "须由民政部登记" in result.findings[0][1]


def test_reserved_words_are_the_ministrys_rule_table():
    """One list, one place: the NameRule table the ministry edits (crackdown/names.py), as the lead form reads it."""
    from crackdown.models import NameRule

    assert name_check("一带一路文化交流促进会").reserved == []
    rule = NameRule.objects.create(word="一带一路", kind="prefix", local_only=True, rule_text="须经民政部登记",
                                   source="《社会团体登记管理条例》第十条")
    assert name_check("一带一路文化交流促进会").reserved == ["一带一路"]
    rule.active = False
    rule.save()
    assert name_check("一带一路文化交流促进会").reserved == []
    # a word the ministry switched off is off for the registry too
    NameRule.objects.filter(word="中华").update(active=False)
    assert name_check("中华书法家协会").reserved == []


def test_a_rule_for_everyone_is_a_finding_whoever_registers():
    result = name_check("河北省第一书法协会", authority=Authority.objects.get(code="000000"))
    assert result.reserved == [] and [f.word for f in result.rule_findings] == ["第一"]
    assert any("《社会组织名称管理办法》第八条" in text for tone, text in result.findings if tone == "danger")


def test_a_reserved_word_in_the_middle_is_not_a_prefix():
    # 条例第十条: 不得“冠以” — 河北省中华文化促进会 does not start with 中华
    assert name_check("河北省中华文化促进会").reserved == []
    assert name_check("中 华文化促进会").reserved == ["中华"]  # spaces do not hide it


def test_revoked_and_deregistered_are_flagged():
    make("河北省气功研究会", status="revoked", status_changed_on=datetime.date(2020, 1, 1), status_reason="违规")
    result = name_check("河北省气功研究会")
    assert [m.organization.name for m in result.revoked] == ["河北省气功研究会"]
    assert "撤销登记" in result.findings[0][1] and result.findings[0][0] == "danger"


def test_resemblance_to_a_published_list_entry(hebei_staff):
    authority = Authority.objects.get(code="130000")
    published = ListBatch.objects.create(kind="suspected", number="2025年第1批", authority=authority,
                                         status="published", published_on=datetime.date(2025, 3, 1),
                                         approver=hebei_staff)
    draft = ListBatch.objects.create(kind="suspected", number="2025年第2批", authority=authority)
    ListEntry.objects.create(batch=published, name="中华国学文化研究院", province=authority)
    ListEntry.objects.create(batch=draft, name="中华书画艺术研究院", province=authority)
    hits = name_check("中华国学文化研究会").list_hits
    assert [h.name for h in hits] == ["中华国学文化研究院"]
    assert name_check("中华书画艺术研究院").list_hits == []  # a draft list is not published


def test_page_and_api(client, xizang_staff, no_role_user):
    make("中国书法家协会", code="000000")
    xizang = Authority.objects.get(code="540000")
    url = f"/registry/name-check/?name=中华书法家协会&authority={xizang.pk}"
    html = assert_permission_matrix(client, url, own=xizang_staff, no_perm=no_role_user).content.decode()
    # registered by a province, the reserved word is refused
    assert "须由民政部登记" in html
    client.force_login(xizang_staff)
    form = client.get("/registry/name-check/").content.decode()
    assert f'<option value="{xizang.pk}" selected>' in form  # the clerk's own province is offered first
    html = client.get("/registry/name-check/?name=中华书法家协会").content.decode()
    assert "只有在民政部登记的社会组织可以使用" in html
    client.logout()
    data = assert_permission_matrix(client, "/api/registry/name-check/?name=中国书法家协会", own=xizang_staff,
                                    no_perm=no_role_user).json()
    assert data["registered"][0]["name"] == "中国书法家协会" and data["registered"][0]["authority_is_ministry"]
    assert data["reserved_words"] == ["中国"] and data["reserved_ok"] is True
    client.force_login(xizang_staff)
    assert client.get("/api/registry/name-check/").status_code == 400
