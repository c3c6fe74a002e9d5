"""Issue 17: the fixed cost of a request — no session write on every request, roles and
permissions from the cache — with every session control as strict as before."""

import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal import middleware
from portal.access import user_access
from portal.models import User

pytestmark = pytest.mark.django_db


def session_writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries
            if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


def logged_out(response):
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.fixture
def clock(monkeypatch):
    """The session middleware's clock, moved by hand (``clock.now += 60``)."""
    fake = SimpleNamespace(now=time.time())
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: fake.now))
    return fake


def test_a_request_within_the_minute_writes_no_session(client, xizang_staff, clock):
    client.force_login(xizang_staff)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/crackdown/leads/").status_code == 200
    assert len(session_writes(first)) == 1  # the first request after login starts the idle clock
    for seconds in (1, 30, 59):
        clock.now += seconds - (clock.now - client.session["last_seen"])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/crackdown/leads/").status_code == 200
        assert session_writes(ctx) == [], f"{seconds} s after the last write"
    clock.now = client.session["last_seen"] + settings.SESSION_REFRESH_SECONDS
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/crackdown/leads/").status_code == 200
    assert len(session_writes(ctx)) == 1  # a minute on: the idle clock and the expiry move on
    assert client.session["last_seen"] == int(clock.now)


def test_the_refresh_moves_the_rows_expiry(client, xizang_staff, clock):
    client.force_login(xizang_staff)
    client.get("/")
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    clock.now += 61
    time.sleep(1.1)  # the row's expiry counts from the database write (timezone.now)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > before


def test_idle_timeout_still_logs_out_after_30_minutes(client, xizang_staff, clock):
    client.force_login(xizang_staff)
    assert client.get("/").status_code == 200
    # busy for 40 minutes, a click every 50 s: never logged out
    for _ in range(48):
        clock.now += 50
        assert client.get("/crackdown/leads/").status_code == 200
    # then idle 30 minutes and a second after the last refresh: out, and the session is gone
    clock.now = client.session["last_seen"] + settings.IDLE_TIMEOUT_SECONDS + 1
    response = client.get("/crackdown/leads/")
    assert logged_out(response)
    assert logged_out(client.get("/crackdown/leads/"))


def test_idle_timeout_never_later_than_before(client, security_admin, clock):
    """The idle clock counts from the last write, at most a minute before the last click: the
    limit can only come sooner than the role's idle limit, never later."""
    client.force_login(security_admin)
    client.get("/users/")
    written = client.session["last_seen"]
    clock.now = written + 59
    assert client.get("/users/").status_code == 200  # no write, the clock stays at `written`
    assert client.session["last_seen"] == written
    clock.now = written + settings.ADMIN_IDLE_TIMEOUT_SECONDS + 1
    assert logged_out(client.get("/users/"))


def test_deactivation_ends_the_session_within_the_minute(client, xizang_staff, clock):
    client.force_login(xizang_staff)
    assert client.get("/").status_code == 200
    clock.now += 5  # well inside the minute without a session write
    xizang_staff.is_active = False
    xizang_staff.save()
    assert logged_out(client.get("/crackdown/leads/"))


def test_logout_ends_the_session_at_once(xizang_staff, clock):
    client = Client()
    client.force_login(xizang_staff)
    assert client.get("/").status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, replayed
    assert logged_out(replay.get("/crackdown/leads/"))
    assert not Session.objects.filter(session_key=cookie).exists()


# --- roles and permissions from the cache --------------------------------------------------------------
def fresh(user):
    return User.objects.get(pk=user.pk)


def test_cached_permissions_follow_a_roles_permissions(xizang_staff):
    assert fresh(xizang_staff).has_perm("crackdown.view_lead")
    assert fresh(xizang_staff).has_perm("crackdown.view_lead")  # now from the cache
    group = Group.objects.get(name="省级工作人员")
    perm = Permission.objects.get(content_type__app_label="crackdown", codename="view_lead")
    group.permissions.remove(perm)
    assert not fresh(xizang_staff).has_perm("crackdown.view_lead")
    group.permissions.add(perm)
    assert fresh(xizang_staff).has_perm("crackdown.view_lead")


def test_cached_permissions_follow_an_accounts_own_permissions(no_role_user):
    perm = Permission.objects.get(content_type__app_label="portal", codename="view_job")
    assert not fresh(no_role_user).has_perm("portal.view_job")
    no_role_user.user_permissions.add(perm)
    assert fresh(no_role_user).has_perm("portal.view_job")


def test_cached_roles_follow_a_role_change(hebei_staff):
    assert fresh(hebei_staff).role_names == ["省级工作人员"]
    Group.objects.get(name="联络员").user_set.add(hebei_staff)
    assert fresh(hebei_staff).role_names == ["省级工作人员", "联络员"]
    hebei_staff.groups.remove(Group.objects.get(name="省级工作人员"))
    user = fresh(hebei_staff)
    assert user.role_names == ["联络员"]
    backend = ModelBackend()  # what Django's own backend finds in the database now
    assert set(user_access(user)["perms"]) == backend.get_all_permissions(fresh(hebei_staff))


def test_an_inactive_account_has_no_permission(xizang_staff):
    assert fresh(xizang_staff).has_perm("crackdown.view_lead")
    User.objects.filter(pk=xizang_staff.pk).update(is_active=False)
    assert not fresh(xizang_staff).has_perm("crackdown.view_lead")


# --- the fixed queries of a page ------------------------------------------------------------------------
FIXED_QUERIES = 2  # the session row and the user row (with its authority); ministry staff add their TOTP device


def test_a_simple_page_runs_a_handful_of_queries(client, xizang_staff, django_assert_max_num_queries):
    client.force_login(xizang_staff)
    client.get("/crackdown/leads/")  # starts the idle clock and fills the cache
    with django_assert_max_num_queries(FIXED_QUERIES + 1) as ctx:  # + the list's own count (no rows)
        assert client.get("/crackdown/leads/").status_code == 200
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "auth_group" not in sql and "auth_permission" not in sql and not session_writes(ctx)


def test_the_home_page_queries_are_its_own(client, xizang_staff, django_assert_max_num_queries):
    client.force_login(xizang_staff)
    client.get("/")
    with django_assert_max_num_queries(9):  # was 14: 2 fixed + the home panels' own (9 with the 部里催报 panel)
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("name", ["crackdown:lead-detail", "crackdown:case-detail", "crackdown:listbatch-detail",
                                  "aid_projects:list-detail", "aid_projects:match-detail", "job-detail"])
def test_a_panels_row_urls_are_what_reverse_gives(name):
    """The home panels reverse a detail URL once and put each row's pk in it (issue 17): the same text."""
    from django.urls import reverse, set_script_prefix

    from portal.reversing import detail_urls

    for prefix in ("/", "/portal/"):
        set_script_prefix(prefix)
        try:
            url = detail_urls(name)
            assert [url(pk) for pk in (1, 7, 42, 2**40)] == [reverse(name, args=[pk]) for pk in (1, 7, 42, 2**40)]
            assert url("7") == reverse(name, args=["7"])  # a key that is not an int: reversed as before
        finally:
            set_script_prefix("/")


def test_the_user_list_runs_no_query_per_row(client, security_admin, django_assert_max_num_queries):
    from tests.factories import make_user

    for number in range(5):
        make_user(f"extra{number}", "540000", "省级工作人员")
    client.force_login(security_admin)
    client.get("/users/")
    with django_assert_max_num_queries(8):
        response = client.get("/users/")
    assert response.status_code == 200 and "省级工作人员" in response.content.decode()


def test_an_aiding_provinces_paired_areas_are_read_once_a_request(client, zhejiang_staff):
    """The scope filter and the filter form of the needs page both want the paired areas: one query."""
    client.force_login(zhejiang_staff)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/aid/needs/").status_code == 200
    pairing_queries = [q for q in ctx.captured_queries if 'FROM "aid_projects_pairing"' in q["sql"]]
    assert len(pairing_queries) == 1


# --- the navigation menus, rendered once per set of permissions ------------------------------------------
def test_the_menus_follow_the_permissions(client, no_role_user, xizang_staff):
    client.force_login(no_role_user)
    assert 'href="/jobs/"' not in client.get("/").content.decode()
    no_role_user.user_permissions.add(Permission.objects.get(content_type__app_label="portal", codename="view_job"))
    assert 'href="/jobs/"' in client.get("/").content.decode()  # a new set of permissions: a new menu
    other = Client()
    other.force_login(xizang_staff)
    page = other.get("/").content.decode()
    assert 'href="/crackdown/leads/"' in page
    assert 'href="/crackdown/leads/"' not in client.get("/").content.decode()  # not the other user's menu


def test_a_menu_is_rendered_once_per_set_of_permissions(client, xizang_staff, zhejiang_staff, monkeypatch):
    from portal.templatetags import portal_nav

    rendered = []
    original = portal_nav._RENDERED.__class__.__setitem__
    monkeypatch.setattr(portal_nav, "_RENDERED", type("Spy", (dict,), {
        "__setitem__": lambda self, key, value: (rendered.append(key), original(self, key, value))})())
    for user in (xizang_staff, zhejiang_staff, xizang_staff):
        client.force_login(user)
        assert client.get("/crackdown/leads/").status_code == 200
    assert len(rendered) == 1  # the same roles: the same menu


# --- django-tables2: a column's cell attributes once per table (portal.table_cells) -----------------------
def _render(table_class, data):
    import django_tables2 as tables_lib
    from django.test import RequestFactory

    request = RequestFactory().get("/", {"sort": "-name"})
    table = table_class(data)
    tables_lib.RequestConfig(request).configure(table)
    return table.as_html(request)


def test_cell_attributes_are_what_django_tables2_computes():
    import django_tables2 as tables_lib
    from django_tables2.columns.base import BoundColumn

    from portal import table_cells

    class Plain(tables_lib.Table):
        name = tables_lib.Column(attrs={"td": {"class": "text-nowrap"}, "th": {"scope": "col"}})
        code = tables_lib.Column()

        class Meta:
            attrs = {"class": "table"}

    class PerRecord(tables_lib.Table):
        name = tables_lib.Column(attrs={"td": {"data-code": lambda record: record["code"]}})

    data = [{"name": f"机关{n}", "code": f"54{n:04d}"} for n in range(5)]
    assert BoundColumn.attrs.fget is table_cells._attrs  # installed by portal.apps
    ours = (_render(Plain, data), _render(PerRecord, data))
    BoundColumn.attrs = property(table_cells._original_attrs)
    try:
        theirs = (_render(Plain, data), _render(PerRecord, data))
    finally:
        table_cells.install()
    assert ours == theirs
    assert all(f'data-code="54{n:04d}"' in ours[1] for n in range(5))  # callable attrs: still per cell
    assert "desc orderable" in ours[0]  # the header follows the ordering (?sort=-name)


def test_the_access_entry_and_its_version_are_one_round_trip(xizang_staff, monkeypatch):
    """Third pass (i17f): one ``get_many`` per request reads the entry and the version; an entry read under
    another version (a group's or an account's permissions changed since) is read again from the database."""
    from django.core.cache import cache

    from portal import access

    user_access(fresh(xizang_staff))  # the entry, under the current version
    key = access._key(xizang_staff)
    entry = cache.get(key)
    entry["access"] = {"roles": ["只在缓存中的角色"], "perms": []}
    cache.set(key, entry)
    calls = []
    real_get, real_get_many = cache.get, cache.get_many

    def get(*args, **kwargs):
        calls.append("get")
        return real_get(*args, **kwargs)

    def get_many(*args, **kwargs):
        calls.append("get_many")
        return real_get_many(*args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)
    assert fresh(xizang_staff).role_names == ["只在缓存中的角色"]  # the entry of the current version
    assert calls == ["get_many"]
    monkeypatch.undo()
    access.bump_access_version()
    user = fresh(xizang_staff)
    assert user.role_names == ["省级工作人员"] and user.has_perm("crackdown.view_lead")


def test_static_urls_are_the_manifests_and_kept(tmp_path, settings):
    """Third pass (i17f): the production storage answers what whitenoise's answers, from a dict the second time;
    a name the manifest lacks raises every time."""
    import json

    import pytest
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from portal.staticfiles import PortalStaticFilesStorage

    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"paths": {"css/portal.css": "css/portal.abc123.css"}, "version": "1.1", "hash": "x"}))
    ours = PortalStaticFilesStorage(location=tmp_path, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert ours.url("css/portal.css") == theirs.url("css/portal.css") == "/static/css/portal.abc123.css"
    ours.hashed_files = {}  # not read again: the kept URL
    assert ours.url("css/portal.css") == "/static/css/portal.abc123.css"
    for _ in range(2):
        with pytest.raises(ValueError):
            ours.url("css/missing.css")


# --- the session row read by one fixed statement (third pass, i17f) -----------------------------------
def test_the_session_row_is_read_as_django_reads_it(xizang_staff):
    """portal.session_store: the same row under the same conditions as Django's db backend — a live session
    loads, an expired or deleted one gives an empty session and forgets its key."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.utils import timezone

    from portal.session_store import SessionStore

    assert settings.SESSION_ENGINE == "portal.session_store"
    store = SessionStore()
    store["answer"] = 42
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == DjangoStore(key).load() == {"answer": 42}
    with CaptureQueriesContext(connection) as queries:
        SessionStore(key).load()
    assert len(queries) == 1 and queries[0]["sql"].lstrip().startswith("SELECT")

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == DjangoStore(key).load() == {} and expired.session_key is None
    assert SessionStore(None).load() == {}

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert SessionStore(key).load() == {"answer": 42}
    Session.objects.filter(session_key=key).delete()
    gone = SessionStore(key)
    assert gone.load() == {} and gone.session_key is None


def test_an_expired_session_cookie_logs_out(client, xizang_staff):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(xizang_staff)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert logged_out(client.get("/crackdown/leads/"))


# --- the user row read by one fixed statement (third pass, i17f) --------------------------------------
def _values(obj):
    return None if obj is None else {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("code", ["000000", "540000", "540100", None])
def test_the_user_row_is_read_as_the_orm_reads_it(code):
    """portal.access.CachedModelBackend.get_user: the same user, authority and parent as ``User.objects.get``
    (its select_related), in one statement, nothing read later; an inactive or missing account is None."""
    from portal.access import CachedModelBackend
    from tests.factories import make_user

    user = make_user(f"row_{code}", code or "540000", "部级工作人员" if code == "000000" else "省级工作人员")
    if code is None:
        User.objects.filter(pk=user.pk).update(authority=None)
    orm = User.objects.get(pk=user.pk)
    from portal.access import _user_loader

    assert _user_loader() is not None, "the fixed statement, not the ORM's fallback"
    with CaptureQueriesContext(connection) as queries:
        ours = CachedModelBackend().get_user(str(user.pk))
        parent = ours.authority.parent if ours.authority else None
    assert len(queries) == 1
    assert _values(ours) == _values(orm) and _values(ours.authority) == _values(orm.authority)
    assert _values(parent) == _values(orm.authority.parent if orm.authority else None)
    assert ours.get_session_auth_hash() == orm.get_session_auth_hash()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert CachedModelBackend().get_user(str(user.pk)) is None
    assert CachedModelBackend().get_user("999999999") is None


# --- the session's TOTP device read by one fixed statement (third pass, i17f) -------------------------
def test_the_otp_device_is_read_as_django_otp_reads_it(client, ministry_staff):
    from django_otp.models import Device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.otp_middleware import OTPMiddleware, _totp_loader

    assert "portal.otp_middleware.OTPMiddleware" in settings.MIDDLEWARE
    client.force_login(ministry_staff)  # password and TOTP (tests/conftest.py)
    device = TOTPDevice.objects.get(user=ministry_staff, confirmed=True)
    assert _totp_loader() is not None, "the fixed statement, not django-otp's query"
    middleware_ = OTPMiddleware(lambda request: None)
    with CaptureQueriesContext(connection) as queries:
        ours = middleware_._device_from_persistent_id(device.persistent_id)
    assert len(queries) == 1
    assert _values(ours) == _values(Device.from_persistent_id(device.persistent_id))
    assert middleware_._device_from_persistent_id("otp_totp.totpdevice/999999999") is None
    assert middleware_._device_from_persistent_id("otp_totp.totpdevice/x") is None

    assert client.get("/crackdown/leads/").status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)  # no longer a confirmed device
    response = client.get("/crackdown/leads/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    response = client.get("/crackdown/leads/")  # the session's verification was dropped: it stays so
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")

    other = Client()
    other.force_login(ministry_staff)
    assert other.get("/crackdown/leads/").status_code == 200
    TOTPDevice.objects.filter(user=ministry_staff).delete()  # the device removed (安全管理员 reset)
    response = other.get("/crackdown/leads/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")


def test_the_cache_reuses_one_redis_client():
    """Django's Redis cache built a new ``redis.Redis`` (170 callbacks) for every call; one serves them all,
    and it still answers after a failed call (the pool, not the client, holds the connections)."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("one-client-probe", 1, 30)
    assert cache.get("one-client-probe") == 1
    assert cache._cache.get_client() is client


def test_the_wsgi_worker_settles_its_garbage_collector():
    """A gunicorn worker loads ``portal.wsgi``: the loaded application is frozen out of the collector's
    passes and the young generation is collected after 50,000 allocations (issue 17)."""
    import ast
    import os
    import subprocess
    import sys

    code = ("import gc, portal.wsgi as w; import sys; "
            "sys.stdout.write(repr((gc.get_threshold(), gc.get_freeze_count() > 10000, "
            "'crackdown.views' in sys.modules, w.GC_THRESHOLDS)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
                         cwd=settings.BASE_DIR).stdout
    thresholds, frozen, views_loaded, wanted = ast.literal_eval(out)
    assert thresholds == wanted == (50_000, 20, 100)
    assert frozen and views_loaded


def test_a_tables_columns_are_its_own_and_copied_one_level_deep():
    """A table copies its class's columns (django-tables2 deep-copied them): hiding a column, setting an
    accessor or editing attrs in one table reaches neither the class nor another table; the unchanging
    parts (accessor strings, link helpers) are shared, not copied again for every page (issue 17)."""
    from crackdown.tables import LeadTable

    first, second = LeadTable([]), LeadTable([])
    name = next(iter(LeadTable.base_columns))
    assert first.columns[name].column is not second.columns[name].column
    assert first.columns[name].column is not LeadTable.base_columns[name]
    first.columns.hide(name)
    assert not first.columns[name].visible and second.columns[name].visible
    assert LeadTable([]).columns[name].visible and LeadTable.base_columns[name].visible
    first.columns[name].column.attrs.setdefault("td", {})["class"] = "changed-here"
    assert "changed-here" not in str(LeadTable.base_columns[name].attrs)
    assert "changed-here" not in str(second.columns[name].column.attrs)
    for base in LeadTable.base_columns.values():
        copied = next(bound.column for bound in LeadTable([]).columns.iterall() if bound.name == base_name(base))
        assert copied is not base  # copied, what it holds shared
        assert base.accessor is None or copied.accessor is base.accessor
        assert getattr(copied, "link", None) is getattr(base, "link", None)


def base_name(column):
    from crackdown.tables import LeadTable

    return next(name for name, candidate in LeadTable.base_columns.items() if candidate is column)


def test_an_empty_table_builds_no_query_for_its_empty_page(rf, xizang_staff, monkeypatch):
    """A paginated table with no rows (Django's paginator: a list's items on its detail page) counts them (one
    COUNT) and writes its empty text; the empty page's SELECT was built too, for the rows and the pagination,
    only to be found empty (Django compiles it whole before it sees LIMIT 0).  The list pages' own paginator
    (``ListPaginator``) reads a short first page instead of counting (tests/portal/test_list_paginator.py)."""
    from django.db.models.sql.compiler import SQLCompiler
    from django.template import Context
    from django_tables2 import RequestConfig

    from crackdown.models import Lead
    from crackdown.tables import LeadTable
    from portal import table_render

    built = []
    original = SQLCompiler.pre_sql_setup

    def counting(self, *args, **kwargs):
        if self.query.model is Lead:
            built.append(self.query)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "pre_sql_setup", counting)
    request = rf.get("/crackdown/leads/")
    request.user = xizang_staff
    table = LeadTable(Lead.objects.filter(org_name="没有这个组织"))
    table.empty_text = "没有符合条件的记录"
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = Context({"request": request, "table": table})
    html = table_render.render_tbody(table, context) + table_render.render_pagination(table, context)
    assert "没有符合条件的记录" in html and "pagination" not in html
    assert len(built) == 1  # the COUNT

def test_the_job_list_reads_only_its_cells(client, ministry_staff):
    """The 后台任务 list selects its table's columns — not a job's parameters, errors or message, which can
    be long — and a job costs no query of its own: one job and four cost the same."""
    from portal.models import Authority, Job, JobStatus
    from tests.conftest import verify_second_factor

    ministry = Authority.objects.get(code="000000")
    hebei = Authority.objects.get(code="130000")

    def job(n, authority):
        return Job.objects.create(kind="reference_integrity", title=f"核对任务{n}", status=JobStatus.RUNNING,
                                  total=8, done=n, authority=authority, created_by=ministry_staff,
                                  errors=[{"row": i, "message": "很长的错误说明" * 20} for i in range(200)])

    client.force_login(ministry_staff)
    verify_second_factor(client, ministry_staff)
    job(1, ministry)
    client.get("/jobs/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/jobs/").status_code == 200
    for n in range(2, 5):
        job(n, hebei if n % 2 else ministry)
    with CaptureQueriesContext(connection) as four:
        page = client.get("/jobs/").content.decode()
    assert len(four.captured_queries) == len(one.captured_queries)
    assert "核对任务4" in page and "50%" in page and "河北省" in page and str(ministry_staff) in page
    rows = next(q["sql"] for q in four.captured_queries if q["sql"].startswith('SELECT "portal_job"."id"'))
    assert '"portal_job"."errors"' not in rows.split(" FROM ")[0]
