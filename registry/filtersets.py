import django_filters
from django.db.models import Q
from django.utils import timezone

from portal.filtersets import AuthorityScopeFilter, ProvinceForMinistryMixin
from portal.models import AuthorityLevel
from registry.choices import CreditListKind, Criterion, Grade, NominationStage, OrgKind, OrgStatus
from registry.models import CommendationRound, Nomination, Organization, RoundVerdict
from registry.search import search_q

LIST_MEMBERSHIP = [
    ("abnormal", "在活动异常名录中"),
    ("dishonest", "在严重违法失信名单中"),
    ("any", "在任一名录中"),
    ("none", "不在名录中"),
]


class ProvinceFilter(AuthorityScopeFilter):
    """``?province=<authority id>`` as everywhere, read from the organization's own province column."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(province_code=value.code[:2])


class NarrowedMixin:
    def narrowed_to_province(self) -> bool:
        """The rows asked for are one province's (registry.pagination.estimated_count walks its index)."""
        return bool(self.is_bound and self.is_valid() and self.form.cleaned_data.get("province"))


class OrganizationFilterSet(NarrowedMixin, django_filters.FilterSet):
    """One filterset for the register's page, its API and its Excel export."""

    q = django_filters.CharFilter(method="search", label="名称、曾用名或信用代码")
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label="类型")
    level = django_filters.ChoiceFilter(choices=AuthorityLevel.choices, field_name="authority__level",
                                        label="登记层级")
    province = ProvinceFilter(label="省份")
    authority = django_filters.CharFilter(field_name="authority__code", label="登记机关区划代码")
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label="登记状态")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, method="filter_grade", label="评估等级（有效期内）")
    listed = django_filters.ChoiceFilter(choices=LIST_MEMBERSHIP, method="filter_listed", label="信用名录")
    is_charity = django_filters.BooleanFilter(label="慈善组织")

    class Meta:
        model = Organization
        fields = ["q", "kind", "level", "province", "authority", "status", "grade", "listed", "is_charity"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(value))

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade=int(value), grade_expires_on__gte=timezone.localdate())

    def filter_listed(self, queryset, name, value):
        if value == CreditListKind.ABNORMAL:
            return queryset.filter(on_abnormal_list=True)
        if value == CreditListKind.DISHONEST:
            return queryset.filter(on_dishonest_list=True)
        if value == "any":
            return queryset.filter(on_abnormal_list=True) | queryset.filter(on_dishonest_list=True)
        return queryset.filter(on_abnormal_list=False, on_dishonest_list=False)


class PublicOrganizationFilterSet(NarrowedMixin, django_filters.FilterSet):
    """The public query: a name (any part, two characters and up) or a credit code, and a few filters."""

    q = django_filters.CharFilter(method="search", label="名称或统一社会信用代码", required=True)
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label="类型")
    province = ProvinceFilter(label="省份")
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label="登记状态")

    class Meta:
        model = Organization
        fields = ["q", "kind", "province", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(value))


class NominationFilterSet(django_filters.FilterSet):
    """The round's nominees (API): by round and by stage, inside what the caller may see."""

    round = django_filters.ModelChoiceFilter(label="评选", queryset=CommendationRound.objects.all())
    stage = django_filters.ChoiceFilter(label="环节", choices=NominationStage.choices)

    class Meta:
        model = Nomination
        fields = ["round", "stage"]


VERDICT_OUTCOMES = [("eligible", "符合条件"), ("excluded", "不符合条件")]


class RoundVerdictFilterSet(ProvinceForMinistryMixin, django_filters.FilterSet):
    """The stored verdicts of a round (page and API): eligible or excluded, the criterion failed, 4A and above;
    the ministry also by province, or its own registered organizations (部管)."""

    round = django_filters.ModelChoiceFilter(label="评选", queryset=CommendationRound.objects.all())
    outcome = django_filters.ChoiceFilter(choices=VERDICT_OUTCOMES, method="filter_outcome", label="核算结果")
    criterion = django_filters.ChoiceFilter(choices=Criterion.choices, method="filter_criterion",
                                            label="未符合的条件")
    preferred = django_filters.BooleanFilter(label="4A 及以上")
    province = ProvinceFilter(label="省份")
    ministry = django_filters.BooleanFilter(method="filter_ministry", label="民政部登记")
    q = django_filters.CharFilter(method="search", label="名称或信用代码")

    class Meta:
        model = RoundVerdict
        fields = ["round", "outcome", "criterion", "preferred", "province", "ministry", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "province" not in self.filters:  # a province's own organizations only: no area to choose
            self.filters.pop("ministry", None)

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(eligible=value == "eligible")

    def filter_criterion(self, queryset, name, value):
        return queryset.filter(criteria__contains=[value])

    def filter_ministry(self, queryset, name, value):
        return queryset.filter(province_code="00") if value else queryset.exclude(province_code="00")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__contains=value) | Q(credit_code=value.upper()))
