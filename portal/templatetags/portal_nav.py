"""The navigation menus, rendered once per set of permissions and kept in this process (issue 17).

``portal/nav_sections.html`` depends on nothing but the user's permissions (each link shows with the
permission behind it) and whether the API documentation is shown: every user with the same roles sees
the same menus.  Rendering them was a good part of each page's template time; now each distinct set
is rendered once per process (a handful of roles: a handful of entries), and a change of permissions
gives a new key, so it shows on the next page.  Kept in process memory, not in Redis: a new release
(which restarts the processes) can never be served an older release's menus.
"""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

NAV_TEMPLATE = "portal/nav_sections.html"
_RENDERED: dict[tuple, str] = {}
_MAX_ENTRIES = 256


@register.simple_tag(takes_context=True)
def nav_sections(context):
    from portal.access import user_access

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    perms = tuple(user_access(user)["perms"]) if not user.is_superuser else ("*superuser*",)
    key = (perms, bool(context.get("portal_shows_api_docs")), translation.get_language())
    html = _RENDERED.get(key)
    if html is None:
        html = context.template.engine.get_template(NAV_TEMPLATE).render(context)
        if len(_RENDERED) >= _MAX_ENTRIES:
            _RENDERED.clear()
        _RENDERED[key] = html
    return mark_safe(html)  # rendered by the template engine, autoescaped
