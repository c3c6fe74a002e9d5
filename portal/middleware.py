import ipaddress
import json
import re
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from portal.audit import RequestInfo, current_request
from portal.request_memo import close_memo, open_memo


def _trusted_networks() -> list:
    return [ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def _valid_ip(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def from_trusted_proxy(request) -> bool:
    """Whether the TCP peer (REMOTE_ADDR) is one of the configured reverse proxies (TRUSTED_PROXIES)."""
    peer = _valid_ip(request.META.get("REMOTE_ADDR"))
    if peer is None or not settings.TRUSTED_PROXIES:
        return False
    address = ipaddress.ip_address(peer)
    return any(address in network for network in _trusted_networks())


def client_ip(request) -> str | None:
    """The client's address: the one helper for audit, lockout (axes) and rate limits.

    Without a trusted proxy in front (TRUSTED_PROXIES empty, or the peer is not one of them) it is
    the TCP peer.  Behind TRUSTED_PROXY_COUNT proxies it is the X-Forwarded-For entry the outermost
    trusted proxy appended: counted from the right, so entries a client writes itself (on the left)
    are never taken.
    """
    peer = _valid_ip(request.META.get("REMOTE_ADDR"))
    if not from_trusted_proxy(request):
        return peer
    hops = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    count = max(1, settings.TRUSTED_PROXY_COUNT)
    if len(hops) < count:
        return peer  # the chain is shorter than the proxies configured: no entry can be trusted
    return _valid_ip(hops[-count]) or peer


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


class TrustedProxyMiddleware:
    """First of all: forwarding headers count only from the trusted proxy.  From any other peer they
    are dropped, so SECURE_PROXY_SSL_HEADER (X-Forwarded-Proto) and X-Forwarded-For cannot be forged
    by a client reaching the web server directly.  ``request.client_ip`` is set for everyone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        request.client_ip = client_ip(request)
        return self.get_response(request)


# NUL cannot be stored by PostgreSQL in text, and lone surrogates cannot be encoded as UTF-8: either
# reaching the database or a template is a 500.  They are refused at the door instead.
UNACCEPTABLE = re.compile("[\x00\ud800-\udfff]")
BAD_CHARACTERS_MESSAGE = "请求中含有不允许的字符（如空字节或无法编码的字符），请检查后重新提交。"
TOO_MANY_FIELDS_MESSAGE = "请求中的参数过多（每次最多 {limit} 个），请减少后重新提交。"
TOO_MANY_FILES_MESSAGE = "一次上传的文件过多（每次最多 {limit} 个）。"
TOO_BIG_MESSAGE = "请求内容过大，请减少后重新提交。"


def bad_request(request, detail: str, code: str):
    """400 with the Chinese reason: JSON for the API, the 400 page otherwise."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code}, status=400)
    return HttpResponseBadRequest(render_to_string("400.html", {"detail": detail}))


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _unacceptable_input(request) -> bool:
    """Whether the path, query, cookies, form fields or JSON strings hold NUL or a lone surrogate."""
    texts = [request.path_info]
    texts += [item for key, values in request.GET.lists() for item in (key, *values)]
    texts += [item for pair in request.COOKIES.items() for item in pair]
    content_type = request.content_type or ""
    if request.method not in ("GET", "HEAD", "OPTIONS", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = request.POST if request.method == "POST" else (
                QueryDict(request.body, encoding=request.encoding) if content_type.endswith("urlencoded")
                else QueryDict())
            texts += [item for key, values in form.lists() for item in (key, *values)]
            # (uploaded file names: Django's multipart parser already drops unprintable characters)
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                data = json.loads(request.body)
            except ValueError:  # not JSON (or not UTF-8): the API's parser answers 400 itself
                data = None
            texts += list(_json_strings(data))
    return any(UNACCEPTABLE.search(text) for text in texts)


class RequestSanityMiddleware:
    """First in the chain: NUL bytes or unencodable characters anywhere in the request (path, query,
    cookies, form, JSON) and too many fields or files give 400 with a Chinese reason, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _unacceptable_input(request)
        except TooManyFieldsSent:
            return bad_request(request, TOO_MANY_FIELDS_MESSAGE.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS),
                               "too_many_fields")
        except TooManyFilesSent:
            return bad_request(request, TOO_MANY_FILES_MESSAGE.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES),
                               "too_many_files")
        except RequestDataTooBig:
            return bad_request(request, TOO_BIG_MESSAGE, "too_big")
        if refused:
            return bad_request(request, BAD_CHARACTERS_MESSAGE, "invalid_characters")
        return self.get_response(request)


class RequestContextMiddleware:
    """Gives each request an id and makes IP + id available to ``record_change``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        token = current_request.set(RequestInfo(ip=getattr(request, "client_ip", None) or client_ip(request),
                                                request_id=request.request_id))
        memo = open_memo()  # values computed once per request (portal.request_memo)
        try:
            response = self.get_response(request)
        finally:
            close_memo(memo)
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ResponseHeadersMiddleware:
    """Permissions-Policy on every response; ``Cache-Control: no-store`` (never cached, by the browser
    or a proxy) on every response to a logged-in user and on every download."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


class SessionLimitMiddleware:
    """Ends a session after its idle limit (30 minutes for staff, 15 for the administrator roles) or
    10 hours after login whatever the activity (等保 2.0: 登录连接超时自动退出).

    The idle clock (``last_seen``) and the session's expiry are written at most once every
    ``SESSION_REFRESH_SECONDS`` (issue 17: not an UPDATE of the session row on every request).  Both
    then count from the last write, which is at most that long before the last request: a session
    may end up to a minute *sooner* than the idle limit after the last click, never later.
    """

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
            elif (last is None or now - last >= settings.SESSION_REFRESH_SECONDS
                  or session.get("_session_expiry") != idle):
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
