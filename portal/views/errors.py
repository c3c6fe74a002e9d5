"""The portal's own error pages in Chinese (Django's debug page only with DJANGO_DEBUG=1), JSON for the API."""

from __future__ import annotations

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

API_PREFIX = "/api/"
MESSAGES = {
    400: "请求有误，请检查后重试。",
    403: "您没有执行此操作的权限。",
    404: "未找到。请检查地址，或该对象不在您的管辖范围内。",
    500: "服务器处理请求时出错，已记录。请稍后重试；如问题持续，请联系系统管理员。",
}


def _api(request, status):
    return JsonResponse({"detail": MESSAGES[status]}, status=status) if request.path.startswith(API_PREFIX) else None


@requires_csrf_token
def bad_request(request, exception=None):
    return _api(request, 400) or defaults.bad_request(request, exception)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _api(request, 403) or defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _api(request, 404) or defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request):
    # 500.html is self-contained (no context, no database): it renders even when those are what failed
    return _api(request, 500) or HttpResponseServerError(loader.get_template("500.html").render())
