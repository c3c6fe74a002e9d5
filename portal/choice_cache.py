"""The filter forms' choices of reference rows, kept per process (issue 17).

Every list page renders its filter form, and each model choice in it (the provinces, the aid
campaigns) ran its query on every request — through a server-side cursor (``DECLARE … WITH HOLD``,
``FETCH``, ``CLOSE``), a few milliseconds of the page.  These rows change a few times a year: the
reference data at a deploy (``load_reference``), a campaign when the ministry opens one.

For the models in ``CACHED_MODELS`` the rows a filter's queryset returns are kept per process, keyed
by the queryset's SQL (a filter narrowed per user — the needs page's paired provinces — is its own
entry) and by the model's generation, a token in the shared cache (Redis) that any save or delete of
such a row, and every ``reference_loaded``, renews: one cache read per choice field instead of a
query, and a change made in any process is seen by all at their next page.  Only the filter forms
(django-filter's fields) and the read-only forms that declare a ``CachedModelChoiceField`` (the
statistics' province) use it; the forms that write (``ModelChoiceField`` of an edit form) query as
before, and a submitted value is still checked against the database (``to_python``).  The options
rendered are the same rows in the same order, so the HTML is byte for byte the same.  Other reads of
these reference rows may use ``cached_rows`` too (the statistics' authority codes and provinces), and
other values derived from them may be kept under the same generations (an aiding province's paired
areas: ``aid_projects.models.paired_areas``, keyed by the pairings' and the authorities' generations).
"""

from __future__ import annotations

import threading
import time

from django import forms
from django.db import transaction
from django_filters import fields as filter_fields

from portal.request_memo import forget as forget_memoized
from portal.request_memo import memoized

CACHED_MODELS = {"portal.authority", "aid_projects.campaign", "aid_projects.pairing"}
_MAX_ENTRIES = 512  # distinct querysets kept per process (a narrowed filter per paired set of areas)
_rows: dict[tuple, tuple[int, list]] = {}
_lock = threading.Lock()


def _generation_key(label: str) -> str:
    return f"portal:choices:{label}"


def start_token(key: str) -> int:
    """The token under ``key`` in the shared cache, or a new one when it was never set or is gone (evicted, a
    cleared cache): a value no entry kept under an older token holds.  The generations here, the 待办 count's
    (portal.home) and the kept pages' epoch (portal.page_cache) start this way."""
    from django.core.cache import cache

    token = cache.get(key)
    if token is None:
        token = time.time_ns()
        cache.set(key, token, None)
    return token


def _start_generation(label: str) -> int:
    return start_token(_generation_key(label))


def _generations_from(found: dict) -> dict[str, int]:
    return {label: found.get(_generation_key(label)) or _start_generation(label) for label in CACHED_MODELS}


def _read_generations() -> dict[str, int]:
    from django.core.cache import cache

    return _generations_from(cache.get_many([_generation_key(label) for label in CACHED_MODELS]))


_GENERATIONS_MEMO = ("portal.choice_cache.generations",)


def generations() -> dict[str, int]:
    """Every cached model's generation, in one round trip once per request (``portal.request_memo``): the
    filter form's key (portal.filter_form_cache), ``cached_rows`` and the gazetteer's names all ask."""
    return memoized(_GENERATIONS_MEMO, _read_generations, dict)


def generations_with(keys: list[str]) -> tuple[dict[str, int], dict]:
    """``generations()`` and the cache's values of ``keys``, in one round trip (a kept page's entry and what
    it is checked against: portal/page_cache.py).  The generations are this request's, as ``generations()``'s."""
    from django.core.cache import cache

    found = cache.get_many([_generation_key(label) for label in CACHED_MODELS] + list(keys))
    return memoized(_GENERATIONS_MEMO, lambda: _generations_from(found), dict), found


def _generation(label: str) -> int:
    return generations()[label]


def forget(label: str) -> None:
    from django.core.cache import cache

    cache.set(_generation_key(label), time.time_ns(), None)
    forget_memoized(_GENERATIONS_MEMO)  # a write in this request: its next read sees the new generation
    with _lock:
        for key in [key for key in _rows if key[0] == label]:
            del _rows[key]


def forget_all(**kwargs) -> None:
    for label in CACHED_MODELS:
        forget(label)


def rows_changed(sender, **kwargs) -> None:
    """A saved or deleted row: forgotten now (this process, and a test's transaction) and after the commit
    (a page of another process that read the old rows in between would keep them otherwise)."""
    label = sender._meta.label_lower
    forget(label)
    transaction.on_commit(lambda: forget(label))


def cached_rows(queryset) -> list | None:
    """The rows of ``queryset`` from the process's store, or None when its model is not cached."""
    label = queryset.model._meta.label_lower
    if label not in CACHED_MODELS or queryset._prefetch_related_lookups:
        return None
    sql, params = queryset.query.sql_with_params()
    key = (label, queryset.db, sql, tuple(params))
    generation = _generation(label)
    kept = _rows.get(key)
    if kept is not None and kept[0] == generation:
        return kept[1]
    rows = list(queryset.all())
    with _lock:
        if len(_rows) >= _MAX_ENTRIES:
            _rows.clear()
        _rows[key] = (generation, rows)
    return rows


class CachedRowsIterator(forms.models.ModelChoiceIterator):
    """A form's model choices (Django's order: the empty choice, then the rows), the rows from ``cached_rows``."""

    def leading(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)

    def __iter__(self):
        rows = cached_rows(self.queryset)
        if rows is None:
            yield from super().__iter__()
            return
        yield from self.leading()
        for obj in rows:
            yield self.choice(obj)


class CachedModelChoiceIterator(CachedRowsIterator, filter_fields.ModelChoiceIterator):
    """django-filter's iterator (the empty and null choices as it orders them), the rows from ``cached_rows``."""

    def leading(self):
        yield from super().leading()
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)


class CachedModelChoiceField(forms.ModelChoiceField):
    """A model choice of a form that only reads (a statistics period's province): its options from
    ``cached_rows``, so its rendering can be kept too (portal.filter_form_cache).  Not for a form that writes."""

    iterator = CachedRowsIterator


def install() -> None:
    from django.db.models.signals import post_delete, post_save

    from portal.reference import reference_loaded

    filter_fields.ModelChoiceField.iterator = CachedModelChoiceIterator
    for label in CACHED_MODELS:
        from django.apps import apps

        model = apps.get_model(label)
        post_save.connect(rows_changed, sender=model, dispatch_uid=f"portal.choice_cache.save.{label}")
        post_delete.connect(rows_changed, sender=model, dispatch_uid=f"portal.choice_cache.delete.{label}")
    reference_loaded.connect(forget_all, dispatch_uid="portal.choice_cache.forget_all")
