import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.models import AuditAction, AuditEntry, Authority, Job, JobStatus, User
from portal.scoping import within_q


@extend_schema_field(OpenApiTypes.INT)
class AuthorityScopeFilter(django_filters.ModelChoiceFilter):
    """``?province=<authority id>``: rows whose authority (``field_name``) lies within that authority.

    Shared by every filterset that offers a province (or area) choice, so it means the same on the
    HTML list, the API and the Excel export.
    """

    def __init__(self, *args, field_name="authority", **kwargs):
        kwargs.setdefault("queryset", Authority.objects.provinces())
        kwargs.setdefault("empty_label", "全部")
        super().__init__(*args, field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(within_q(self.field_name, value))


class ProvinceForMinistryMixin:
    """Only the ministry chooses a province (``province`` filter); a province's staff see their own anyway."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and not getattr(user, "is_ministry", False):
            self.filters.pop("province", None)


class AuditEntryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="操作")
    username = django_filters.CharFilter(lookup_expr="icontains", label="账号")
    authority = AuthorityScopeFilter(label="机关（省级）")
    time_after = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label="起始日期")
    time_before = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label="截止日期")
    ip = django_filters.CharFilter(field_name="ip", label="IP 地址")

    class Meta:
        model = AuditEntry
        fields = ["q", "action", "username", "authority", "time_after", "time_before", "ip"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(note__icontains=value)
                               | Q(username__icontains=value))


class JobFilterSet(django_filters.FilterSet):
    kind = django_filters.CharFilter(label="任务类型")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label="状态")

    class Meta:
        model = Job
        fields = ["kind", "status"]


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    authority = AuthorityScopeFilter(label="省级机关")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = User
        fields = ["q", "authority", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))
