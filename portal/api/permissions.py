from rest_framework.permissions import BasePermission, DjangoModelPermissions, IsAuthenticated


class ScopedModelPermissions(DjangoModelPermissions):
    """Model permissions for every method, reading included (``view_<model>`` for GET)."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


def has_perms(*codenames: str):
    """A permission class requiring all of ``codenames``."""

    class HasPerms(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and request.user.has_perms(codenames))

    return HasPerms


class ActionPermissionsMixin:
    """Workflow steps (``POST …/<pk>/<step>/``) need the permissions named for the step, not ``add_<model>``.

    ``action_permissions = {"submit": ("app.submit_thing",)}``; the object must still be visible
    (the scoped queryset) and the service checks the step's own rules.
    """

    action_permissions: dict[str, tuple[str, ...]] = {}

    def get_permissions(self):
        codenames = self.action_permissions.get(self.action)
        if codenames:
            return [IsAuthenticated(), has_perms(*codenames)()]
        return super().get_permissions()
