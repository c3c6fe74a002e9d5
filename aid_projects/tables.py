import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from aid_projects.choices import MatchStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match, Pairing


class PairingTable(tables.Table):
    aiding_authority = tables.Column(verbose_name="支援方")
    recipient = tables.TemplateColumn(
        "{{ record.recipient_province.name }}{% if record.recipient_area %}{{ record.recipient_area.name }}"
        "{% else %}{{ record.recipient_area_label }}{% endif %}",
        verbose_name="受援地", orderable=False,
    )
    confidence = tables.TemplateColumn(
        '<span class="badge {% if record.confidence == "low" %}text-bg-warning{% elif record.confidence == "high" %}'
        'text-bg-success{% else %}text-bg-secondary{% endif %}">{{ record.get_confidence_display }}</span>',
        verbose_name="可信度",
    )
    source_note = tables.TemplateColumn('<small class="text-body-secondary" data-quoted>'
                                        "{{ record.source_note }}</small>",
                                        verbose_name="来源说明", orderable=False)
    valid_to = tables.TemplateColumn(
        '{% if record.valid_to %}{{ record.valid_to|date:"Y-m-d" }}{% else %}—{% endif %}'
        '{% if record.is_ended %} <span class="badge text-bg-light">已结束</span>{% endif %}',
        verbose_name="终止日期",
    )
    edited = tables.TemplateColumn(
        '{% if record.edited_at %}<small>{{ record.edited_by.display_name|default:"—" }}<br>'
        '{{ record.edited_at|date:"Y-m-d H:i" }}</small>{% else %}—{% endif %}',
        verbose_name="页面修改", orderable=False,
    )
    edit = tables.TemplateColumn(
        '{% if perms.aid_projects.change_pairing %}<a href="{% url \'aid_projects:pairing-update\' record.pk %}">'
        "修改</a>{% endif %}",
        verbose_name="", orderable=False,
    )

    class Meta:
        model = Pairing
        fields = ("program", "aiding_authority", "recipient", "recipient_counties_label", "level", "confidence",
                  "source_note", "valid_from", "valid_to", "edited", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}


class CampaignTable(tables.Table):
    name = tables.LinkColumn("aid_projects:campaign-detail", args=[tables.A("pk")])

    class Meta:
        model = Campaign
        fields = ("name", "year", "liaison_due", "need_due", "supply_due", "is_open")
        attrs = {"class": "table table-sm table-hover align-middle"}


class AidListTable(tables.Table):
    title = tables.TemplateColumn(
        '<a href="{% url \'aid_projects:list-detail\' record.pk %}">{{ record.authority.name }}'
        "{{ record.get_kind_display }}</a>", verbose_name="清单", order_by=("authority__code",))
    campaign = tables.Column(verbose_name="对接年度")
    status = tables.TemplateColumn(
        "{% load portal_tags %}{{ record|status_badge }}{% if record.is_late %} "
        '<span class="badge text-bg-danger">逾期</span>{% endif %}', verbose_name="状态")
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="报送时间")

    class Meta:
        model = AidList
        fields = ("title", "campaign", "status", "submitted_at")
        attrs = {"class": "table table-sm table-hover align-middle"}


class ItemTable(tables.Table):
    """The rows of one list, in the attachment's columns."""

    seq = tables.Column(verbose_name="序号")
    name = tables.Column(verbose_name="项目名称")
    amount = tables.Column(verbose_name="资金（万元）", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = AidItem
        fields = ("seq", "name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile")
        attrs = {"class": "table table-sm table-bordered align-middle"}


class NeedTable(tables.Table):
    year = tables.Column(accessor="aid_list__campaign__year", verbose_name="年度")
    name = tables.LinkColumn("aid_projects:need-detail", args=[tables.A("pk")], verbose_name="项目名称")
    province = tables.Column(accessor="aid_list__authority__name", verbose_name="受援省份")
    place = tables.Column(accessor="place__full_name", verbose_name="实施地", order_by=("place__code",))
    amount = tables.Column(verbose_name="资金（万元）", attrs={"td": {"class": "text-end"}})
    match = tables.Column(accessor="match_status", verbose_name="对接情况", empty_values=())

    class Meta:
        model = AidItem
        fields = ("year", "name", "category", "province", "place", "amount", "contact_name", "match")
        attrs = {"class": "table table-sm table-hover align-middle"}


    def render_match(self, record):
        """The need's most advanced open match (selectors.with_match_status); a link when it is the user's."""
        if not record.match_status:
            return "尚无对接"
        label = MatchStatus(record.match_status).label
        if record.own_match_id:
            return format_html('<a href="{}">{}</a>', reverse("aid_projects:match-detail", args=[record.own_match_id]),
                               label)
        return label


class LiaisonTable(tables.Table):
    authority = tables.Column(accessor="authority__full_name", verbose_name="登记管理机关",
                              order_by=("authority__code",))
    edit = tables.TemplateColumn(
        '{% if perms.aid_projects.change_liaison %}<a href="{% url \'aid_projects:liaison-update\' record.pk %}">'
        "修改</a>{% endif %}", verbose_name="", orderable=False)

    class Meta:
        model = Liaison
        fields = ("authority", "name", "unit", "work_phone", "mobile", "email", "campaign", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}


class MatchTable(tables.Table):
    need = tables.TemplateColumn(
        '<a href="{% url \'aid_projects:match-detail\' record.pk %}">{{ record.need.name }}</a>'
        "<div class='small text-muted'>{{ record.need.aid_list.authority.name }} {{ record.need.place.name }}</div>",
        verbose_name="需求项目", order_by=("need__name",))
    supply = tables.TemplateColumn("{{ record.supply.name }}<div class='small text-muted'>"
                                   "{{ record.supply.aid_list.authority.name }}</div>", verbose_name="供给项目",
                                   order_by=("supply__name",))
    amount = tables.Column(verbose_name="对接资金（万元）", attrs={"td": {"class": "text-end"}})
    updated = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="更新时间")

    class Meta:
        model = Match
        fields = ("need", "supply", "status", "amount", "updated")
        attrs = {"class": "table table-sm table-hover align-middle"}
