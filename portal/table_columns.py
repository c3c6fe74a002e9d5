"""What a table's ``render_<name>`` methods need to write the cells a ``TemplateColumn`` wrote (issue 17).

A ``TemplateColumn`` renders a Django template for every cell (its context pushed, ``perms`` looked
up, a template file's context processors run again); the portal's tables write those cells with
``format_html`` in ``render_<name>`` methods instead, in the same bytes.  The template-only context
those cells read comes through the table:

- ``{% if perms.app.codename %}``: ``TableCells.user_may`` asks the request's user once per table
  (``table.request``, set by ``RequestConfig``, as the page's ``perms`` asked ``request.user``);
- ``{% url name record.pk %}``: ``TableCells.url_for``, the same URL, reversed once per table and name;
- ``{% csrf_token %}``: the page's token (the context the table is rendered in), as the template used;
- ``{{ value|date:"…" }}``: ``cell_date``, the ``date`` filter after the same conversion to local time;
- the Excel export (``portal/list_export.py``) read a ``TemplateColumn``'s cell as its rendered HTML
  without tags (``TemplateColumn.value``: ``strip_tags``, stripped): ``cell_text`` gives the same from
  the new HTML, so a workbook keeps its bytes too.
"""

from __future__ import annotations

import datetime
import re

from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, strip_tags
from django.utils.timezone import template_localtime
from django_tables2.utils import call_with_appropriate

from portal.reversing import detail_urls

# The accessor of a column written from the whole record (no field of its name): the record's ``pk``, found
# at once, where the column's name would fail for every cell (an exception and its message, with the
# record's ``str``, formatted per cell, as django-tables2 looks a value up before rendering).
RECORD = "pk"


def cell_date(value, fmt: str) -> str:
    """``{{ value|date:"fmt" }}``: a datetime in the current time zone, then Django's ``date`` filter."""
    return date_filter(template_localtime(value), fmt)


_DATE_CODES = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")  # Django's dateformat codes
_DATE_PARTS = {"Y": lambda d: f"{d.year:04d}", "m": lambda d: f"{d.month:02d}", "n": lambda d: str(d.month),
               "d": lambda d: f"{d.day:02d}", "j": lambda d: str(d.day)}
_date_plans: dict[str, list | None] = {}


def _date_plan(fmt: str):
    """The parts of a date format made of year, month and day codes and literal text (「Y年n月j日」,
    「Y-m-d」), or None for any other format (names of months, weekdays, escapes: left to Django)."""
    plan = _date_plans.get(fmt)
    if plan is None and fmt not in _date_plans:
        pieces = _DATE_CODES.split(fmt)
        codes = pieces[1::2]
        plan = None if "\\" in fmt or any(code not in _DATE_PARTS for code in codes) else [
            _DATE_PARTS[piece] if i % 2 else piece for i, piece in enumerate(pieces)]
        _date_plans[fmt] = plan
    return plan


def cell_date_text(value, fmt: str) -> str:
    """``{{ value|date:fmt }}`` of a ``date`` (a DateField's value, or None): the same text, without the date
    format machinery when the format is only year, month and day (a list row has one or two: issue 17)."""
    if value is None:
        return ""
    plan = _date_plan(str(fmt)) if type(value) is datetime.date else None
    if plan is None:
        return date_filter(value, fmt)
    return "".join(part(value) if callable(part) else part for part in plan)


def cell_iso_date(value) -> str:
    """``{{ value|date:"Y-m-d" }}``."""
    return cell_date_text(value, "Y-m-d")


def cell_text(html) -> str:
    """What ``TemplateColumn.value`` made of the same cell for an export: the text without tags."""
    return strip_tags(html).strip() if isinstance(html, str) else html


def _text_of(name: str):
    def value(self, **kwargs):
        # django-tables2 passes a ``value_`` method every argument when it takes ``**kwargs``; the renderer
        # gets those its signature asks for, as when the page renders it
        return cell_text(call_with_appropriate(getattr(self, f"render_{name}"), kwargs))

    value.__name__ = value.__qualname__ = f"value_{name}"
    return value


class TableCells:
    """A mixin for a ``tables.Table`` whose ``render_<name>`` methods replace template cells.

    ``text_from_html``: the columns whose export text is their rendered cell without tags (what
    ``TemplateColumn.value`` gave): a ``value_<name>`` is made for each from its ``render_<name>``."""

    text_from_html: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.__dict__.get("text_from_html", ()):
            setattr(cls, f"value_{name}", _text_of(name))

    def user_may(self, perm: str) -> bool:
        """``perms.<app>.<codename>`` as the page's context answered it: the request's user's permission,
        asked once per table (false without a request, as a template without ``perms`` had it)."""
        asked = self.__dict__.setdefault("_portal_user_may", {})
        if perm not in asked:
            user = getattr(getattr(self, "request", None), "user", None)
            asked[perm] = bool(user is not None and user.has_perm(perm))
        return asked[perm]

    def edit_link(self, perm: str, viewname: str, pk):
        """``{% if perms.… %}<a href="{% url viewname record.pk %}">修改</a>{% endif %}``: the row's edit page,
        for a user who may change it."""
        if not self.user_may(perm):
            return ""
        return format_html('<a href="{}">修改</a>', self.url_for(viewname, pk))

    def url_for(self, viewname: str, pk) -> str:
        """``reverse(viewname, args=[pk])`` (``{% url viewname record.pk %}``), the URL around the key worked out
        once per table (``portal.reversing.detail_urls``)."""
        urls = self.__dict__.setdefault("_portal_urls", {})
        url = urls.get(viewname)
        if url is None:
            url = urls[viewname] = detail_urls(viewname)
        return url(pk)

    def csrf_token(self):
        """``{% csrf_token %}``'s token: the page's (the context the table is rendered in), else the request's."""
        context = getattr(self, "context", None)
        token = context.get("csrf_token") if context is not None else None
        if token is None:
            request = getattr(self, "request", None)
            if request is not None:
                from django.template.context_processors import csrf

                token = csrf(request)["csrf_token"]
        return token
