from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": "社会组织登记管理门户",
        "portal_user_roles": user.role_names if user is not None and user.is_authenticated else [],
        "DEBUG": settings.DEBUG,
    }
