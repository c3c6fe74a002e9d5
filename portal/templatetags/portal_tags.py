from django import forms, template

register = template.Library()


@register.filter
def bootstrap(bound_field):
    """Render a bound field's widget with Bootstrap classes (and is-invalid when it has errors)."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.CheckboxInput,)):
        css = "form-check-input"
    elif isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        css = ""
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": css} if css else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def querystring_replace(context, **kwargs):
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def get_field(form, name):
    """``form|get_field:"amount"``: a bound field by a name held in a variable (column specs)."""
    return form[name]
