import django_filters
from django.db.models import Q

from aid_projects.choices import AidProgram, Confidence
from aid_projects.models import Pairing
from portal.filtersets import AuthorityScopeFilter
from portal.models import Authority


class PairingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    program = django_filters.ChoiceFilter(choices=AidProgram.choices, label="援助类别")
    recipient_province = django_filters.ModelChoiceFilter(queryset=Authority.objects.aid_recipients(),
                                                          label="受援省份")
    aiding_province = AuthorityScopeFilter(field_name="aiding_authority", label="支援省份")
    confidence = django_filters.ChoiceFilter(choices=Confidence.choices, label="可信度")

    class Meta:
        model = Pairing
        fields = ["q", "program", "recipient_province", "aiding_province", "confidence"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(aiding_unit_label__icontains=value) | Q(recipient_area_label__icontains=value)
            | Q(recipient_counties_label__icontains=value) | Q(source_note__icontains=value)
        )
