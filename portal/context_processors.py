from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": "社会组织登记管理门户",
        # the roles the header shows after the name (not again when the name already says it)
        "portal_user_roles": ([r for r in user.role_names if r not in user.display_name]
                              if user is not None and user.is_authenticated else []),
        # the API is for the ministry and the administrators; others are not shown its documentation
        "portal_shows_api_docs": bool(user is not None and user.is_authenticated
                                      and (user.is_ministry or user.is_administrator)),
        "DEBUG": settings.DEBUG,
        "REPORT_HOTLINE": settings.REPORT_HOTLINE,
        "REPORT_ADDRESS": settings.REPORT_ADDRESS,
    }

