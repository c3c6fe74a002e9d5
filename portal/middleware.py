import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

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


class IdleTimeoutMiddleware:
    """Logs a user out after IDLE_TIMEOUT_SECONDS without a request (on top of the cookie age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "您已超过 30 分钟未操作，请重新登录。")
            else:
                request.session["last_seen"] = now
        return self.get_response(request)
