from django import forms, template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def bootstrap(bound_field, shows=""):
    """Render a bound field's widget with Bootstrap classes (and is-invalid when it has errors).

    ``aria-describedby`` names the error (``<auto_id>_error``, which every template that renders a field's
    errors gives that id) and, with ``field|bootstrap:"help"`` (portal/forms/field.html, which renders
    the help text as ``<auto_id>_helptext``), the help text: never an element the page does not have.
    """
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
    # the error and the help text the field templates render (ids below), read out with the field
    described = [f"{bound_field.auto_id}_error"] if bound_field.errors and bound_field.auto_id else []
    if bound_field.help_text and bound_field.auto_id and shows == "help":
        described.append(f"{bound_field.auto_id}_helptext")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    # every input has an accessible name, also in table forms whose cells show no label of their own
    if bound_field.label and "aria-label" not in widget.attrs and not isinstance(
            widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput)):
        attrs["aria-label"] = str(bound_field.label)
    if type(widget) is forms.DateInput:  # a real date input: the browser's date picker, ISO value
        widget.input_type = "date"
        widget.format = "%Y-%m-%d"
    if shows == "help" or not bound_field.help_text:
        return bound_field.as_widget(attrs=attrs)
    # Django would point aria-describedby at a help text this template does not render: not here
    help_text, bound_field.help_text = bound_field.help_text, ""
    try:
        return bound_field.as_widget(attrs=attrs)
    finally:
        bound_field.help_text = help_text


@register.simple_tag(takes_context=True)
def filter_fields(context, filterset):
    """A list page's filter fields (``portal/filter_fields.html``), kept per form (portal.filter_form_cache)."""
    from portal.filter_form_cache import render_filter_fields

    return render_filter_fields(filterset, context)


@register.simple_tag(takes_context=True)
def form_fragment(context, form, template_name):
    """``{% form_fragment form "app/_fields.html" %}``: the template rendered with ``form`` (a read-only form,
    not a filterset's), kept per distinct form like the filter fields (portal.filter_form_cache)."""
    from portal.filter_form_cache import render_form_fragment

    return render_form_fragment(form, context, template_name)


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


@register.simple_tag
def audit_change_rows(entry):
    """The rows of an audit entry's readable change table (portal.audit_display.change_rows)."""
    from portal.audit_display import change_rows

    return change_rows(entry)


@register.inclusion_tag("portal/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """首页 › (the object's list) › this page, on every page below the home.

    A view may give ``breadcrumbs`` ([(label, url or None), ...]) itself; otherwise the trail is built from
    the page's object (its model's ``<app>:<model>-list`` route, when there is one) and its title.
    """
    from django.urls import NoReverseMatch, reverse

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated \
            or match is None or match.url_name in ("home", "login"):
        return {"crumbs": []}
    crumbs = [("首页", reverse("home"))]
    given = context.get("breadcrumbs")
    if given:
        return {"crumbs": crumbs + list(given)}
    obj = context.get("object")
    view_model = getattr(context.get("view"), "model", None)
    model = getattr(obj, "_meta", None) or (view_model._meta if view_model is not None else None)
    if model is not None and not match.url_name.endswith("-list"):
        for name in (f"{model.app_label}:{model.model_name}-list", f"{model.model_name}-list"):
            try:
                crumbs.append((str(model.verbose_name_plural), reverse(name)))
                break
            except NoReverseMatch:
                continue
    title = context.get("title") or (str(obj) if obj is not None else "")
    if title:
        crumbs.append((str(title), None))
    return {"crumbs": crumbs if len(crumbs) > 1 else []}


class NavMenuNode(template.Node):
    def __init__(self, label, nodelist):
        self.label, self.nodelist = label, nodelist

    def render(self, context):
        items = self.nodelist.render(context)
        # a menu with nothing this user can use (public pages do not count) is not shown at all
        if items.count('class="dropdown-item"') - items.count("data-nav-public") <= 0:
            return ""
        label = conditional_escape(self.label.resolve(context))
        return format_html(
            '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="#" '
            'data-bs-toggle="dropdown" aria-expanded="false">{}</a><ul class="dropdown-menu">{}</ul></li>',
            label, mark_safe(items))  # the items were rendered (and escaped) by the template


@register.tag
def navmenu(parser, token):
    """``{% navmenu "登记管理" %}<li>…</li>{% endnavmenu %}``: a top menu, left out when it has no item."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("navmenu takes one argument: the menu's label")
    nodelist = parser.parse(("endnavmenu",))
    parser.delete_first_token()
    return NavMenuNode(parser.compile_filter(bits[1]), nodelist)


@register.filter
def status_badge(obj, field="status"):
    """``{{ object|status_badge }}`` or ``{{ case|status_badge:"stage" }}``: the status as a coloured badge
    (portal.status: one mapping for the whole portal)."""
    from portal.status import badge_for

    return badge_for(obj, field)



@register.simple_tag
def home_panels(panels):
    """The home page's cards (``portal.home.panels_html``)."""
    from portal.home import panels_html

    return panels_html(panels)
