"""The filter forms' provinces and campaigns kept per process (portal.choice_cache, issue 17)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aid_projects.models import Campaign
from portal import choice_cache
from portal.models import Authority
from portal.reference import reference_loaded
from tests.aid_projects.factories import make_campaign

pytestmark = pytest.mark.django_db


def test_rows_are_read_once_and_again_after_a_save_or_another_process_s_write():
    first = make_campaign(2025)
    queryset = Campaign.objects.all()
    assert choice_cache.cached_rows(queryset) == list(queryset)
    with CaptureQueriesContext(connection) as queries:
        assert choice_cache.cached_rows(Campaign.objects.all()) == [first]
    assert len(queries) == 0, "the second read comes from the process's store"

    second = make_campaign(2026)  # a save: forgotten at once
    assert set(choice_cache.cached_rows(Campaign.objects.all())) == {first, second}

    # another process's write: only the shared generation tells this process
    Campaign.objects.filter(pk=second.pk).update(name="改过名的年度")
    cache.set(choice_cache._generation_key("aid_projects.campaign"), 1)
    assert "改过名的年度" in [c.name for c in choice_cache.cached_rows(Campaign.objects.all())]


def test_a_cleared_cache_or_reference_load_forgets_the_provinces():
    provinces = Authority.objects.provinces()
    kept = choice_cache.cached_rows(provinces)
    assert kept and kept == list(Authority.objects.provinces())
    token = cache.get(choice_cache._generation_key("portal.authority"))
    reference_loaded.send(sender=None)
    assert cache.get(choice_cache._generation_key("portal.authority")) != token
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        choice_cache.cached_rows(Authority.objects.provinces())
    assert len(queries) == 1


def test_other_models_and_narrowed_querysets_are_kept_apart():
    from portal.models import User

    assert choice_cache.cached_rows(User.objects.all()) is None  # not a cached model: queried as before
    all_provinces = choice_cache.cached_rows(Authority.objects.provinces())
    tibet = choice_cache.cached_rows(Authority.objects.provinces().filter(code="540000"))
    assert [a.code for a in tibet] == ["540000"] and len(all_provinces) > 1


def test_needs_page_filter_shows_a_renamed_campaign(client, xizang_liaison):
    campaign = make_campaign(2025)
    client.force_login(xizang_liaison)
    assert f'<option value="{campaign.pk}">{campaign.name}</option>' in client.get("/aid/needs/").content.decode()
    campaign.name = "2025年度援藏援疆项目对接（调整）"
    campaign.save()
    page = client.get("/aid/needs/").content.decode()
    assert f'<option value="{campaign.pk}">2025年度援藏援疆项目对接（调整）</option>' in page


def test_a_request_reads_the_generations_once_and_again_after_its_own_write(monkeypatch):
    """The filter form's key, ``cached_rows`` and the gazetteer's names each ask for the generations: one
    round trip a request (``portal.request_memo``); a write in the same request is seen by its next read."""
    from portal import request_memo

    reads = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **k: reads.append(keys) or original(keys, *a, **k))
    token = request_memo.open_memo()
    try:
        first = choice_cache.generations()
        assert choice_cache.generations() == first and choice_cache._generation("portal.authority") == first[
            "portal.authority"]
        assert len(reads) == 1
        make_campaign(2027)  # a save in this request: the campaigns' generation renewed, read afresh
        after = choice_cache.generations()
        assert after["aid_projects.campaign"] != first["aid_projects.campaign"] and len(reads) == 2
        assert after["portal.authority"] == first["portal.authority"]
    finally:
        request_memo.close_memo(token)
    choice_cache.generations()
    choice_cache.generations()
    assert len(reads) == 4  # outside a request: read each time, as before
