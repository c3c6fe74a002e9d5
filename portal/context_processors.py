from django.conf import settings
from django.utils.functional import SimpleLazyObject


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
        # the navigation bar's 待办 count as the home page last found it (a cache read, only when shown)
        "portal_waiting": SimpleLazyObject(lambda: _cached_waiting(user)),
        "REPORT_HOTLINE": settings.REPORT_HOTLINE,
        "REPORT_ADDRESS": settings.REPORT_ADDRESS,
    }



def _cached_waiting(user):
    from portal.home import cached_waiting

    if user is None or not user.is_authenticated:
        return {}
    return cached_waiting(user) or {}
