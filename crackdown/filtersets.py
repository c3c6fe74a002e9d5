"""One filterset per list, shared by the HTML list, the API and the export (STYLE.md point 4)."""

import django_filters
from django.db.models import Q

from crackdown.choices import CaseOutcome, CaseStage, LeadSource, LeadStatus, ListKind, ListStatus, TargetType
from crackdown.models import Case, CheckBatch, Lead, ListBatch, ListEntry, NameRule
from portal.crypto import phone_digest
from portal.filtersets import AuthorityScopeFilter, ProvinceForMinistryMixin
from portal.models import Authority
from registry.search import name_q

DATE = {"type": "date"}


def narrow_to_area(queryset, request):
    """A planner hint for text searches: the user's authorities as a literal list.

    ``restrict`` has already kept the rows inside the user's area (a join on the division-code
    prefix); with the ids spelled out PostgreSQL tests the cheap integer before the text pattern,
    so a provincial search scans its province's rows, not the country's (bench/crackdown_lists.py).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.authority is None or user.is_ministry:
        return queryset
    ids = list(Authority.objects.within(user.authority).values_list("id", flat=True))
    return queryset.filter(authority_id__in=ids)


class LeadFilterSet(ProvinceForMinistryMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    status = django_filters.ChoiceFilter(choices=LeadStatus.choices, label="状态")
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label="来源")
    province = AuthorityScopeFilter(field_name="authority", label="省份")
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label="受理日期起",
                                               widget=django_filters.widgets.forms.DateInput(attrs=DATE))
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label="受理日期止",
                                                widget=django_filters.widgets.forms.DateInput(attrs=DATE))
    batch = django_filters.NumberFilter(field_name="batch_id", label="排查批次",
                                        widget=django_filters.widgets.forms.HiddenInput)
    # the informant's phone is encrypted: a whole number is found by its keyed hash (portal.crypto);
    # only for those who may see informants (else the filter itself would tell who reported)
    informant_phone = django_filters.CharFilter(method="by_informant_phone", label="举报人电话")

    class Meta:
        model = Lead
        fields = ["q", "status", "source", "province", "received_after", "received_before", "batch",
                  "informant_phone"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is None or not user.has_perm("crackdown.view_informant"):
            self.filters.pop("informant_phone", None)

    def by_informant_phone(self, queryset, name, value):
        digest = phone_digest(value)  # "" for text without digits: no informant matches that
        return queryset.filter(informant__phone_hash=digest) if digest else queryset.none()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # any part of the name or an alias, two characters and up, on the register's indexes (issue 10 point 8)
        return narrow_to_area(queryset, self.request).filter(
            name_q(value) | Q(number=value))


class CaseFilterSet(ProvinceForMinistryMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    stage = django_filters.ChoiceFilter(choices=CaseStage.choices, label="办理环节")
    outcome = django_filters.ChoiceFilter(choices=CaseOutcome.choices, label="处理结果")
    target_type = django_filters.ChoiceFilter(choices=TargetType.choices, label="对象类型")
    province = AuthorityScopeFilter(field_name="authority", label="省份")

    class Meta:
        model = Case
        fields = ["q", "stage", "outcome", "target_type", "province"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # any part of the name or an alias, two characters and up, on the register's indexes (issue 10 point 8)
        return narrow_to_area(queryset, self.request).filter(
            name_q(value) | Q(number=value) | Q(decision_number=value))


class CheckBatchFilterSet(ProvinceForMinistryMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label="批次编号")
    province = AuthorityScopeFilter(field_name="authority", label="省份")

    class Meta:
        model = CheckBatch
        fields = ["q", "province"]


class ListBatchFilterSet(ProvinceForMinistryMixin, django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ListKind.choices, label="名单类别")
    status = django_filters.ChoiceFilter(choices=ListStatus.choices, label="状态")
    province = AuthorityScopeFilter(field_name="authority", label="省份")

    class Meta:
        model = ListBatch
        fields = ["kind", "status", "province"]


class PublicEntryFilterSet(django_filters.FilterSet):
    """The public list: ``?q=`` name, ``?province=`` the organization's province, ``?kind=``."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="组织名称")
    province = AuthorityScopeFilter(field_name="province", label="省份")
    kind = django_filters.ChoiceFilter(field_name="batch__kind", choices=ListKind.choices, label="名单类别")

    class Meta:
        model = ListEntry
        fields = ["q", "province", "kind"]


class NameRuleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="word", lookup_expr="icontains", label="字词")

    class Meta:
        model = NameRule
        fields = ["q", "kind", "active"]
