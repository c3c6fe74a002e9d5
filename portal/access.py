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
