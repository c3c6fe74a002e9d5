"""The statistics page's table written in Python and its form kept per distinct form (issue 17)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse

from crackdown.selectors import TALLY_KEYS, Statistics, StatisticsRow
from crackdown.templatetags.crackdown_tags import statistics_table
from portal import filter_form_cache
from portal.models import Authority, AuthorityLevel

# the template loops the tag replaced (templates/crackdown/statistics.html before issue 17): the reference
OLD_TABLE = Template(
    """<thead class="table-light"><tr><th>地区</th>{% for key, label in stats.columns %}<th class="text-end">{{ label }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in stats.rows %}<tr><td>{{ row.name }}</td>{% for key, v in row.pairs %}<td class="text-end{% if key == 'overdue_cases' and v %} text-danger fw-bold{% endif %}">{{ v }}</td>{% endfor %}</tr>{% endfor %}
  </tbody>
  {% if stats.total %}<tfoot><tr class="fw-bold"><td>{{ stats.total.name }}</td>{% for key, v in stats.total.pairs %}<td class="text-end{% if key == 'overdue_cases' and v %} text-danger{% endif %}">{{ v }}</td>{% endfor %}</tr></tfoot>{% endif %}"""  # noqa: E501
)
TWO = (("130000", "河北省"), ("540000", "西藏自治区"))
HEBEI = {"check_batches": 2, "checked_leads": 4, "banned": 2, "confiscated_amount": Decimal("15000.50"),
         "overdue_cases": 2, "linked_handled": 1}
TIBET = {"check_batches": 1, "confiscated_amount": Decimal("0.10")}


def stats(*rows: StatisticsRow) -> Statistics:
    total = None
    if len(rows) > 1:
        total = StatisticsRow("", "全国合计", {key: sum(r.values.get(key, 0) for r in rows) for key in TALLY_KEYS})
    return Statistics(date(2025, 1, 1), date(2025, 12, 31), list(rows), total)


def two_rows() -> Statistics:
    return stats(*(StatisticsRow(*row, values) for row, values in zip(TWO, (HEBEI, TIBET), strict=True)))


def cells(html: str, name: str) -> list[tuple[str, str]]:
    row = re.search(rf"<tr[^>]*><td>{re.escape(name)}</td>(.*?)</tr>", html).group(1)
    return re.findall(r'<td class="([^"]*)">([^<]*)</td>', row)


def test_the_table_is_the_template_s_bytes():
    for table in (stats(StatisticsRow("130000", "河北省", HEBEI)),
                  stats(StatisticsRow("130000", "河北省", HEBEI), StatisticsRow("540000", "西藏自治区", TIBET),
                        StatisticsRow("000000", "民政部（部本级）", {})),
                  stats(StatisticsRow("x", "<b>某地&</b>", {"overdue_cases": 0, "banned": 10**12})),
                  stats()):
        assert statistics_table(table) == OLD_TABLE.render(Context({"stats": table}))


def test_the_numbers_and_the_overdue_cell():
    html = statistics_table(two_rows())
    hebei = dict(zip(TALLY_KEYS, cells(html, "河北省"), strict=True))
    assert hebei["check_batches"] == ("text-end", "2") and hebei["checked_leads"] == ("text-end", "4")
    assert hebei["confiscated_amount"] == ("text-end", "15000.50") and hebei["dissuaded"] == ("text-end", "0")
    assert hebei["overdue_cases"] == ("text-end text-danger fw-bold", "2"), "an overdue case is red and bold"
    tibet = dict(zip(TALLY_KEYS, cells(html, "西藏自治区"), strict=True))
    assert tibet["overdue_cases"] == ("text-end", "0"), "none overdue: not marked"
    total = dict(zip(TALLY_KEYS, cells(html, "全国合计"), strict=True))
    assert total["check_batches"] == ("text-end", "3") and total["confiscated_amount"] == ("text-end", "15000.60")
    assert total["overdue_cases"] == ("text-end text-danger", "2"), "the footer's overdue cell: red (the row is bold)"
    assert html.count("</th>") == 1 + len(TALLY_KEYS)


def test_the_national_total_only_with_more_than_one_row():
    one = statistics_table(stats(StatisticsRow("130000", "河北省", HEBEI)))
    assert "全国合计" not in one and "<tfoot>" not in one
    two = statistics_table(two_rows())
    assert two.count("<tfoot>") == 1 and "<td>全国合计</td>" in two


# --- the form, kept per distinct form (portal.filter_form_cache) ------------------------------------
STATS_FORM = re.compile(r'<form method="get" class="row g-2 align-items-end mb-3" id="stats-form">(.*?)</form>', re.S)
CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
EXPORT_FORM = re.compile(r'<form method="post" action="/crackdown/statistics/export/" class="mb-2">(.*?)</form>', re.S)


def page(client, **params) -> tuple[str, str]:
    """The period form and the export form's hidden copy ("" when the page has no table)."""
    response = client.get(reverse("crackdown:statistics"), params)
    assert response.status_code == 200
    html = response.content.decode()
    export = EXPORT_FORM.search(html)
    export = CSRF.sub("", export.group(1)) if export else ""  # the per-request token is not the form's
    return STATS_FORM.search(html).group(1), export


def test_the_form_is_kept_and_follows_the_provinces(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    form, export = page(client, date_from="2025-01-01", date_to="2025-06-30")
    assert renders["n"] == 2, "the fields and their hidden copy"
    assert page(client, date_from="2025-01-01", date_to="2025-06-30") == (form, export)
    assert renders["n"] == 2, "the second page's from the store"
    filter_form_cache.forget()
    assert page(client, date_from="2025-01-01", date_to="2025-06-30") == (form, export), "afresh: the same bytes"
    tibet = Authority.objects.get(code="540000")
    assert f'<option value="{tibet.pk}">西藏自治区</option>' in form
    tibet.name = "西藏（改名测试）"
    tibet.save()
    renamed, _ = page(client, date_from="2025-01-01", date_to="2025-06-30")
    assert f'<option value="{tibet.pk}">西藏（改名测试）</option>' in renamed and "西藏自治区" not in renamed
    added = Authority.objects.create(code="990000", name="测试新增省份", level=AuthorityLevel.PROVINCE)
    with_added, _ = page(client, date_from="2025-01-01", date_to="2025-06-30")
    assert f'<option value="{added.pk}">测试新增省份</option>' in with_added
    chosen, export = page(client, date_from="2025-01-01", date_to="2025-06-30", province=added.pk)
    assert f'<option value="{added.pk}" selected>测试新增省份</option>' in chosen
    assert f'<input type="hidden" name="province" value="{added.pk}">' in export
    added.delete()
    assert "测试新增省份" not in page(client, date_from="2025-01-01", date_to="2025-06-30")[0]


def test_the_typed_values_are_part_of_the_key(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    first, first_export = page(client, date_from="2025-02-03", date_to="2025-03-04")
    second, second_export = page(client, date_from="2025-05-06", date_to="2025-07-08")
    assert 'name="date_from" value="2025-02-03"' in first and 'name="date_to" value="2025-03-04"' in first
    assert 'name="date_from" value="2025-05-06"' in second and "2025-02-03" not in second
    assert '<input type="hidden" name="date_from" value="2025-02-03">' in first_export
    assert '<input type="hidden" name="date_to" value="2025-07-08">' in second_export
    assert '<input type="hidden" name="province" value="">' in second_export
    assert page(client, date_from="2025-02-03", date_to="2025-03-04") == (first, first_export)
    assert renders["n"] == 4


def test_an_error_is_rendered_every_time_uncached(client, ministry_staff, renders):
    client.force_login(ministry_staff)
    for expected in (1, 2):
        form, export = page(client, date_from="2025-02-30", date_to="2025-06-30")
        assert 'value="2025-02-30" class="form-control is-invalid" aria-invalid="true"' in form
        assert export == "" and renders["n"] == expected
    for expected in (3, 4):  # 起始日期晚于截止日期: the form's own error, beside the fields
        form, _ = page(client, date_from="2025-07-01", date_to="2025-06-30")
        assert "起始日期不能晚于截止日期。" in form and 'value="2025-07-01"' in form and renders["n"] == expected
    form, _ = page(client, date_from="2025-01-01", date_to="2025-06-30")
    assert "is-invalid" not in form and "起始日期不能晚于截止日期" not in form


def test_a_province_s_form_has_no_province_field(client, hebei_staff, ministry_staff, renders):
    client.force_login(ministry_staff)
    ministry, _ = page(client, date_from="2025-01-01", date_to="2025-06-30")
    client.force_login(hebei_staff)
    hebei, export = page(client, date_from="2025-01-01", date_to="2025-06-30")
    assert 'name="province"' in ministry and 'name="province"' not in hebei and 'name="province"' not in export
    assert renders["n"] == 4
