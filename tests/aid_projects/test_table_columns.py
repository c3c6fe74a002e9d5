"""The 援藏援疆 tables' cells that were ``TemplateColumn``s are ``render_<name>`` methods now (issue 17): the
bytes of every cell must be the old templates' (kept here, as they were in aid_projects/tables.py at
eab823a), for each branch — empty values, each status and confidence, an ended pairing, a late list,
``<script>`` and quotes in the users' text, a user who may edit and one who may not — and the Excel export
of each table the same as well."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow

from aid_projects import tables as aid_tables
from aid_projects.choices import AidProgram, Confidence, ListKind, ListStatus, MatchStatus, PairingLevel
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match, Pairing
from aid_projects.tables import AidListTable, LiaisonTable, MatchTable, NeedTable, PairingTable
from portal import table_render
from portal.list_export import export_values
from portal.models import Authority, AuthorityLevel, User

pytestmark = pytest.mark.django_db

# --- the columns as they were: the reference -------------------------------------------------------
PAIRING_RECIPIENT = (
    "{{ record.recipient_province.name }}{% if record.recipient_area %}{{ record.recipient_area.name }}"
    "{% else %}{{ record.recipient_area_label }}{% endif %}")
PAIRING_CONFIDENCE = (
    '<span class="badge {% if record.confidence == "low" %}text-bg-warning{% elif record.confidence == "high" %}'
    'text-bg-success{% else %}text-bg-secondary{% endif %}">{{ record.get_confidence_display }}</span>')
PAIRING_SOURCE_NOTE = '<small class="text-body-secondary" data-quoted>{{ record.source_note }}</small>'
PAIRING_VALID_TO = (
    '{% if record.valid_to %}{{ record.valid_to|date:"Y-m-d" }}{% else %}—{% endif %}'
    '{% if record.is_ended %} <span class="badge text-bg-light">已结束</span>{% endif %}')
PAIRING_EDITED = (
    '{% if record.edited_at %}<small>{{ record.edited_by.display_name|default:"—" }}<br>'
    '{{ record.edited_at|date:"Y-m-d H:i" }}</small>{% else %}—{% endif %}')
PAIRING_EDIT = (
    '{% if perms.aid_projects.change_pairing %}<a href="{% url \'aid_projects:pairing-update\' record.pk %}">'
    "修改</a>{% endif %}")
LIST_TITLE = (
    '<a href="{% url \'aid_projects:list-detail\' record.pk %}">{{ record.authority.name }}'
    "{{ record.get_kind_display }}</a>")
LIST_STATUS = (
    "{% load portal_tags %}{{ record|status_badge }}{% if record.is_late %} "
    '<span class="badge text-bg-danger">逾期</span>{% endif %}')
LIAISON_EDIT = (
    '{% if perms.aid_projects.change_liaison %}<a href="{% url \'aid_projects:liaison-update\' record.pk %}">'
    "修改</a>{% endif %}")
MATCH_NEED = (
    '<a href="{% url \'aid_projects:match-detail\' record.pk %}">{{ record.need.name }}</a>'
    "<div class='small text-muted'>{{ record.need.aid_list.authority.name }} {{ record.need.place.name }}</div>")
MATCH_SUPPLY = ("{{ record.supply.name }}<div class='small text-muted'>"
                "{{ record.supply.aid_list.authority.name }}</div>")


class OldPairingTable(tables.Table):
    aiding_authority = tables.Column(verbose_name="支援方")
    recipient = tables.TemplateColumn(PAIRING_RECIPIENT, verbose_name="受援地", orderable=False)
    confidence = tables.TemplateColumn(PAIRING_CONFIDENCE, verbose_name="可信度")
    source_note = tables.TemplateColumn(PAIRING_SOURCE_NOTE, verbose_name="来源说明", orderable=False)
    valid_to = tables.TemplateColumn(PAIRING_VALID_TO, verbose_name="终止日期")
    edited = tables.TemplateColumn(PAIRING_EDITED, verbose_name="页面修改", orderable=False)
    edit = tables.TemplateColumn(PAIRING_EDIT, verbose_name="", orderable=False)

    class Meta(PairingTable.Meta):
        pass


class OldAidListTable(tables.Table):
    title = tables.TemplateColumn(LIST_TITLE, verbose_name="清单", order_by=("authority__code",))
    campaign = tables.Column(verbose_name="对接年度")
    status = tables.TemplateColumn(LIST_STATUS, verbose_name="状态")
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="报送时间")

    class Meta(AidListTable.Meta):
        pass


class OldLiaisonTable(tables.Table):
    authority = tables.Column(accessor="authority__full_name", verbose_name="登记管理机关",
                              order_by=("authority__code",))
    edit = tables.TemplateColumn(LIAISON_EDIT, verbose_name="", orderable=False)

    class Meta(LiaisonTable.Meta):
        pass


class OldNeedTable(tables.Table):
    """The needs table as it was at 0241968: django-tables2's columns and template rows."""

    year = tables.Column(accessor="aid_list__campaign__year", verbose_name="年度")
    name = tables.LinkColumn("aid_projects:need-detail", args=[tables.A("pk")], verbose_name="项目名称")
    province = tables.Column(accessor="aid_list__authority__name", verbose_name="受援省份")
    place = tables.Column(accessor="place__full_name", verbose_name="实施地", order_by=("place__code",))
    amount = tables.Column(verbose_name="资金（万元）", attrs={"td": {"class": "text-end"}})
    match = tables.Column(accessor="match_status", verbose_name="对接情况", empty_values=())

    class Meta(NeedTable.Meta):
        pass

    def render_match(self, record):
        if not record.match_status:
            return "尚无对接"
        label = MatchStatus(record.match_status).label
        if record.own_match_id:
            return format_html('<a href="{}">{}</a>', reverse("aid_projects:match-detail", args=[record.own_match_id]),
                               label)
        return label


class OldMatchTable(tables.Table):
    need = tables.TemplateColumn(MATCH_NEED, verbose_name="需求项目", order_by=("need__name",))
    supply = tables.TemplateColumn(MATCH_SUPPLY, verbose_name="供给项目", order_by=("supply__name",))
    amount = tables.Column(verbose_name="对接资金（万元）", attrs={"td": {"class": "text-end"}})
    updated = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="更新时间")

    class Meta(MatchTable.Meta):
        pass


# --- rows covering each branch ---------------------------------------------------------------------
NASTY = '<script>alert("x")</script> & \'引号\''
XIZANG = Authority(pk=1, code="540000", name="西藏自治区", level=AuthorityLevel.PROVINCE)
ZHEJIANG = Authority(pk=2, code="330000", name='浙江<省>"民政厅"', level=AuthorityLevel.PROVINCE)
LHASA = Authority(pk=3, code="540100", name="拉萨市", level=AuthorityLevel.PREFECTURE, parent=XIZANG)
ODD = Authority(pk=4, code="540200", name="日喀则<市>&'", level=AuthorityLevel.PREFECTURE, parent=XIZANG)


def _pairings():
    today = timezone.localdate()
    quoted_editor = User(pk=901, username="editor", full_name="<i>O'Brien</i>")
    no_name_editor = User(pk=902, username="", full_name="")
    rows = [
        dict(confidence=Confidence.LOW, recipient_area=LHASA, source_note=NASTY),
        dict(confidence=Confidence.HIGH, recipient_area_label='阿里<地区>"', valid_to=today - datetime.timedelta(1),
             edited_by=quoted_editor, edited_at=datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)),
        dict(confidence=Confidence.MEDIUM, recipient_area=ODD, valid_to=today + datetime.timedelta(30),
             edited_at=datetime.datetime(2026, 12, 31, 16, 0, 59, tzinfo=datetime.UTC)),  # edited_by gone
        dict(confidence="", valid_to=today, source_note="", edited_by=no_name_editor,
             edited_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
        dict(confidence="unknown", recipient_area_label="", valid_to=datetime.date(999, 1, 2)),
    ]
    pairings = []
    for pk, extra in enumerate(rows, start=1):
        pairing = Pairing(pk=pk, program=AidProgram.TIBET, aiding_authority=ZHEJIANG, recipient_province=XIZANG,
                          level=PairingLevel.PREFECTURE, valid_from=datetime.date(2020, 1, 1),
                          recipient_counties_label="城关区")
        for key, value in extra.items():
            setattr(pairing, key, value)
        pairings.append(pairing)
    return pairings


def _lists():
    today = timezone.localdate()
    past = Campaign(pk=1, year=2020, name="2020年度", liaison_due=today - datetime.timedelta(10),
                    need_due=today - datetime.timedelta(10), supply_due=today - datetime.timedelta(10))
    future = Campaign(pk=2, year=2099, name="<2099>年度", liaison_due=today + datetime.timedelta(10),
                      need_due=today + datetime.timedelta(10), supply_due=today + datetime.timedelta(10))
    lists = []
    pk = 0
    for status in ListStatus.values:
        for campaign, submitted_days in ((past, -20), (past, -1), (future, 0)):
            for kind in ListKind.values:
                pk += 1
                submitted = (timezone.now() + datetime.timedelta(days=submitted_days)
                             if status in (ListStatus.SUBMITTED, ListStatus.ACCEPTED) else None)
                lists.append(AidList(pk=pk, campaign=campaign, authority=ZHEJIANG if pk % 2 else XIZANG, kind=kind,
                                     status=status, submitted_at=submitted))
    lists.append(AidList(pk=999, campaign=future, authority=XIZANG, kind=ListKind.NEED, status=""))
    return lists


def _liaisons():
    campaign = Campaign(pk=1, year=2025, name="2025年度")
    return [Liaison(pk=pk, campaign=campaign, authority=authority, name=name, unit=NASTY, work_phone="0891",
                    mobile="139", email="a@b.cn")
            for pk, (authority, name) in enumerate([(XIZANG, "卓玛"), (LHASA, NASTY), (ODD, "")], start=1)]


def _matches():
    need_list = AidList(pk=1, authority=XIZANG, kind=ListKind.NEED)
    supply_list = AidList(pk=2, authority=ZHEJIANG, kind=ListKind.SUPPLY)
    matches = []
    for pk, status in enumerate(MatchStatus.values, start=1):
        need = AidItem(pk=100 + pk, aid_list=need_list, name=NASTY if pk % 2 else "牧区小学",
                       place=ODD if pk % 3 else LHASA)
        supply = AidItem(pk=200 + pk, aid_list=supply_list, name="" if pk == 2 else f"供给<{pk}>", place=ZHEJIANG)
        matches.append(Match(pk=pk, need=need, supply=supply, status=status, amount=None if pk == 1 else pk * 10,
                             updated=datetime.datetime(2026, 5, pk, 20, 0, tzinfo=datetime.UTC)))
    return matches


def _needs():
    campaign = Campaign(pk=1, year=2027, name="2027年度")
    county = Authority(pk=5, code="540102", name="城关区", level=AuthorityLevel.COUNTY, parent=LHASA)
    lists = [AidList(pk=1, campaign=campaign, authority=XIZANG, kind=ListKind.NEED),
             AidList(pk=2, campaign=Campaign(pk=2, year=2028, name="2028"), authority=ZHEJIANG, kind=ListKind.NEED)]
    rows = [
        dict(name=NASTY, category="教育帮扶", place=county, amount=Decimal("120.00"), contact_name="次仁",
             match_status=None, own_match_id=None),
        dict(name="", category="产业帮扶", place=ODD, amount=Decimal("1234567.5"), contact_name=NASTY,
             match_status=MatchStatus.MATCHED, own_match_id=None),
        dict(name="牧区<小学>", category="unknown", place=XIZANG, amount=Decimal("0.01"), contact_name="",
             match_status=MatchStatus.COMPLETED, own_match_id=77),
        dict(name="卫生院", category="", place=LHASA, amount=Decimal("80"), contact_name=None,
             match_status=MatchStatus.PROPOSED, own_match_id=8),
    ]
    needs = []
    for pk, extra in enumerate(rows, start=1):
        match = {key: extra.pop(key) for key in ("match_status", "own_match_id")}
        need = AidItem(pk=pk, aid_list=lists[pk % 2], seq=pk, **extra)
        need.__dict__.update(match)  # what ``selectors.with_match_status`` annotates
        needs.append(need)
    return needs


# --- rendering ---------------------------------------------------------------------------------------
def _render(table_class, records, user, template_name):
    request = RequestFactory().get("/aid/?sort=-valid_to")
    request.user = user
    table = table_class(records)
    RequestConfig(request, paginate=False).configure(table)
    html = Template("{% load django_tables2 %}{% render_table table tpl %}").render(Context({
        "table": table, "tpl": template_name, "request": request, "perms": PermWrapper(user),
        "csrf_token": "tok"}))
    return re.search(r"<table .*</table>", html, re.S).group(0)


def _compare(old_class, new_class, records, user, monkeypatch):
    """The new table through the portal's Python rows, the old one through django-tables2's own template."""
    calls = []
    original = table_render.render_tbody
    monkeypatch.setattr(table_render, "render_tbody", lambda table, context: calls.append(1) or original(
        table, context))
    ours = _render(new_class, records, user, "portal/table.html")
    theirs = _render(old_class, records, user, "django_tables2/bootstrap5.html")
    assert calls == [1]
    assert ours == theirs
    # the Excel export: the cells' text as TemplateColumn.value gave it
    assert list(export_values(new_class(records))) == list(export_values(old_class(records)))
    return ours


@pytest.fixture
def users(ministry_staff, xizang_liaison, zhejiang_staff):
    return {"ministry": ministry_staff, "liaison": xizang_liaison, "staff": zhejiang_staff}


@pytest.mark.parametrize("who", ["ministry", "liaison", "staff"])
def test_pairing_cells_as_the_templates_wrote_them(who, users, monkeypatch):
    html = _compare(OldPairingTable, PairingTable, _pairings(), users[who], monkeypatch)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;引号&#x27;" in html and "<script>" not in html
    assert "&lt;i&gt;O&#x27;Brien&lt;/i&gt;<br>2026-03-02 01:30" in html  # Beijing time
    assert "text-bg-warning" in html and "text-bg-success" in html and "已结束" in html
    assert "0999-01-02" in html
    assert ('<a href="/aid/pairings/1/">修改</a>' in html) == (who == "ministry")


@pytest.mark.parametrize("who", ["ministry", "liaison"])
def test_list_cells_as_the_templates_wrote_them(who, users, monkeypatch):
    html = _compare(OldAidListTable, AidListTable, _lists(), users[who], monkeypatch)
    assert "逾期" in html and "已接收" in html and 'data-status="returned"' in html
    assert "浙江&lt;省&gt;&quot;民政厅&quot;附件3 项目供给清单</a>" in html


@pytest.mark.parametrize("who", ["ministry", "liaison"])
def test_liaison_cells_as_the_template_wrote_them(who, users, monkeypatch):
    html = _compare(OldLiaisonTable, LiaisonTable, _liaisons(), users[who], monkeypatch)
    assert ('<a href="/aid/liaisons/1/">修改</a>' in html) == (who == "liaison")


def test_match_cells_as_the_templates_wrote_them(users, monkeypatch):
    html = _compare(OldMatchTable, MatchTable, _matches(), users["staff"], monkeypatch)
    assert "<div class='small text-muted'>西藏自治区 日喀则&lt;市&gt;&amp;&#x27;</div>" in html


@pytest.mark.parametrize("who", ["ministry", "staff"])
def test_need_rows_as_django_tables2_wrote_them(who, users, monkeypatch):
    """The needs table writes its rows itself (``NeedTable.portal_row_html``): the bytes of django-tables2's
    template rows, for empty cells, escaped text, a choice outside the choices, each kind of place."""
    needs = _needs()
    # the portal's rows name a place by its id from the gazetteer's names (the page fills them for its rows);
    # these places are not in the database: their names as the old column computed them from the objects
    names = {need.place_id: need.place.full_name for need in needs}
    monkeypatch.setattr(aid_tables, "full_names", lambda pks: {pk: names[pk] for pk in pks})
    html = _compare(OldNeedTable, NeedTable, needs, users[who], monkeypatch)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "<script>" not in html
    assert '<a href="/aid/needs/1/">' in html and '<a href="/aid/needs/2/">' not in html  # an empty name: —
    assert '<a href="/aid/matches/77/">已完成</a>' in html and "尚无对接" in html and ">已对接<" in html
    assert "<td >西藏自治区拉萨市城关区</td>" in html and '<td class="text-end">1234567.5</td>' in html
    assert "<td >unknown</td>" in html and "<td >—</td>" in html  # a value outside the choices; an empty cell
    assert html.count('<tr class="even">') == 2 and html.count('<tr class="odd">') == 2


def test_each_cell_alone_as_its_template_wrote_it(users):
    """Cell by cell, outside a page: ``render_<name>`` against the template in a context with ``perms``."""
    cases = [
        (PairingTable, _pairings(), {"recipient": PAIRING_RECIPIENT, "confidence": PAIRING_CONFIDENCE,
                                     "source_note": PAIRING_SOURCE_NOTE, "valid_to": PAIRING_VALID_TO,
                                     "edited": PAIRING_EDITED, "edit": PAIRING_EDIT}),
        (AidListTable, _lists(), {"title": LIST_TITLE, "status": LIST_STATUS}),
        (LiaisonTable, _liaisons(), {"edit": LIAISON_EDIT}),
        (MatchTable, _matches(), {"need": MATCH_NEED, "supply": MATCH_SUPPLY}),
    ]
    checked = 0
    for user in users.values():
        request = RequestFactory().get("/")
        request.user = user
        for table_class, records, columns in cases:
            table = table_class(records)
            table.request = request
            for name, code in columns.items():
                for record in records:
                    old = Template(code).render(Context({"record": record, "perms": PermWrapper(user),
                                                         "request": request}))
                    # the cell as django-tables2 gets it: the column's value, then render_<name>
                    assert str(BoundRow(record, table=table).get_cell(name)) == old, (name, record.pk)
                    checked += 1
    assert checked == 3 * (5 * 6 + len(_lists()) * 2 + 3 + len(MatchStatus.values) * 2)
