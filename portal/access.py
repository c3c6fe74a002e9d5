"""What a request needs to know about its user, cached (issue 17): role names and permissions.

Without this every logged-in request ran three queries before its own (the user's groups, the
user's permissions, the groups' permissions).  They are kept in the cache under a key that changes
whenever the answer may change, so nothing has to be deleted in time for a change to count:

- the account's ``session_stamp``: any change of roles (``portal.signals``), a move to another
  authority or a deactivation writes a new stamp — and ends the account's sessions, too;
- ``is_active`` / ``is_superuser`` of the account (Django's ModelBackend rules, checked first);
- a version bumped by every change of a group's permissions (``sync_roles``) or of an account's own
  permissions (``bump_access_version``, connected in ``portal.signals``): the entry holds the version it
  was read under, and the current version is read with it in one round trip (``get_many``); an entry of
  another version is read again from the database.

The entry lives ``ACCESS_CACHE_SECONDS`` at most.  The user row itself is still read on every
request (Django checks the session hash against it): deactivation and logout end a session at once.
"""

from __future__ import annotations

import functools
import uuid

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

ACCESS_CACHE_SECONDS = 5 * 60
VERSION_KEY = "portal:access-version"


def bump_access_version() -> None:
    """Every cached role/permission entry becomes unreachable (their keys hold the version)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _key(user) -> str:
    return f"portal:access:{user.pk}:{user.session_stamp or '-'}:{int(user.is_active)}:{int(user.is_superuser)}"


def _load(user) -> dict:
    roles = sorted(user.groups.values_list("name", flat=True))
    backend = ModelBackend()  # its own rules: none when inactive, every permission for a superuser
    perms = backend.get_user_permissions(user) | backend.get_group_permissions(user)
    return {"roles": roles, "perms": sorted(perms)}


def user_access(user) -> dict:
    """{"roles": [...], "perms": [...]} of a saved account: this object's copy, the cache, or the database."""
    access = getattr(user, "_portal_access", None)
    if access is None:
        key = _key(user)
        # the entry and the current version in one round trip; an entry of another version is not used
        found = cache.get_many([VERSION_KEY, key])
        version, entry = found.get(VERSION_KEY) or "0", found.get(key)
        if isinstance(entry, dict) and entry.get("version") == version:
            access = entry["access"]
        else:
            access = _load(user)
            cache.set(key, {"version": version, "access": access}, ACCESS_CACHE_SECONDS)
        user._portal_access = access
    return access


def forget_access(user) -> None:
    """Drop this object's copy (its roles were just changed)."""
    for name in ("_portal_access", "_role_names", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend with the permission sets read through ``user_access``.

    Same rules: an inactive or anonymous account has none, object permissions are not given here.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(user_access(user_obj)["perms"])
        return user_obj._perm_cache

    def get_user(self, user_id):
        """ModelBackend's ``get_user`` — the account's row with its authority and that authority's parent, as
        ``User.objects`` selects them, and the same ``user_can_authenticate`` check — read by a statement
        written once per process instead of compiled by the ORM on every request (issue 17)."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return super().get_user(user_id)
        loader = _user_loader()
        if loader is None:  # a field the fixed statement cannot read as the ORM does: the ORM
            return super().get_user(user_id)
        user = loader(pk)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_loader():
    """A function pk → User (authority and parent attached, as ``select_related`` leaves them), or None
    (``portal.fixed_statements``)."""
    from django.db import connections, router

    from portal.fixed_statements import plain_fields, select_list
    from portal.models import Authority, User

    using = router.db_for_read(User)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = plain_fields(connection, [("u", User), ("a", Authority), ("p", Authority)])
    if fields is None:
        return None
    columns = select_list(connection, fields)
    authority_fk = User._meta.get_field("authority")
    parent_fk = Authority._meta.get_field("parent")
    sql = (f"SELECT {columns} FROM {quote(User._meta.db_table)} u "
           f"LEFT JOIN {quote(Authority._meta.db_table)} a ON a.{quote(Authority._meta.pk.column)} = "
           f"u.{quote(authority_fk.column)} "
           f"LEFT JOIN {quote(Authority._meta.db_table)} p ON p.{quote(Authority._meta.pk.column)} = "
           f"a.{quote(parent_fk.column)} WHERE u.{quote(User._meta.pk.column)} = %s")
    names = {alias: [field.attname for field in group] for alias, group in fields.items()}
    n_user, n_authority = len(fields["u"]), len(fields["a"])
    authority_pk = n_user + [f.attname for f in fields["a"]].index(Authority._meta.pk.attname)
    parent_pk = n_user + n_authority + [f.attname for f in fields["p"]].index(Authority._meta.pk.attname)

    def load(pk: int):
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user = User.from_db(using, names["u"], row[:n_user])
        authority = parent = None
        if row[authority_pk] is not None:
            authority = Authority.from_db(using, names["a"], row[n_user:n_user + n_authority])
            if row[parent_pk] is not None:
                parent = Authority.from_db(using, names["p"], row[n_user + n_authority:])
            parent_fk.set_cached_value(authority, parent)
        authority_fk.set_cached_value(user, authority)
        return user

    return load
