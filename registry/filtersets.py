import django_filters
from django.db.models import Q

from portal.filtersets import AuthorityScopeFilter
from registry.choices import OrgKind, OrgStatus
from registry.models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称或信用代码")
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label="类型")
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label="登记状态")
    province = AuthorityScopeFilter(label="省份")

    class Meta:
        model = Organization
        fields = ["q", "kind", "status", "province"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value.strip()))
