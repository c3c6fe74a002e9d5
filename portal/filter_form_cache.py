"""The list pages' filter forms, rendered once per distinct form and kept in this process (issue 17).

Every list page renders its django-filter form, each widget through the form renderer's templates:
about a millisecond a widget, five to nine widgets a page.  The HTML depends only on the form — its
fields (which a filterset may drop or narrow per user: ``ProvinceForMinistryMixin``, the informant
filter, the needs page's provinces), their labels, widgets and attributes, their choices, the
submitted values — and on the language.  ``render_filter_fields`` builds a key of exactly that and
keeps the rendered fragment (``portal/filter_fields.html``) per key:

- the choices of a model choice field are keyed by its queryset's SQL and parameters (a narrowed
  queryset — another province's — is another key) and by ``portal.choice_cache``'s generation token
  of the model, which every save or delete of an ``Authority`` or ``Campaign`` row renews: a new row
  shows on the next page, in every process.  A model choice of any other model is not cached (the
  form renders as before);
- fixed choices are keyed by their values and labels as they render (lazy labels in the current
  language), the submitted data by each field's raw value;
- a bound form with an error is never cached: the error is rendered beside its field, as before;
- a widget or field of a kind not listed below is not cached either (renders as before), so a new
  kind of filter cannot be served stale HTML for lack of a key part.

The same store keeps the fragments of a read-only form that is not a filterset's
(``{% form_fragment form "template" %}``: the statistics page's period and province, and its hidden
copy of them for the export), under the same rules: its model choices must be
``choice_cache.CachedModelChoiceField``, a form with an error is rendered afresh, the fragment's
template is part of the key.

Kept in process memory like the navigation menus (``portal_nav``): a new release restarts the
processes and cannot be served an older release's HTML.
"""

from __future__ import annotations

import threading

from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from portal import choice_cache

FRAGMENT = "portal/filter_fields.html"  # every list page's filter fields (portal/object_list.html, the register's)
_MAX_ENTRIES = 2048  # distinct forms (user kinds × submitted filters) kept per process
_MAX_DATA_CHARS = 1000  # submitted values longer than this (a pasted text) are rendered, not kept
_rendered: dict[tuple, str] = {}
_lock = threading.Lock()

# the widgets whose HTML is fully determined by the parts of the key below
_WIDGETS = (forms.TextInput, forms.NumberInput, forms.DateInput, forms.HiddenInput, forms.Select,
            forms.NullBooleanSelect, forms.EmailInput, forms.CheckboxInput)


def _text(value):
    return None if value is None else str(value)


def _static_choices(choices) -> tuple:
    out = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # an optgroup
            out.append((_text(value), _static_choices(label)))
        else:
            out.append((_text(value), _text(label)))
    return tuple(out)


def _choices_key(field, widget, generations: dict):
    """What the options of ``widget`` render from, or ``False`` when that cannot be keyed."""
    if isinstance(field, forms.ModelChoiceField):
        queryset = field.queryset
        label = queryset.model._meta.label_lower
        if (label not in choice_cache.CACHED_MODELS or queryset._prefetch_related_lookups
                or "label_from_instance" in vars(field) or widget.choices.__class__ is not field.iterator
                or not issubclass(field.iterator, choice_cache.CachedRowsIterator)):
            return False
        if not generations:
            generations.update(choice_cache.generations())  # both models' in one round trip
        sql, params = queryset.query.sql_with_params()
        return ("model", label, generations[label], queryset.db, sql, tuple(map(repr, params)),
                _text(field.empty_label), _text(getattr(field, "null_label", None)),
                getattr(field, "null_value", None), field.to_field_name)
    if isinstance(widget, forms.Select):
        return ("static", _static_choices(widget.choices))
    return None


def _field_key(name, field, form, generations: dict):
    widget = field.widget
    if type(widget) not in _WIDGETS or "label_from_instance" in vars(field):
        return False
    choices = _choices_key(field, widget, generations)
    if choices is False:
        return False
    if form.is_bound:
        value = widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        value = tuple(value) if isinstance(value, (list, tuple)) else value
    else:
        value = form.get_initial_for_field(field, name)
    return (name, type(field), type(widget), repr(sorted(widget.attrs.items())), _text(field.label),
            _text(field.help_text), field.required, field.disabled, field.show_hidden_initial,
            field.localize, widget.is_localized, getattr(widget, "input_type", None),
            getattr(widget, "format", None), choices, repr(value))


def form_key(filterset) -> tuple | None:
    """The key of ``filterset``'s rendered form, or None when it is not to be cached."""
    form = filterset.form
    return _form_key(form, (type(filterset), type(form).__mro__[1]))  # django-filter makes the form class per use


def _form_key(form, kind) -> tuple | None:
    if form.is_bound and form.errors:
        return None  # the errors render beside their fields, uncached
    generations: dict = {}
    fields = []
    for name, field in form.fields.items():
        key = _field_key(name, field, form, generations)
        if key is False:
            return None
        fields.append(key)
    if form.is_bound and sum(len(part[-1]) for part in fields) > _MAX_DATA_CHARS:
        return None
    return (kind, form.prefix, form.auto_id, form.is_bound, translation.get_language(), tuple(fields))


def render_fields(form, context, template_name=FRAGMENT) -> str:
    template = context.template.engine.get_template(template_name)
    html = template.render(context.new({"form": form}))
    return html[:-1] if html.endswith("\n") else html  # the fragment file's own last newline


def _kept(key, form, context, template_name) -> str:
    if key is None:
        return mark_safe(render_fields(form, context, template_name))
    key = (template_name, key)
    html = _rendered.get(key)
    if html is None:
        html = render_fields(form, context, template_name)
        with _lock:
            if len(_rendered) >= _MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = html
    return mark_safe(html)  # rendered by the template engine, autoescaped


def render_filter_fields(filterset, context) -> str:
    """The fields of the filter form (``FRAGMENT`` with ``form``), kept per key."""
    return _kept(form_key(filterset), filterset.form, context, FRAGMENT)


def render_form_fragment(form, context, template_name: str) -> str:
    """``template_name`` rendered with ``form`` (a plain read-only form), kept per key.  The key is worked
    out once per form object: a page that renders two fragments of one form (the statistics' fields and
    their hidden copy) reads the form's state once, before any fragment is rendered."""
    key = form.__dict__.get("_fragment_key", False)
    if key is False:
        key = form._fragment_key = _form_key(form, type(form))
    return _kept(key, form, context, template_name)


def forget() -> None:
    with _lock:
        _rendered.clear()
