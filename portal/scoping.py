"""The one scoping rule: ``Model.objects.restrict(user, action)``.

A model opts in with ``objects = RestrictedQuerySet.as_manager()`` and says where its authority
lives with ``scope_field`` (a path to an ``Authority`` foreign key, e.g. ``"authority"`` or
``"campaign__authority"``); ``scope_field = None`` means the rows are shared by every authority
(reference tables) and only the model permission applies.  ``public_read = True`` says the rows are
public information that every authority reads (the register of social organizations): reading
needs only the model permission, while writes stay inside ``scope_field``.

- no model permission for the action → nothing;
- ministry staff → everything;
- anyone else → rows whose authority's division code starts with the user's own prefix
  (a province sees its prefectures and counties; a county only itself).
"""

from __future__ import annotations

from django.db import models


def user_scope_prefix(user) -> str | None:
    """The division-code prefix the user may see; ``""`` means everything; ``None`` nothing."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    authority = getattr(user, "authority", None)
    if authority is None:
        return None
    if authority.is_ministry:
        return ""
    return authority.scope_prefix


def scope_q(model, user, action: str = "view") -> models.Q | None:
    """The Q that keeps ``model``'s rows inside ``user``'s area for ``action``; None when nothing is visible."""
    prefix = user_scope_prefix(user)
    if prefix is None:
        return None
    field = getattr(model, "scope_field", "authority")
    if field is None or prefix == "" or (action == "view" and getattr(model, "public_read", False)):
        return models.Q()
    return models.Q(**{f"{field}__code__startswith": prefix})


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        opts = self.model._meta
        if not user or not user.is_authenticated:
            return self.none()
        if action and not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self.none()
        q = scope_q(self.model, user, action or "view")
        if q is None:
            return self.none()
        return self.filter(q)


def object_in_scope(obj, user, action: str = "change") -> bool:
    """After a write: is the object still inside the area the user may write? (STYLE.md point 3)"""
    q = scope_q(type(obj), user, action)
    if q is None:
        return False
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()
