"""An aiding province's paired areas — the scope of its aid lists and needs — kept per process for the day,
under the generations of the pairings and of the authorities (``aid_projects.models.paired_areas``, issue 17):
read once, and a change seen at the next request whichever process made it."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid_projects.models import Pairing, paired_areas
from portal import choice_cache
from portal.models import Authority

pytestmark = pytest.mark.django_db


def pairing_queries(ctx) -> int:
    return sum('FROM "aid_projects_pairing"' in query["sql"] for query in ctx.captured_queries)


@pytest.fixture
def zhejiang(zhejiang_staff):
    """浙江 and one of its current pairings (那曲's prefecture, by the reference table)."""
    pairing = Pairing.objects.current().filter(aiding_authority__code__startswith="33",
                                               recipient_area__isnull=False).select_related("recipient_area").first()
    assert pairing is not None
    return zhejiang_staff.authority, pairing


def test_the_paired_areas_are_read_once_and_each_caller_gets_its_own_copy(zhejiang):
    province, pairing = zhejiang
    first = paired_areas(province)
    assert pairing.recipient_area.scope_prefix in first[pairing.recipient_province_id]
    first[pairing.recipient_province_id].add("99")  # a caller changing its copy
    first[0] = {"11"}
    with CaptureQueriesContext(connection) as ctx:
        again = paired_areas(province)
    assert pairing_queries(ctx) == 0
    assert "99" not in again[pairing.recipient_province_id] and 0 not in again


def test_a_saved_pairing_is_seen_at_once(zhejiang):
    province, pairing = zhejiang
    assert pairing.recipient_area.scope_prefix in paired_areas(province).get(pairing.recipient_province_id, set())
    pairing.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    pairing.save()
    assert pairing.recipient_area.scope_prefix not in paired_areas(province).get(pairing.recipient_province_id, set())


def test_a_change_made_by_another_process_is_seen_at_the_next_request(zhejiang):
    """Another process's save renews the pairings' generation in the shared cache; this process's kept
    areas are then recomputed, though no signal ran here."""
    province, pairing = zhejiang
    before = paired_areas(province)
    Pairing.objects.filter(pk=pairing.pk).update(valid_to=timezone.localdate() - datetime.timedelta(days=1))
    cache.set(choice_cache._generation_key("aid_projects.pairing"), -1, None)  # what its forget() writes
    choice_cache.forget_memoized(choice_cache._GENERATIONS_MEMO)
    after = paired_areas(province)
    assert after != before
    assert pairing.recipient_area.scope_prefix not in after.get(pairing.recipient_province_id, set())


def test_a_renamed_or_recoded_authority_is_seen_at_once(zhejiang):
    """The prefixes come from the paired prefectures' codes: a save of an authority renews them too."""
    province, pairing = zhejiang
    paired_areas(province)
    area = Authority.objects.get(pk=pairing.recipient_area_id)
    with CaptureQueriesContext(connection) as ctx:
        area.save()
        paired_areas(province)
    assert pairing_queries(ctx) == 1


def test_a_pairing_that_ends_today_counts_until_tomorrow(zhejiang, monkeypatch):
    province, pairing = zhejiang
    today = timezone.localdate()
    pairing.valid_to = today
    pairing.save()
    assert pairing.recipient_area.scope_prefix in paired_areas(province)[pairing.recipient_province_id]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    assert pairing.recipient_area.scope_prefix not in paired_areas(province).get(pairing.recipient_province_id, set())
