"""Roles are Groups holding real permissions.

Each app may have a ``roles.py`` with ``ROLE_PERMISSIONS = {Role.X: ["app.codename", ...]}``;
``sync_roles`` (run after every migrate) gathers them, so an app adds its permissions in its own
folder.  Groups are set to exactly these permissions: a permission removed here is removed there.
"""

from django.contrib.auth.models import Group, Permission

from portal.app_modules import app_modules
from portal.models import Role

ROLE_PERMISSIONS = {
    Role.MINISTRY_STAFF: [
        "portal.view_job", "portal.add_job", "portal.view_authority",
    ],
    Role.PROVINCE_STAFF: [
        "portal.view_job", "portal.add_job", "portal.view_authority",
    ],
    Role.LIAISON: [
        "portal.view_job", "portal.add_job", "portal.view_authority",
    ],
    Role.SYSTEM_ADMIN: [
        "portal.view_user", "portal.add_user", "portal.change_user", "portal.view_authority",
        "portal.view_job", "portal.add_job",
    ],
    Role.SECURITY_ADMIN: [
        "portal.view_user", "portal.assign_roles", "portal.unlock_user", "portal.move_user",
        "portal.reset_second_factor",
        "portal.view_authority",
    ],
    Role.AUDIT_ADMIN: [
        "portal.view_auditentry",
    ],
}


def all_role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for module in app_modules("roles"):
        for role, perms in module.ROLE_PERMISSIONS.items():
            merged.setdefault(role, set()).update(perms)
    return merged


def sync_roles() -> None:
    for role, perms in all_role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            try:
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            except Permission.DoesNotExist:
                raise LookupError(f"角色 {role} 引用了不存在的权限 {dotted}") from None
        group.permissions.set(wanted)
