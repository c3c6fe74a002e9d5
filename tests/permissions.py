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


# --- what a list shows (issue: a list that leaks another province's rows must fail the suite) --------
def _shown(response) -> tuple[str, set]:
    """The text a reader sees in ``response`` and, for a JSON list, the ids of its rows."""
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if "spreadsheetml" in content_type or body[:2] == b"PK":
        return workbook_text(body), set()
    if "json" in content_type:
        import json

        data = json.loads(body)
        rows = data.get("results", data) if isinstance(data, dict) else data
        ids = {row.get("id") for row in rows if isinstance(row, dict)} if isinstance(rows, list) else set()
        return json.dumps(data, ensure_ascii=False), ids
    return body.decode(), set()


def workbook_text(source) -> str:
    """Every cell of every sheet of a workbook (bytes or a path), one cell a line."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True)
    lines = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            lines.extend(str(value) for value in row if value is not None)
    return "\n".join(lines)


def shown_markers(text: str, ids: set, universe) -> set:
    """Which of ``universe`` a reader was shown: strings found in the text, ints among the JSON row ids."""
    return {m for m in universe if (m in ids if isinstance(m, int) else m in text)}


def assert_list_scope(client: Client, url: str, *, sees: dict, universe, method: str = "get", data=None):
    """Each user in ``sees`` is shown exactly its markers out of ``universe``, and nothing of the rest.

    A marker is a string that only that row puts on the page (a name, a number, a detail link) or,
    for a JSON list, the row's id.  ``sees`` maps user → the markers that user must be shown.
    """
    universe = set(universe)
    for user, expected in sees.items():
        expected = set(expected)
        assert expected <= universe, f"{expected - universe} 不在标记集合中"
        client.force_login(user)
        response = _request(client, method, url, data)
        assert response.status_code == 200, f"{user} 访问 {url} 应为 200，实际 {response.status_code}"
        text, ids = _shown(response)
        shown = shown_markers(text, ids, universe)
        leaked, missing = shown - expected, expected - shown
        assert not leaked, f"{user} 在 {url} 看到了不应看到的行：{sorted(map(str, leaked))}"
        assert not missing, f"{user} 在 {url} 看不到应看到的行：{sorted(map(str, missing))}"
        client.logout()


def assert_write_refused(client: Client, url: str, *, user, obj, method: str = "post", data=None,
                         status: int = 404):
    """``user`` (another province) writes to ``obj``: the answer is 404 and nothing changed anywhere."""
    from portal.models import AuditEntry

    def state():
        model = type(obj)
        row = model._default_manager.filter(pk=obj.pk).values().first()
        counts = {m._meta.label: m._default_manager.count() for m in model._meta.app_config.get_models()
                  if m is not AuditEntry}
        # logging in and out is audited (force_login does it too); anything else would be a write
        audited = AuditEntry.objects.exclude(action__in=["login", "logout"]).count()
        return row, counts, audited

    before = state()
    client.force_login(user)
    response = _request(client, method, url, data)
    client.logout()
    assert response.status_code == status, (
        f"{user} {method.upper()} {url} 应为 {status}，实际 {response.status_code}: {response.content[:200]!r}")
    after = state()
    assert after[0] == before[0], f"{method.upper()} {url} 改动了 {obj!r}"
    assert after[1] == before[1], f"{method.upper()} {url} 增删了数据：{before[1]} → {after[1]}"
    assert after[2] == before[2], f"{method.upper()} {url} 写了审计记录"
