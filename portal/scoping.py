"""The one scoping rule: ``Model.objects.restrict(user, action)`` and ``object_in_scope(obj, user, action)``.

A model opts in with ``objects = RestrictedQuerySet.as_manager()`` (or a subclass) and says where its
authority lives with ``scope_field`` (a path to an ``Authority`` foreign key, e.g. ``"authority"`` or
``"campaign__authority"``); ``scope_field = None`` means the rows are shared by every authority
(reference tables) and only the model permission applies.  ``public_read = True`` says the rows are
public information that every authority reads (the register of social organizations): reading
needs only the model permission, while writes stay inside ``scope_field``.

- no model permission for the action → nothing;
- ministry staff → everything;
- anyone else → rows whose authority's division code starts with the user's own prefix
  (a province sees its prefectures and counties; a county only itself).

A domain model inherits ``ScopedModel`` (the manager and ``scope_field = "authority"``) or
``StampedModel`` (plus 创建人/创建时间/更新时间); a model whose column differs redefines it, a model
without one sets it to ``None`` (Django's way to drop an inherited field); the columns are unchanged.

The one hook is ``RestrictedQuerySet.scope_q(user, action)``: the Q of the rows inside the user's
area for the action (None: none).  A model whose area is more than its ``scope_field`` (a match is
seen by both of its sides, a need list by the paired aiding provinces) overrides it in its queryset;
``restrict()`` (lists, the generic views, the API) and ``object_in_scope()`` (the check after a
write) both read it, so they cannot disagree (tests/portal/test_scope_agreement.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


def within_q(field: str, authority) -> models.Q:
    """Rows whose ``field`` (a path to an ``Authority``) is ``authority`` or lies below it: ``Authority.is_within``
    as a query (the ministry's prefix is ``""``, every row)."""
    return models.Q(**{f"{field}__code__startswith": authority.scope_prefix})


def field_scope_q(model, user, action: str = "view") -> models.Q | None:
    """The default area of ``model``'s rows: its ``scope_field`` (and ``public_read``), as the module says."""
    prefix = user_scope_prefix(user)
    if prefix is None:
        return None
    field = getattr(model, "scope_field", "authority")
    if field is None or prefix == "" or (action == "view" and getattr(model, "public_read", False)):
        return models.Q()
    return models.Q(**{f"{field}__code__startswith": prefix})


def scope_q(model, user, action: str = "view") -> models.Q | None:
    """The Q that keeps ``model``'s rows inside ``user``'s area for ``action``; None when nothing is visible."""
    queryset = model._default_manager.all()
    if isinstance(queryset, RestrictedQuerySet):
        return queryset.scope_q(user, action)
    return field_scope_q(model, user, action)


class RestrictedQuerySet(models.QuerySet):
    def scope_q(self, user, action: str = "view") -> models.Q | None:
        """The hook: the rows inside ``user``'s area for ``action`` (None: none).  Override it, never ``restrict``."""
        return field_scope_q(self.model, user, action)

    def restriction(self, user, action: str = "view") -> models.Q | None:
        """What ``restrict`` filters by: the model permission, then ``scope_q``.  None: no row; an empty
        ``Q()``: every row (the ministry); else the ``Q`` of the rows.  For a read that must know which of
        the rows it already holds the user may see: none, all, or — a second query only then — those the
        ``Q`` selects (the matches of a needs page, ``aid_projects.selectors.set_match_status``)."""
        opts = self.model._meta
        if not user or not user.is_authenticated:
            return None
        if action and not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return None
        return self.scope_q(user, action or "view")

    def restrict(self, user, action: str = "view"):
        q = self.restriction(user, action)
        if q is None:
            return self.none()
        return self.filter(q)


def object_in_scope(obj, user, action: str = "change") -> bool:
    """After a write: is the object still inside the area the user may write? (STYLE.md point 3)

    The area only (the model permission was checked by the view); the same ``scope_q`` as ``restrict``."""
    q = scope_q(type(obj), user, action)
    if q is None:
        return False
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


class ScopedModel(models.Model):
    """A row inside one authority's area: ``Model.objects.restrict(user, action)``, the area named by ``scope_field``.

    A model with its own queryset (a subclass of ``RestrictedQuerySet``) sets ``objects`` itself; a shared
    reference table sets ``scope_field = None``; a public register sets ``public_read = True``."""

    objects = RestrictedQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        abstract = True


def _after_own_fields(field):
    """An inherited field keeps its place after the model's own fields, where each model had it: the audit
    log's change table and the generic pages list fields in model order.  (Django orders fields by
    ``creation_counter``; an abstract base's fields would otherwise come first.)"""
    field.creation_counter += 1_000_000
    return field


class StampedModel(ScopedModel):
    """A scoped row that records who created it and when, and when it last changed."""

    created_by = _after_own_fields(models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                                     blank=True, on_delete=models.SET_NULL, related_name="+"))
    created = _after_own_fields(models.DateTimeField(_("创建时间"), auto_now_add=True))
    updated = _after_own_fields(models.DateTimeField(_("更新时间"), auto_now=True))

    class Meta:
        abstract = True
