"""A django-tables2 table's header and body written in Python, byte for byte what the template wrote (issue 17).

django-tables2's template (``django_tables2/bootstrap5.html``, which ``portal/table.html`` extends) loops
over the cells: for each one the template engine resolves ``row.items``, ``column.attrs.td.as_html`` and
``column.localize``, and django-tables2 calls ``call_with_appropriate`` — an ``inspect.signature`` of the
column's renderer — and compiles the code of every ``TemplateColumn`` cell (dates included) again.
That was about half of a list page's Python time (docs/BENCHMARKS.md).  Here the same steps run in the
same order with what does not change from cell to cell worked out once per column:

- the value: ``BoundRow._get_and_render_with`` — the accessor, a choice field's ``get_FOO_display()``,
  the column's ``empty_values`` and ``default`` — with the field looked up once per record class and
  the dict of a field's choices built once (``choice_display``);
- the content: the table's ``render_<name>`` or the column's ``render`` (or what the view put on the
  bound column) called with the arguments its signature asks for, the signature read once per column;
  then ``linkify`` (the column's ``LinkTransform``) as django-tables2 calls it;
- a ``DateColumn``/``DateTimeColumn`` (the code ``{{ value|date:"…"|default:default }}``) runs those two
  filters, as the template runs them, in the same context; another ``TemplateColumn`` of inline code
  renders the same code with the same context, its ``Template`` compiled once per process instead of
  once per cell; one with a template file renders as before;
- the ``<td>`` attributes once per column unless the table's or the column's attrs hold a callable
  (then per cell, after ``current_value``/``current_record`` are set, as ``BoundRow.items`` does);
- a table with a ``portal_row_html(row, context)`` method writes each row itself (the lead list: the row
  block of ``crackdown/_lead_table.html`` in Python);
- each value written as ``{{ cell }}`` writes it (``render_value_in_context``: local time, localisation,
  autoescaping), in the template's own whitespace.

The header is kept per process once written, under everything it is written from (``_thead_key``): the
same list, sort and query string give the same header to every user.

A table takes the template path instead (``python_rows``/``python_header`` say so) when something here
does not reproduce it (pinned rows, a column with ``localize`` set) or when the table asks for it
(``portal_template_header``, ``portal_template_rows``, ``portal_template_pagination`` set true).  The
pagination block of ``portal/table.html`` is written here too.  ``tests/portal/test_table_render.py``
renders tables both ways and compares the bytes.
"""

from __future__ import annotations

import datetime
import inspect
import re
import weakref
from functools import partialmethod

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Engine, Template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django_tables2.columns.base import Column, LinkTransform
from django_tables2.columns.datecolumn import DateColumn
from django_tables2.columns.datetimecolumn import DateTimeColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.columns.templatecolumn import TemplateColumn
from django_tables2.tables import Table
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import A, signature

from portal.reversing import detail_urls
from portal.table_cells import holds_callable
from portal.table_columns import cell_date_text

_DATE_CODE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')
_templates: dict[tuple[Engine, str], Template] = {}
_signatures: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_subscriptable: dict[type, bool] = {}
_displays: dict[tuple[type, str], tuple | bool] = {}


def _signature(fn):
    """django-tables2's ``signature(fn)``, kept per function (a bound method: per function and binding)."""
    func = getattr(fn, "__func__", fn)
    bound = hasattr(fn, "__self__")
    try:
        per_func = _signatures.get(func)
    except TypeError:  # not weak-referenceable
        return signature(fn)
    if per_func is None:
        per_func = {}
        try:
            _signatures[func] = per_func
        except TypeError:
            return signature(fn)
    if bound not in per_func:
        per_func[bound] = signature(fn)
    return per_func[bound]


def _is_subscriptable(cls) -> bool:
    known = _subscriptable.get(cls)
    if known is None:
        known = _subscriptable[cls] = hasattr(cls, "__getitem__")
    return known


def _resolve(accessor, bits, context):
    """``Accessor.resolve(context)`` (``safe=True``, not quiet); an object without ``__getitem__`` goes
    straight to its attribute — where ``current[bit]`` would have raised ``TypeError`` first."""
    if isinstance(context, dict) and accessor in context:
        return context[accessor]
    current = context
    for bit in bits:
        if not _is_subscriptable(type(current)):
            try:
                current = getattr(current, bit)
            except (TypeError, AttributeError):
                raise ValueError(accessor.LOOKUP_ERROR_FMT.format(key=bit, context=type(current),
                                                                  accessor=accessor)) from None
        else:
            try:
                current = current[bit]
            except (TypeError, AttributeError, KeyError):
                try:
                    current = getattr(current, bit)
                except (TypeError, AttributeError):
                    try:
                        current = current[int(bit)]
                    except (IndexError, ValueError, KeyError, TypeError):
                        raise ValueError(accessor.LOOKUP_ERROR_FMT.format(
                            key=bit, context=current, accessor=accessor)) from None
        if callable(current):
            if getattr(current, "alters_data", False):
                raise ValueError(accessor.ALTERS_DATA_ERROR_FMT.format(method=current.__name__))
            if not getattr(current, "do_not_call_in_templates", False):
                current = current(*accessor.callable_args, **accessor.callable_kwargs)
        if current is None:
            break
    return current


def choice_display(obj, name):
    """(found, ``obj.get_FOO_display()``) as ``getattr(obj, name, None)`` and its call give them.

    Django's own ``get_FOO_display`` (``Model._get_FIELD_display``) builds the dict of the field's
    flattened choices on every call — most of a choice cell's time; here that dict is built once per
    model and field when the field's choices are a fixed list (not a callable), and the same lookup and
    ``force_str`` (the label translated now, in the request's language) follow.  A model that writes
    its own ``get_FOO_display`` is called as it is."""
    cls = type(obj)
    entry = _displays.get((cls, name))
    if entry is None:
        method = inspect.getattr_static(cls, name, None)
        field = (method.keywords.get("field") if isinstance(method, partialmethod)
                 and method.func is models.Model._get_FIELD_display else None)
        if field is not None and isinstance(field.choices, (list, tuple)):
            entry = (field.attname, dict(make_hashable(field.flatchoices)))
        else:
            entry = False
        _displays[(cls, name)] = entry
    if entry is False:
        display_fn = getattr(obj, name, None)
        return (True, display_fn()) if display_fn else (False, None)
    attname, choices = entry
    value = getattr(obj, attname)
    return True, force_str(choices.get(make_hashable(value), value), strings_only=True)


def _render_cell(context, value):
    """``{{ cell }}`` for a cell whose value is callable: the template calls it (or does not:
    ``do_not_call_in_templates``, ``alters_data``), as it did."""
    node = _template("{{ cell }}").nodelist[0]
    with context.push(cell=value):
        return node.render(context)


def _template(code: str) -> Template:
    """``Template(code)`` — compiled by the default engine, as ``TemplateColumn.render`` compiles it."""
    engine = Engine.get_default()
    template = _templates.get((engine, code))
    if template is None:
        template = _templates[(engine, code)] = Template(code, engine=engine)
    return template


class _Cell:
    """What one column's cells share."""

    def __init__(self, table, bound, per_cell_attrs: bool):
        column = bound.column
        self.bound = bound
        self.column = column
        accessor = A(bound.accessor)
        self.accessor = accessor
        self.bits = accessor.bits
        path, _, self.remainder = accessor.rpartition(accessor.SEPARATOR)
        self.path = A(path)
        self.path_bits = self.path.bits
        self.display_name = f"get_{self.remainder}_display"
        self.choices = {}  # record class -> the accessor's field has choices
        self.empty_values = column.empty_values
        self.m2m = isinstance(column, ManyToManyColumn)
        self.text_link = isinstance(column, BaseLinkColumn) and column.text is not None
        self.default_fixed = not callable(column._default)
        self.default = bound.default if self.default_fixed else None
        self.link = bound.link
        self.detail_url = _detail_link(self.link)
        render = bound.render
        self.template = self.date_format = None
        if (isinstance(column, TemplateColumn) and render == column.render
                and type(column).render is TemplateColumn.render and column.template_code):
            match = _DATE_CODE.fullmatch(column.template_code)
            if type(column) in (DateColumn, DateTimeColumn) and match and not column.extra_context:
                self.date_format = mark_safe(match.group(1))
            self.template = _template(column.template_code)
        self.render = render
        self.args, self.kwargs_name = _signature(render)
        self.td = None if per_cell_attrs else attrs_html(bound.attrs["td"])

    def _penultimate(self, record):
        try:
            return _resolve(self.path, self.path_bits, record)
        except Exception:
            return None

    def value(self, record):
        """(is_default, value, with_value) as ``BoundRow._get_and_render_with`` finds them; with_value
        false: a link column's text without a value (its accessor failed)."""
        value = None
        remainder = self.remainder
        penultimate = self._penultimate(record)
        if isinstance(penultimate, models.Model):
            try:
                cls = type(record)
                choices = self.choices.get(cls)
                if choices is None:
                    field = self.accessor.get_field(record)
                    choices = self.choices[cls] = bool(getattr(field, "choices", ()))
                if choices:
                    found, display = choice_display(penultimate, self.display_name)
                    if found:
                        value = display
                        remainder = None
            except FieldDoesNotExist:
                pass
        if remainder:
            try:
                value = _resolve(self.accessor, self.bits, record)
            except Exception:
                if self.text_link:
                    return False, None, False
        if value in self.empty_values or (self.m2m and not value.exists()):
            return True, None, True
        return False, value, True

    def content(self, row, record, table):
        is_default, value, with_value = self.value(record)
        if is_default:
            return self.default if self.default_fixed else self.bound.default
        kwargs = {"value": value if with_value else None, "record": record, "column": self.column,
                  "bound_column": self.bound, "bound_row": row, "table": table}
        if self.date_format is not None and not callable(value):  # (a callable: the template calls it)
            content = self._render_date(value, table)
        elif self.template is not None:
            content = self._render_template(kwargs)
        elif self.kwargs_name:
            content = self.render(**kwargs)
        elif any(arg not in kwargs for arg in self.args):
            content = None
        else:
            content = self.render(**{arg: kwargs[arg] for arg in self.args})
        if self.detail_url is not None:  # what the link writes, its URL reversed once (_detail_link)
            return format_html('<a href="{}">{}</a>', self.detail_url(record.pk), content)
        return self.link(content, **kwargs) if self.link else content

    def _render_date(self, value, table):
        """What ``{{ value|date:"FORMAT"|default:default }}`` — the code of a ``DateColumn`` or
        ``DateTimeColumn`` — renders in the table's context, without the template."""
        from django.template import Context

        context = getattr(table, "context", None)
        if context is None:
            context = Context()
        if type(value) is datetime.date:  # a DateField's value: no time zone to convert to
            text = cell_date_text(value, self.date_format)
        else:
            text = date_filter(template_localtime(value, context.use_tz), self.date_format)
        return mark_safe(render_value_in_context(text or self.bound.default, context))

    def _render_template(self, kwargs):
        """``TemplateColumn.render`` with its ``Template`` compiled once."""
        from django.template import Context

        table = kwargs["table"]
        column = self.column
        parent_context = getattr(table, "context", Context())
        context = column.get_context_data(**kwargs)
        with parent_context.update(context):
            parent_context["request"] = getattr(table, "request", None)
            return self.template.render(parent_context)


def _detail_link(link):
    """For ``linkify=("name", [A("pk")])`` or ``LinkColumn("name", args=[A("pk")])`` (a detail page's link,
    no ``<a>`` attributes): the function giving each row's URL, the name reversed once (``portal.reversing``);
    else None.  django-tables2 reverses per row and writes ``<a {attrs.as_html()}>`` from a dict holding only
    ``href``: the same bytes as ``<a href="{url}">`` with the URL escaped."""
    if not isinstance(link, LinkTransform) or link.url is not None or link.attrs:
        return None
    args = link.reverse_args
    viewname, keys = args.get("viewname"), args.get("args")
    given = {name for name, value in args.items() if value is not None}  # LinkColumn passes None for the rest
    if given != {"viewname", "args"} or type(viewname) is not str or len(keys) != 1:
        return None
    if not (isinstance(keys[0], A) and str(keys[0]) == "pk"):
        return None
    return detail_urls(viewname)


def python_rows(table) -> bool:
    """Whether ``render_tbody`` writes this table's body exactly as the template would."""
    if getattr(table, "portal_template_rows", False):
        return False
    if table.pinned_data.get("top") is not None or table.pinned_data.get("bottom") is not None:
        return False
    return all(bound.localize is None for bound in table.columns)


def python_header(table) -> bool:
    """Whether ``render_thead`` writes this table's header exactly as the template would."""
    return not getattr(table, "portal_template_header", False)


def render_tbody(table, context) -> str:
    """The ``table.tbody`` block of ``django_tables2/bootstrap5.html``."""
    out = ["\n                <tbody ", attrs_html(table.attrs["tbody"]), ">\n                "]
    if getattr(table, "page", None) is not None and table.paginator.count == 0:
        # nothing to show, as the page's COUNT said: the empty page's query is not compiled only to find
        # its slice empty (Django builds the whole SELECT before it sees LIMIT 0: a tenth of an empty list)
        rows = ()
    else:
        rows = table.paginated_rows
        if not hasattr(rows, "__len__"):
            rows = list(rows)
    if len(rows) < 1:
        out.append("\n                    ")
        if table.empty_text:
            out.append('\n                    \n                        <tr><td colspan="')
            out.append(render_value_in_context(len(table.columns), context))
            out.append('">')
            out.append(render_value_in_context(table.empty_text, context))
            out.append("</td></tr>\n                    \n                    ")
        out.append("\n                ")
    else:
        own_row = getattr(table, "portal_row_html", None)
        if own_row is not None:
            # the table writes its rows itself (the row block of its template, in Python)
            for row in rows:
                out.append("\n                    ")
                out.append(own_row(row, context))
                out.append("\n                ")
            out.append("\n                </tbody>\n            ")
            return mark_safe("".join(out))
        columns = list(table.columns)
        per_cell_attrs = (holds_callable(table.attrs) or any(holds_callable(b.column.attrs) for b in columns)
                          or type(table).get_column_class_names is not Table.get_column_class_names)
        cells = [_Cell(table, bound, per_cell_attrs) for bound in columns]
        plain_rows = not holds_callable(table.row_attrs)
        row_html = {}
        for row in rows:
            record = row.record
            if plain_rows:
                css = row.get_even_odd_css_class()
                attrs = row_html.get(css)
                if attrs is None:
                    attrs = row_html[css] = row.attrs.as_html()
            else:
                attrs = row.attrs.as_html()
            out.append("\n                    \n                    <tr ")
            out.append(attrs)
            out.append(">\n                        ")
            for cell in cells:
                value = cell.content(row, record, table)
                bound = cell.bound
                bound.current_value = value
                bound.current_record = record
                out.append("\n                            <td ")
                out.append(cell.td if cell.td is not None else bound.attrs["td"].as_html())
                out.append(">")
                out.append(_render_cell(context, value) if callable(value)
                           else render_value_in_context(value, context))
                out.append("</td>\n                        ")
            out.append("\n                    </tr>\n                    \n                ")
    out.append("\n                </tbody>\n            ")
    return mark_safe("".join(out))


def python_pagination(table) -> bool:
    return not getattr(table, "portal_template_pagination", False)


def querystrings(request, key):
    """``{% querystring_replace key=value %}`` for one key and many values (the sort links of a header, the
    page links): the request's other parameters are encoded once, not again for every link.  The same
    bytes as ``escape("?" + urlencode({**request.GET, key: value}, doseq=True))``: ``urlencode`` joins its
    pairs with ``&`` in order, and a replaced parameter keeps its place."""
    parts = [(name, urlencode({name: values}, doseq=True)) for name, values in request.GET.lists()]
    if key in ("", None):
        fixed = escape("?" + "&".join(part for _, part in parts))
        return lambda value: fixed
    at = next((i for i, (name, _) in enumerate(parts) if name == key), len(parts))
    before = "&".join(part for _, part in parts[:at])
    after = "&".join(part for _, part in parts[at + 1:])

    def link(value) -> str:
        return escape("?" + "&".join(part for part in (before, urlencode({key: value}, doseq=True), after) if part))

    return link


class _Unkeyable(Exception):
    pass


def _frozen(value):
    """Attributes (a dict, nested dicts) as a key, in their order (the order they are written in); a value
    computed per use — a function — cannot be part of a key.  Each value with its type: ``True`` and ``1``, a
    text and the same text marked safe, are written differently."""
    if isinstance(value, dict):
        return tuple((name, _frozen(item)) for name, item in value.items())
    if value is None or isinstance(value, (str, int, float)):
        return type(value), value
    raise _Unkeyable


_attrs_html: dict[tuple, str] = {}
_ATTRS_HTML_KEPT = 4096  # distinct attribute sets remembered (a few dozen in practice)


def attrs_html(attrs) -> str:
    """``AttributeDict.as_html()`` (a header's, a table body's or a column's cells' attributes), kept per distinct
    set of attributes (``_frozen``): the same attributes write the same HTML.  Attributes holding a function
    (computed per cell) or a value that is not plain text or a number are written afresh every time."""
    try:
        key = (type(attrs), _frozen(attrs))
    except _Unkeyable:
        return attrs.as_html()
    html = _attrs_html.get(key)
    if html is None:
        html = attrs.as_html()
        if len(_attrs_html) >= _ATTRS_HTML_KEPT:
            _attrs_html.clear()
        _attrs_html[key] = html
    return html


def render_pagination(table, context) -> str:
    """The ``pagination`` block of ``portal/table.html``."""
    page = getattr(table, "page", None)
    # the template's ``{% if table.page and … %}``: a page with rows is true, and an empty one is the only page
    # (num_pages 1); asking ``is not None`` spares building the empty page's query only to find it empty
    if not (page is not None and table.paginator.num_pages > 1):
        return "\n    \n  "
    link = querystrings(context["request"], table.prefixed_page_field)
    out = ['\n    \n    <nav aria-label="分页">\n      <ul class="pagination pagination-sm flex-wrap '
           'justify-content-center">\n      ']
    if page.has_previous():
        out.append('\n        <li class="page-item"><a href="')
        out.append(link(page.previous_page_number()))
        out.append('" class="page-link">上一页</a></li>\n      ')
    out.append("\n      ")
    number = page.number
    for p in table_page_range(page, table.paginator):
        out.append('\n        <li class="page-item')
        if number == p:
            out.append(" active")
        out.append('">')
        if p == "...":
            out.append('<span class="page-link">…</span>')
        else:
            out.append('<a class="page-link" href="')
            out.append(link(p))
            out.append('"')
            if number == p:
                out.append(' aria-current="page"')
            out.append(">")
            out.append(render_value_in_context(p, context))
            out.append("</a>")
        out.append("</li>\n      ")
    out.append("\n      ")
    if page.has_next():
        out.append('\n        <li class="page-item"><a href="')
        out.append(link(page.next_page_number()))
        out.append('" class="page-link">下一页</a></li>\n      ')
    out.append("\n      </ul>\n    </nav>\n    \n  ")
    return mark_safe("".join(out))


_theads: dict[tuple, str] = {}
_THEADS_KEPT = 2048  # distinct headers (tables × sorts × query strings) kept per process
_THEAD_QUERY_KEPT = 1000  # characters of a query string beyond which the header is written, not kept


class _Same:
    """An object as a key part by identity (a lazy translation hashes by translating itself); holding it
    keeps its id from being reused while the key is kept."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __hash__(self):
        return id(self.value)

    def __eq__(self, other):
        return isinstance(other, _Same) and other.value is self.value


def _header_key(bound):
    """What a column's header text is made of.  Django-tables2's ``Column.header`` is the column's
    ``verbose_name`` or, without one, the verbose name of the model field its accessor reaches — worked out
    anew for each table (≈ 40 µs a column): the column's ``verbose_name`` itself (the same object in every
    copy of the table's class; the language is in the key) and the accessor stand for it.  A column kind
    with a header of its own is asked for its text."""
    column = bound.column
    if type(column).header is Column.header:
        verbose_name = column.verbose_name
        return (None if verbose_name is None else _Same(verbose_name)), str(bound.accessor)
    return str(bound.header)


def _thead_key(table, context) -> tuple | None:
    """What ``render_thead`` writes a header from, or None when it cannot be keyed.

    The header is the columns shown (in order), each with its kind, its attributes, its header text and
    whether and how it sorts; the table's attributes, sort state and sort parameter; the request's query
    string (the sort links keep its other parameters); the language and the autoescaping.  Not kept:
    attributes computed by a function, a table that adds its own class names to the cells
    (``get_column_class_names``), a long query string (a pasted text)."""
    if type(table).get_column_class_names is not Table.get_column_class_names:
        return None
    query = tuple((name, tuple(values)) for name, values in context["request"].GET.lists())
    if sum(len(name) + sum(map(len, values)) for name, values in query) > _THEAD_QUERY_KEPT:
        return None
    try:
        columns = tuple((bound.name, type(bound.column), _frozen(bound.column.attrs), _header_key(bound),
                         bound.column.orderable, bound.column.initial_sort_descending) for bound in table.columns)
        key = (type(table), getattr(table.data, "model", None), table.show_header, _frozen(table.attrs),
               table.prefixed_order_by_field, table.orderable,
               tuple(map(str, table.order_by or ())), query, get_language(), context.autoescape, columns)
        hash(key)
    except (_Unkeyable, TypeError):
        return None
    return key


def render_thead(table, context) -> str:
    """The ``table.thead`` block of ``django_tables2/bootstrap5.html``, kept per process under what it is written
    from (``_thead_key``): a list's header is the same for every page of every user with the same columns,
    sort and query string (issue 17)."""
    key = _thead_key(table, context)
    if key is None:
        return _render_thead(table, context)
    html = _theads.get(key)
    if html is None:
        html = _render_thead(table, context)
        if len(_theads) >= _THEADS_KEPT:
            _theads.clear()
        _theads[key] = html
    return html


def _render_thead(table, context) -> str:
    out = ["\n            "]
    if table.show_header:
        out.append("\n                <thead ")
        out.append(attrs_html(table.attrs["thead"]))
        out.append(">\n                <tr>\n                ")
        link = querystrings(context["request"], table.prefixed_order_by_field)
        for bound in table.columns:
            out.append("\n                    <th ")
            out.append(attrs_html(bound.attrs["th"]))
            out.append(' scope="col">\n                        ')
            header = render_value_in_context(bound.header, context)
            if bound.orderable:
                out.append('\n                            <a href="')
                out.append(link(bound.order_by_alias.next))
                out.append('">')
                out.append(header)
                out.append("</a>\n                        ")
            else:
                out.append("\n                            ")
                out.append(header)
                out.append("\n                        ")
            out.append("\n                    </th>\n                ")
        out.append("\n                </tr>\n                </thead>\n            ")
    out.append("\n            ")
    return mark_safe("".join(out))
