"""The case page's step buttons: coloured by consequence, irreversible ones confirmed (issue 12 point 8);
the statistics table."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from crackdown.workflow import is_irreversible, step_tone, steps_from

register = template.Library()


@register.filter
def tone(case, to_stage) -> str:
    """``{{ case|tone:stage }}``: success (forward), secondary (back), danger (取缔、撤案、不予立案…)."""
    return step_tone(case.stage, to_stage)


@register.filter
def irreversible(case, to_stage) -> bool:
    step = steps_from(case.stage).get(to_stage)
    return bool(step and is_irreversible(to_stage, step))


def _statistics_row(row, overdue_class: str, numbers: dict) -> str:
    cells = []
    for key, value in row.pairs:
        if type(value) is int:  # most cells are a handful of small counts (zeros): each written once
            text = numbers.get(value)
            if text is None:
                text = numbers[value] = conditional_escape(localize(value))
        else:  # an amount (Decimal): its own places
            text = conditional_escape(localize(value))
        marked = overdue_class if key == "overdue_cases" and value else ""
        cells.append(f'<td class="text-end{marked}">{text}</td>')
    return f"<td>{conditional_escape(row.name)}</td>{''.join(cells)}"


@register.simple_tag
def statistics_table(stats):
    """``{% statistics_table stats %}``: the statistics table's head, rows and 全国合计 footer (the footer
    only with more than one row), inside ``<table>``.  Written here, not in template loops: the ministry's
    page has 33 rows of 17 tallies, the loops were most of its rendering time (issue 17).  A value renders
    as ``{{ value }}`` would (localized, escaped); an overdue case count (超期案件) is red, bold in a row."""
    numbers: dict[int, str] = {}
    head = "".join(f'<th class="text-end">{conditional_escape(label)}</th>' for _, label in stats.columns)
    body = "".join(f"<tr>{_statistics_row(row, ' text-danger fw-bold', numbers)}</tr>" for row in stats.rows)
    foot = ""
    if stats.total:
        foot = f'<tfoot><tr class="fw-bold">{_statistics_row(stats.total, " text-danger", numbers)}</tr></tfoot>'
    return mark_safe(f'<thead class="table-light"><tr><th>地区</th>{head}</tr></thead>\n  <tbody>\n  {body}'
                     f"\n  </tbody>\n  {foot}")  # every value above escaped
