"""The header and body of a django-tables2 table written in Python (``portal/table_render.py``, issue 17)."""

from django import template

from portal import table_render

register = template.Library()


@register.filter
def portal_python_rows(table):
    return table_render.python_rows(table)


@register.filter
def portal_python_header(table):
    return table_render.python_header(table)


@register.simple_tag(takes_context=True)
def portal_tbody(context, table):
    return table_render.render_tbody(table, context)


@register.simple_tag(takes_context=True)
def portal_thead(context, table):
    return table_render.render_thead(table, context)


@register.filter
def portal_python_pagination(table):
    return table_render.python_pagination(table)


@register.simple_tag(takes_context=True)
def portal_pagination(context, table):
    return table_render.render_pagination(table, context)
