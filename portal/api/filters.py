"""The API's filter backend: a filter on an id that does not exist finds nothing (200, no rows).

The published schema gives a province, campaign or other object filter as an integer; any integer is
a valid filter value, and one naming no object (or none the caller may see) simply matches no row,
instead of django-filter's 400 「选择一个有效的选项」 (issue 13, point 5: schema-valid requests are
accepted).  Every other invalid value (a malformed date, a choice outside its enum) is still 400.
"""

from __future__ import annotations

from django_filters import ModelChoiceFilter, utils
from django_filters.rest_framework import DjangoFilterBackend


class PortalFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        # DjangoFilterBackend.filter_queryset on the one filterset (it made and validated a second: issue 17)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            if _only_unknown_ids(filterset):
                return queryset.none()
            if self.raise_exception:
                raise utils.translate_validation(filterset.errors)
        return filterset.qs


def _only_unknown_ids(filterset) -> bool:
    for name, errors in filterset.form.errors.as_data().items():
        if not isinstance(filterset.filters.get(name), ModelChoiceFilter):
            return False
        if any(error.code != "invalid_choice" for error in errors):
            return False
        try:
            int(filterset.form.data.get(name))
        except (TypeError, ValueError):
            return False
    return True
