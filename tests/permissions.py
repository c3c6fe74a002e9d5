"""The permission matrix every page and endpoint walks (STYLE.md point 10).

    anonymous → login (pages: redirect to the login page; API: 401/403)
    logged in, no permission → 403
    another province's object → 404
    own → 200

Later issues add one line per endpoint:

    assert_permission_matrix(client, url, own=xizang_staff, no_perm=no_role_user, other=zhejiang_staff)
"""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def _request(client: Client, method: str, url: str, data=None):
    kwargs = {}
    if data is not None:
        kwargs["data"] = data
        if method != "get":
            kwargs["content_type"] = "application/json" if url.startswith("/api/") else None
            kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return getattr(client, method)(url, **kwargs)


def assert_anonymous_refused(url: str, method: str = "get", data=None):
    client = Client()
    response = _request(client, method, url, data)
    if url.startswith("/api/"):
        assert response.status_code in (401, 403), f"匿名访问 {url} 应被拒绝，实际 {response.status_code}"
    else:
        assert response.status_code == 302, f"匿名访问 {url} 应跳转登录，实际 {response.status_code}"
        assert response["Location"].startswith(settings.LOGIN_URL if settings.LOGIN_URL.startswith("/")
                                                else "/accounts/login/"), response["Location"]


def assert_permission_matrix(
    client: Client,
    url: str,
    *,
    own,
    no_perm=None,
    other=None,
    method: str = "get",
    data=None,
    ok_status: int | tuple = 200,
):
    """Walk ``url`` through the matrix; ``other`` is a user of another province (expects 404)."""
    assert_anonymous_refused(url, method, data)
    if no_perm is not None:
        client.force_login(no_perm)
        response = _request(client, method, url, data)
        assert response.status_code == 403, f"{no_perm} 无权限访问 {url} 应为 403，实际 {response.status_code}"
        client.logout()
    if other is not None:
        client.force_login(other)
        response = _request(client, method, url, data)
        assert response.status_code == 404, f"{other} 访问外省对象 {url} 应为 404，实际 {response.status_code}"
        client.logout()
    client.force_login(own)
    response = _request(client, method, url, data)
    expected = ok_status if isinstance(ok_status, tuple) else (ok_status,)
    assert response.status_code in expected, (
        f"{own} 访问 {url} 应为 {expected}，实际 {response.status_code}: {response.content[:300]!r}"
    )
    client.logout()
    return response
