import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse

from portal.audit import RequestInfo, current_request


def client_ip(request) -> str | None:
    # Behind the production proxy, REMOTE_ADDR is the proxy; gunicorn is started with
    # --forwarded-allow-ips for it, which makes X-Forwarded-For trustworthy there only.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if getattr(settings, "TRUST_X_FORWARDED_FOR", False) else None
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id and makes IP + id available to ``record_change``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        token = current_request.set(RequestInfo(ip=client_ip(request), request_id=request.request_id))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class SessionLimitMiddleware:
    """Ends a session after its idle limit (30 minutes for staff, 15 for the administrator roles) or
    10 hours after login whatever the activity (等保 2.0: 登录连接超时自动退出)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault("login_at", now)
            last = session.get("last_seen")
            idle = settings.ADMIN_IDLE_TIMEOUT_SECONDS if user.is_administrator else settings.IDLE_TIMEOUT_SECONDS
            reason = None
            if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                reason = f"本次登录已超过 {settings.SESSION_ABSOLUTE_SECONDS // 3600} 小时，请重新登录。"
            elif last is not None and now - last > idle:
                reason = f"您已超过 {idle // 60} 分钟未操作，请重新登录。"
            if reason:
                logout(request)
                messages.info(request, reason)
            else:
                session["last_seen"] = now
                session.set_expiry(idle)
        return self.get_response(request)


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _lead_to(request, url_name: str, detail: str, code: str):
    """Pages go to ``url_name`` (htmx fragments by HX-Redirect); API calls get a 403 saying why."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code}, status=403)
    url = reverse(url_name)
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    if request.method == "GET" and url_name != "password-change":
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


SECOND_FACTOR_PAGES = {"otp-setup", "otp-verify", "logout", "login"}


class SecondFactorRequiredMiddleware:
    """An account that needs a second factor (``User.requires_second_factor``) and whose session has
    not verified one reaches only the enrolment/verification pages (after django-otp's middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.requires_second_factor
                and not user.is_verified() and _url_name(request) not in SECOND_FACTOR_PAGES):
            return _lead_to(request, "otp-verify", "请先完成动态口令验证。", "second_factor_required")
        return self.get_response(request)


# Pages a user who must change the password may still reach (the second factor comes first).
PASSWORD_CHANGE_EXEMPT = {"password-change", *SECOND_FACTOR_PAGES}


class PasswordChangeRequiredMiddleware:
    """Until an initial, reset or expired password is changed, every page leads to the change page
    and every API call is refused (403) saying so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.needs_password_change
                and _url_name(request) not in PASSWORD_CHANGE_EXEMPT):
            return _lead_to(request, "password-change", "请先修改密码（初始密码、管理员重置的密码或已过期的密码）。",
                            "password_change_required")
        return self.get_response(request)
