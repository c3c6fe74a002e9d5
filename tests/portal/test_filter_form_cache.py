"""The list pages' filter forms kept per distinct form (portal.filter_form_cache, issue 17)."""

import re

import pytest

from crackdown.choices import LeadStatus
from portal import filter_form_cache
from portal.models import Authority, AuthorityLevel
from tests.aid_projects.factories import make_campaign

pytestmark = pytest.mark.django_db

FORM = re.compile(r'<form method="get" class="row g-2 align-items-end filter-form mb-3">(.*?)</form>', re.S)


def filter_form(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return FORM.search(response.content.decode()).group(1)


def test_a_form_is_rendered_once_and_its_copy_is_the_same_html(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    first = filter_form(client, "/crackdown/leads/")
    assert renders["n"] == 1
    assert filter_form(client, "/crackdown/leads/") == first
    assert renders["n"] == 1, "the second page's form comes from the store"
    filter_form_cache.forget()
    assert filter_form(client, "/crackdown/leads/") == first, "rendered afresh: the same bytes"


def test_the_submitted_data_are_part_of_the_key(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    checking = filter_form(client, f"/crackdown/leads/?status={LeadStatus.CHECKING}")
    pending = filter_form(client, f"/crackdown/leads/?status={LeadStatus.PENDING}")
    assert f'<option value="{LeadStatus.CHECKING}" selected>' in checking
    assert f'<option value="{LeadStatus.PENDING}" selected>' in pending
    assert f'<option value="{LeadStatus.CHECKING}" selected>' not in pending
    assert filter_form(client, f"/crackdown/leads/?status={LeadStatus.CHECKING}") == checking
    assert renders["n"] == 2
    searched = filter_form(client, "/crackdown/leads/?q=%E5%9B%BD%E5%AD%A6")  # 国学
    assert 'value="国学"' in searched and 'value="国学"' not in checking


def test_an_invalid_filter_renders_its_error_every_time_uncached(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    for expected_renders in (1, 2):
        form = filter_form(client, "/crackdown/leads/?province=999999999")
        assert 'id="id_province_error"' in form and "is-invalid" in form
        assert renders["n"] == expected_renders
    valid = filter_form(client, "/crackdown/leads/")
    assert "is-invalid" not in valid and "_error" not in valid


def test_a_new_province_or_campaign_shows_on_the_next_page(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    before = filter_form(client, "/aid/lists/")
    province = Authority.objects.create(code="990000", name="测试新增省份", level=AuthorityLevel.PROVINCE)
    with_province = filter_form(client, "/aid/lists/")
    assert "测试新增省份" not in before and f'<option value="{province.pk}">测试新增省份</option>' in with_province
    campaign = make_campaign(2039)
    with_campaign = filter_form(client, "/aid/lists/")
    assert f'<option value="{campaign.pk}">{campaign.name}</option>' in with_campaign
    province.name = "测试改名省份"
    province.save()
    assert f'<option value="{province.pk}">测试改名省份</option>' in filter_form(client, "/aid/lists/")
    province.delete()
    assert "测试改名省份" not in filter_form(client, "/aid/lists/")


def test_one_province_never_gets_another_s_choices(client, xizang_staff, zhejiang_staff, ministry_staff, renders):
    """The needs page's provinces differ per user (own province; an aiding province's paired recipients;
    all for the ministry): each user's copy is its own form, equal to rendering it afresh."""
    forms = {}
    for _ in range(2):  # the second round from the store, interleaved
        for user in (xizang_staff, zhejiang_staff, ministry_staff):
            client.force_login(user)
            html = filter_form(client, "/aid/needs/")
            assert forms.setdefault(user.username, html) == html
    assert renders["n"] == 3
    provinces = {re.search(r'<select name="province".*?</select>', html, re.S).group(0) for html in forms.values()}
    assert len(provinces) == 3, "three different sets of provinces"
    assert "西藏自治区" in forms["xizang_staff"] and "浙江省" not in forms["xizang_staff"]
    for user in (xizang_staff, zhejiang_staff, ministry_staff):
        filter_form_cache.forget()
        client.force_login(user)
        assert filter_form(client, "/aid/needs/") == forms[user.username]


def test_keys_differ_by_the_user_s_fields(rf, xizang_staff, ministry_staff):
    """The ministry's lead filter has a province field, a province's staff's has none: two keys."""
    from crackdown.filtersets import LeadFilterSet
    from crackdown.models import Lead

    keys = []
    for user in (xizang_staff, ministry_staff):
        request = rf.get("/crackdown/leads/")
        request.user = user
        keys.append(filter_form_cache.form_key(LeadFilterSet(None, queryset=Lead.objects.none(), request=request)))
    assert None not in keys and keys[0] != keys[1]


def test_the_registers_form_is_kept_too(client, xizang_staff, renders):
    """The register's list (the same fragment as every list): kept, and apart from the lists' (another filterset)."""
    client.force_login(xizang_staff)
    pattern = re.compile(r'<form method="get" class="row g-2 align-items-end filter-form mb-3">(.*?)</form>', re.S)
    first = pattern.search(client.get("/registry/organizations/").content.decode()).group(1)
    again = pattern.search(client.get("/registry/organizations/").content.decode()).group(1)
    assert first == again and 'name="is_charity"' in first and renders["n"] == 1
    charity = pattern.search(client.get("/registry/organizations/?is_charity=true").content.decode()).group(1)
    assert '<option value="true" selected>' in charity and renders["n"] == 2
