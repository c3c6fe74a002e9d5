import django_filters
from django.db.models import Q

from aid_projects.choices import AidCategory, AidProgram, Confidence, ListKind, ListStatus, MatchStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match, Pairing
from aid_projects.selectors import OPEN_MATCH
from portal.crypto import phone_digest
from portal.filtersets import AuthorityScopeFilter
from portal.models import Authority
from portal.phones import normalise_phone


class PairingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    program = django_filters.ChoiceFilter(choices=AidProgram.choices, label="援助类别")
    recipient_province = django_filters.ModelChoiceFilter(queryset=Authority.objects.aid_recipients(),
                                                          label="受援省份")
    aiding_province = AuthorityScopeFilter(field_name="aiding_authority", label="支援省份")
    confidence = django_filters.ChoiceFilter(choices=Confidence.choices, label="可信度")
    period = django_filters.ChoiceFilter(choices=[("current", "现行"), ("ended", "已结束（历史）")], label="时段",
                                         method="filter_period")

    class Meta:
        model = Pairing
        fields = ["q", "program", "recipient_province", "aiding_province", "confidence", "period"]

    def filter_period(self, queryset, name, value):
        current = queryset.current()
        return current if value == "current" else queryset.exclude(pk__in=current.values("pk"))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(aiding_unit_label__icontains=value) | Q(recipient_area_label__icontains=value)
            | Q(recipient_counties_label__icontains=value) | Q(source_note__icontains=value)
        )


class CampaignFilterSet(django_filters.FilterSet):
    class Meta:
        model = Campaign
        fields = ["year", "is_open"]


class AidListFilterSet(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label="对接年度")
    kind = django_filters.ChoiceFilter(choices=ListKind.choices, label="清单类型")
    status = django_filters.ChoiceFilter(choices=ListStatus.choices, label="状态")
    province = AuthorityScopeFilter(field_name="authority", label="省份")

    class Meta:
        model = AidList
        fields = ["campaign", "kind", "status", "province"]


class AidItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    campaign = django_filters.ModelChoiceFilter(field_name="aid_list__campaign", queryset=Campaign.objects.all(),
                                                label="对接年度")
    kind = django_filters.ChoiceFilter(field_name="aid_list__kind", choices=ListKind.choices[1:], label="清单类型")
    category = django_filters.ChoiceFilter(choices=AidCategory.choices, label="帮扶类别")
    province = AuthorityScopeFilter(field_name="aid_list__authority", label="填报省份")
    aid_list = django_filters.NumberFilter(field_name="aid_list", label="清单编号")

    class Meta:
        model = AidItem
        fields = ["q", "campaign", "kind", "category", "province", "aid_list"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(summary__icontains=value) | Q(place_text__icontains=value))


NO_MATCH = "none"


class NeedFilterSet(django_filters.FilterSet):
    """项目需求: the filters fit what the page lists — need items only, and as provinces only those whose
    needs the user sees (own province; an aiding province's paired recipients; every recipient for the
    ministry).  ``match`` filters on the need's most advanced open match (``selectors.with_match_status``,
    which the list's queryset carries)."""

    q = django_filters.CharFilter(method="search", label="关键词")
    campaign = django_filters.ModelChoiceFilter(field_name="aid_list__campaign", queryset=Campaign.objects.all(),
                                                label="对接年度", empty_label="全部")
    category = django_filters.ChoiceFilter(choices=AidCategory.choices, label="帮扶类别", empty_label="全部")
    province = AuthorityScopeFilter(field_name="aid_list__authority", label="受援省份",
                                    queryset=Authority.objects.aid_recipients())
    match = django_filters.ChoiceFilter(
        method="filter_match", label="对接情况", empty_label="全部",
        choices=[(NO_MATCH, "尚无对接"), *[(s.value, s.label) for s in OPEN_MATCH]])

    class Meta:
        model = AidItem
        fields = ["q", "campaign", "category", "province", "match"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_ministry:
            from aid_projects.models import paired_areas

            visible = Authority.objects.aid_recipients().filter(
                Q(pk__in=list(paired_areas(user.authority))) | Q(code__startswith=user.authority.code[:2]))
            self.filters["province"].queryset = visible.order_by("code")

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(summary__icontains=value) | Q(place_text__icontains=value))

    def filter_match(self, queryset, name, value):
        if value == NO_MATCH:
            return queryset.filter(match_status__isnull=True)
        return queryset.filter(match_status=value)


class LiaisonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label="对接年度")
    province = AuthorityScopeFilter(field_name="authority", label="省份",
                                    queryset=Authority.objects.aid_recipients())

    class Meta:
        model = Liaison
        fields = ["q", "campaign", "province"]

    def search(self, queryset, name, value):
        found = Q(name__icontains=value) | Q(unit__icontains=value) | Q(authority__name__icontains=value)
        if len(normalise_phone(value)) >= 11:
            # the mobile is encrypted: a whole number is found by its keyed hash (portal.crypto)
            found |= Q(mobile_hash=phone_digest(value))
        return queryset.filter(found)


class MatchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    status = django_filters.ChoiceFilter(choices=MatchStatus.choices, label="状态")
    campaign = django_filters.ModelChoiceFilter(field_name="need__aid_list__campaign",
                                                queryset=Campaign.objects.all(), label="对接年度")
    recipient = AuthorityScopeFilter(field_name="need__aid_list__authority", label="受援省份",
                                     queryset=Authority.objects.aid_recipients())
    aiding = AuthorityScopeFilter(field_name="supply__aid_list__authority", label="支援省份",
                                  queryset=Authority.objects.aiding())

    class Meta:
        model = Match
        fields = ["q", "status", "campaign", "recipient", "aiding"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(need__name__icontains=value) | Q(supply__name__icontains=value))
