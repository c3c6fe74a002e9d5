"""The 援藏援疆 lists' tables.

Cells that were ``TemplateColumn``s (a Django template rendered per cell) are ``render_<name>``
methods writing the same bytes (issue 17; ``tests/aid_projects/test_table_columns.py`` keeps the old
templates and compares); ``text_from_html`` gives the Excel export the text ``TemplateColumn.value`` gave.
"""

import django_tables2 as tables
from django.template.base import render_value_in_context
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from aid_projects.choices import Confidence, MatchStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match, Pairing
from portal.gazetteer import full_names
from portal.status import badge
from portal.table_columns import RECORD, TableCells, cell_date

CONFIDENCE_BADGE = {Confidence.LOW: "text-bg-warning", Confidence.HIGH: "text-bg-success"}
ENDED_BADGE = mark_safe(' <span class="badge text-bg-light">已结束</span>')
EMPTY = (None, "")  # a column's default ``empty_values``: the cell shows the table's default
LATE_BADGE = mark_safe(' <span class="badge text-bg-danger">逾期</span>')


class PairingTable(TableCells, tables.Table):
    text_from_html = ("recipient", "confidence", "source_note", "valid_to", "edited")
    aiding_authority = tables.Column(verbose_name="支援方")
    recipient = tables.Column(verbose_name="受援地", orderable=False, empty_values=(), accessor=RECORD)
    confidence = tables.Column(verbose_name="可信度", empty_values=())
    source_note = tables.Column(verbose_name="来源说明", orderable=False, empty_values=())
    valid_to = tables.Column(verbose_name="终止日期", empty_values=())
    edited = tables.Column(verbose_name="页面修改", orderable=False, empty_values=(), accessor=RECORD)
    edit = tables.Column(verbose_name="", orderable=False, empty_values=(), accessor=RECORD)

    class Meta:
        model = Pairing
        fields = ("program", "aiding_authority", "recipient", "recipient_counties_label", "level", "confidence",
                  "source_note", "valid_from", "valid_to", "edited", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_recipient(self, record):
        area = record.recipient_area
        return format_html("{}{}", record.recipient_province.name,
                           area.name if area else record.recipient_area_label)

    def render_confidence(self, value, record):
        # the value is the choice's label, as ``record.get_confidence_display`` wrote it (found once, not twice)
        return format_html('<span class="badge {}">{}</span>',
                           CONFIDENCE_BADGE.get(record.confidence, "text-bg-secondary"), value)

    def render_source_note(self, record):
        return format_html('<small class="text-body-secondary" data-quoted>{}</small>', record.source_note)

    def render_valid_to(self, record):
        end = cell_date(record.valid_to, "Y-m-d") if record.valid_to else "—"
        return format_html("{}{}", end, ENDED_BADGE if record.is_ended else "")

    def render_edited(self, record):
        if not record.edited_at:
            return "—"
        editor = record.edited_by
        return format_html("<small>{}<br>{}</small>", (editor.display_name if editor is not None else "") or "—",
                           cell_date(record.edited_at, "Y-m-d H:i"))

    def render_edit(self, record):
        return self.edit_link("aid_projects.change_pairing", "aid_projects:pairing-update", record.pk)

    def value_edit(self):
        return ""  # the export rendered the template without the page's ``perms``: never a link


class CampaignTable(tables.Table):
    name = tables.LinkColumn("aid_projects:campaign-detail", args=[tables.A("pk")])

    class Meta:
        model = Campaign
        fields = ("name", "year", "liaison_due", "need_due", "supply_due", "is_open")
        attrs = {"class": "table table-sm table-hover align-middle"}


class AidListTable(TableCells, tables.Table):
    text_from_html = ("title", "status")
    # what the cells read (the list page selects only these: ``AidListListView``); ``is_late`` reads the
    # campaign's due dates
    record_fields = ("kind", "status", "submitted_at", "authority__name", "campaign__name", "campaign__liaison_due",
                     "campaign__need_due", "campaign__supply_due")
    title = tables.Column(verbose_name="清单", order_by=("authority__code",), empty_values=(), accessor=RECORD)
    campaign = tables.Column(verbose_name="对接年度")
    status = tables.Column(verbose_name="状态", empty_values=())
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="报送时间")

    class Meta:
        model = AidList
        fields = ("title", "campaign", "status", "submitted_at")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_title(self, record):
        return format_html('<a href="{}">{}{}</a>', self.url_for("aid_projects:list-detail", record.pk),
                           record.authority.name, record.get_kind_display())

    def render_status(self, value, record):
        # ``{{ record|status_badge }}`` (portal.status.badge_for) with the label the column found (its value)
        status = record.status
        return format_html("{}{}", badge(status, value) if status not in (None, "") else "",
                           LATE_BADGE if record.is_late else "")


class ItemTable(tables.Table):
    """The rows of one list, in the attachment's columns."""

    seq = tables.Column(verbose_name="序号")
    name = tables.Column(verbose_name="项目名称")
    amount = tables.Column(verbose_name="资金（万元）", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = AidItem
        fields = ("seq", "name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile")
        attrs = {"class": "table table-sm table-bordered align-middle"}


# ``get_category_display()`` as Django gives it, without building the dict of the choices again for each row
_CATEGORY_LABELS = dict(AidItem._meta.get_field("category").flatchoices)


class NeedTable(TableCells, tables.Table):
    # what the cells read (the list page selects only these: ``NeedListView``); the place by its id, named by
    # ``render_place`` from the gazetteer's full names (not joined with its parents on every page)
    record_fields = ("name", "category", "amount", "contact_name", "aid_list__campaign__year",
                     "aid_list__authority__name", "place")
    year = tables.Column(accessor="aid_list__campaign__year", verbose_name="年度")
    name = tables.LinkColumn("aid_projects:need-detail", args=[tables.A("pk")], verbose_name="项目名称")
    province = tables.Column(accessor="aid_list__authority__name", verbose_name="受援省份")
    place = tables.Column(accessor="place_id", verbose_name="实施地", order_by=("place__code",))
    amount = tables.Column(verbose_name="资金（万元）", attrs={"td": {"class": "text-end"}})
    match = tables.Column(accessor="match_status", verbose_name="对接情况", empty_values=())

    class Meta:
        model = AidItem
        fields = ("year", "name", "category", "province", "place", "amount", "contact_name", "match")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_place(self, value):
        """The division's full name (西藏自治区拉萨市城关区), from the names the gazetteer computes once per
        division: the list page fills ``place_names`` for its rows, the export for all of its rows."""
        names = self.__dict__.setdefault("place_names", {})
        if value not in names:
            names.update(full_names([value]))
        return names[value]

    def render_match(self, record):
        """The need's most advanced open match (``selectors.with_match_status`` in the query, or
        ``set_match_status`` after it); a link when it is the user's."""
        if not record.match_status:
            return "尚无对接"
        label = MatchStatus(record.match_status).label
        if record.own_match_id:
            return format_html('<a href="{}">{}</a>', self.url_for("aid_projects:match-detail", record.own_match_id),
                               label)
        return label

    def portal_row_html(self, row, context):
        """The row django-tables2's template wrote for these columns (``portal/table_render.py``), in Python:
        the page's rows without the per-cell lookups of the columns' accessors and ``LinkColumn``'s
        ``reverse`` (issue 17; ``tests/aid_projects/test_table_columns.py`` compares the bytes)."""
        fixed = self.__dict__.get("_portal_row_parts")
        if fixed is None:
            # what is the same in every row: the cells' ``<td>`` attributes and the ``<tr>`` attributes of an
            # even and an odd row (neither the table's nor the columns' attrs hold a callable)
            fixed = self.__dict__["_portal_row_parts"] = (
                [bound.attrs["td"].as_html() for bound in self.columns], {})
        tds, row_attrs = fixed
        record = row.record
        aid_list = record.aid_list
        name = record.name
        default = self.default
        cells = [default if value in EMPTY else value for value in (
            aid_list.campaign.year,
            format_html('<a href="{}">{}</a>', self.url_for("aid_projects:need-detail", record.pk), name)
            if name not in EMPTY else None,
            force_str(_CATEGORY_LABELS.get(record.category, record.category), strings_only=True),
            aid_list.authority.name, self.render_place(record.place_id), record.amount,
            record.contact_name)]
        cells.append(self.render_match(record))  # its column has no empty values: always rendered
        css = row.get_even_odd_css_class()
        attrs = row_attrs.get(css)
        if attrs is None:
            attrs = row_attrs[css] = row.attrs.as_html()
        out = ["\n                    <tr ", attrs, ">\n                        "]
        for td, value in zip(tds, cells, strict=True):
            out.append("\n                            <td ")
            out.append(td)
            out.append(">")
            # ``{{ cell }}``: a text escaped (autoescaping), a number localised
            out.append(conditional_escape(value) if isinstance(value, str) and context.autoescape
                       else render_value_in_context(value, context))
            out.append("</td>\n                        ")
        out.append("\n                    </tr>\n                    ")
        return mark_safe("".join(out))


class LiaisonTable(TableCells, tables.Table):
    authority = tables.Column(accessor="authority__full_name", verbose_name="登记管理机关",
                              order_by=("authority__code",))
    edit = tables.Column(verbose_name="", orderable=False, empty_values=(), accessor=RECORD)

    class Meta:
        model = Liaison
        fields = ("authority", "name", "unit", "work_phone", "mobile", "email", "campaign", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_edit(self, record):
        return self.edit_link("aid_projects.change_liaison", "aid_projects:liaison-update", record.pk)

    def value_edit(self):
        return ""  # the export rendered the template without the page's ``perms``: never a link


class MatchTable(TableCells, tables.Table):
    text_from_html = ("need", "supply")
    # what the cells read (the list page selects only these: ``MatchListView``)
    record_fields = ("status", "amount", "updated", "need__name", "need__aid_list__authority__name",
                     "need__place__name", "supply__name", "supply__aid_list__authority__name")
    need = tables.Column(verbose_name="需求项目", order_by=("need__name",), empty_values=())
    supply = tables.Column(verbose_name="供给项目", order_by=("supply__name",), empty_values=())
    amount = tables.Column(verbose_name="对接资金（万元）", attrs={"td": {"class": "text-end"}})
    updated = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="更新时间")

    class Meta:
        model = Match
        fields = ("need", "supply", "status", "amount", "updated")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_need(self, record):
        need = record.need
        return format_html("<a href=\"{}\">{}</a><div class='small text-muted'>{} {}</div>",
                           self.url_for("aid_projects:match-detail", record.pk), need.name,
                           need.aid_list.authority.name, need.place.name)

    def render_supply(self, record):
        supply = record.supply
        return format_html("{}<div class='small text-muted'>{}</div>", supply.name, supply.aid_list.authority.name)


