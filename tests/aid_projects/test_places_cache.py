"""The place-name indexes are rebuilt when the reference data is reloaded (rows get new ids in tests)."""

import pytest

from aid_projects.places import resolve_need_place
from portal.gazetteer import province_index
from portal.reference import reference_loaded

pytestmark = pytest.mark.django_db


def test_reference_reload_drops_cached_places():
    resolve_need_place("540000", "城关区")
    assert resolve_need_place.cache_info().currsize >= 1 and province_index.cache_info().currsize >= 1
    reference_loaded.send(sender=None)
    assert resolve_need_place.cache_info().currsize == 0 and province_index.cache_info().currsize == 0
