"""Issue 17: a page kept per user is served again only while nothing it was read from has changed
(portal/page_cache.py) — any write, by any process, in any way, is seen at the next request.

These tests commit (``transaction=True``): a page read inside a transaction is never kept, which is what
every other test of the suite runs in.
"""

from datetime import date

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory

from crackdown.models import Lead
from portal import page_cache
from portal.models import Authority, Job
from tests.factories import ensure_reference, make_user

pytestmark = pytest.mark.django_db(transaction=True)

LEADS = "/crackdown/leads/"


@pytest.fixture
def staff():
    ensure_reference()
    return make_user("kept_xz", "540000", "省级工作人员")


@pytest.fixture
def browser(staff):
    client = Client()
    client.force_login(staff)
    return client


def lead(staff, name: str) -> Lead:
    return Lead.objects.create(number=f"T-{name}", source="patrol", org_name=name, authority=staff.authority,
                               received_on=date(2026, 11, 2))


def page(client, path=LEADS):
    response = client.get(path)
    assert response.status_code == 200
    return response


def kept(response) -> bool:
    return getattr(response, "kept_page", False)


def other_connection():
    """A second PostgreSQL session, not Django's: another process's write."""
    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"],
                           password=db["PASSWORD"], dbname=connection.settings_dict["NAME"], autocommit=True)


def test_the_second_request_is_served_kept_and_the_same(browser, staff):
    lead(staff, "甲协会")
    first = page(browser)
    assert not kept(first) and "甲协会" in first.content.decode()
    second = page(browser)
    assert kept(second)
    assert second["Content-Type"] == first["Content-Type"]
    # the same bytes but for the CSRF token, which is fresh in every response (its own mask, same secret)
    tokens = page_cache._masked_tokens(second.wsgi_request, second.content)
    assert tokens and not set(tokens) & set(page_cache._masked_tokens(first.wsgi_request, first.content))
    secret = second.wsgi_request.META["CSRF_COOKIE"]
    assert {_unmask_cipher_token(t.decode()) for t in tokens} == {secret}
    token = tokens[0]
    assert second.content.replace(token, b"T") == first.content.replace(
        page_cache._masked_tokens(first.wsgi_request, first.content)[0], b"T")
    assert second["Cache-Control"] == first["Cache-Control"]  # the middleware's headers as on any page
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.parametrize("write", ["save", "update", "bulk_create", "delete", "raw SQL from another session"])
def test_every_kind_of_write_is_seen_at_the_next_request(browser, staff, write):
    existing = lead(staff, "乙协会")
    page(browser)
    assert kept(page(browser))
    if write == "save":
        existing.org_name = "乙协会（更名）"
        existing.save()
        expected = "乙协会（更名）"
    elif write == "update":  # no signal
        Lead.objects.filter(pk=existing.pk).update(org_name="乙协会（批量）")
        expected = "乙协会（批量）"
    elif write == "bulk_create":  # no signal
        Lead.objects.bulk_create([Lead(number="T-丙", source="patrol", org_name="丙协会", authority=staff.authority,
                                       received_on=date(2026, 11, 3))])
        expected = "丙协会"
    elif write == "delete":
        Lead.objects.filter(pk=existing.pk)._raw_delete("default")  # no signal, no cascade collector
        expected = None
    else:
        with other_connection() as other:
            other.execute("UPDATE crackdown_lead SET org_name = '乙协会（外部）' WHERE id = %s", [existing.pk])
        expected = "乙协会（外部）"
    after = page(browser)
    assert not kept(after)
    text = after.content.decode()
    if expected is None:
        assert "乙协会" not in text
    else:
        assert expected in text
    assert kept(page(browser))  # and kept again until the next write


def test_a_write_committed_while_the_page_was_read_is_not_missed(browser, staff):
    """The race: another transaction writes, the page is read without its row and kept, then it commits."""
    lead(staff, "丁协会")
    with other_connection() as other:
        other.autocommit = False
        other.execute("UPDATE crackdown_lead SET org_name = '丁协会（未提交）' WHERE number = 'T-丁协会'")
        during = page(browser)
        assert "丁协会（未提交）" not in during.content.decode()
        assert kept(page(browser))  # nothing committed yet: the kept page is right
        other.commit()
    after = page(browser)
    assert not kept(after) and "丁协会（未提交）" in after.content.decode()


def test_a_write_to_a_table_the_page_did_not_read_keeps_it(browser, staff):
    page(browser)
    Job.objects.create(kind="reference_integrity", authority=staff.authority)
    assert kept(page(browser))


def test_each_user_has_their_own_pages(browser, staff):
    lead(staff, "戊协会")
    page(browser)
    assert kept(page(browser))
    other = Client()
    other.force_login(make_user("kept_zj", "330000", "省级工作人员"))
    response = page(other)
    assert not kept(response) and "戊协会" not in response.content.decode()  # 浙江 never sees 西藏's page


def test_a_change_of_roles_is_seen_at_once(browser, staff):
    page(browser)
    assert kept(page(browser))
    staff.groups.set([Group.objects.get(name="联络员")])
    response = browser.get(LEADS)  # a change of roles ends the account's sessions (portal.access)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    staff.refresh_from_db()
    browser.force_login(staff)
    assert browser.get(LEADS).status_code == 403  # the permission check comes before any kept page
    staff.groups.set([Group.objects.get(name="省级工作人员")])
    staff.refresh_from_db()
    browser.force_login(staff)
    assert not kept(page(browser))  # a new stamp, new permissions: a new key


def test_deactivation_and_logout_end_the_session_before_any_kept_page(browser, staff):
    page(browser)
    assert kept(page(browser))
    browser.post("/accounts/logout/")
    assert browser.get(LEADS).status_code == 302
    browser.force_login(staff)
    page(browser)
    staff.is_active = False
    staff.save()
    response = browser.get(LEADS)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_renamed_authority_is_seen_through_the_kept_reference_rows(browser, staff):
    page(browser)
    assert kept(page(browser))
    authority = Authority.objects.get(code="540000")
    authority.name = "西藏自治区（测试）"
    authority.save()
    try:
        response = page(browser)
        assert not kept(response)
    finally:
        authority.name = "西藏自治区"
        authority.save()


def test_a_page_with_a_message_is_rendered_and_shows_it(browser, staff):
    page(browser)
    assert kept(page(browser))
    storage = CookieStorage(RequestFactory().get("/"))  # what a write's redirect leaves for the next page
    storage.add(constants.SUCCESS, "已保存")
    carrier = HttpResponse()
    storage.update(carrier)
    browser.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    response = page(browser)
    assert not kept(response) and "已保存" in response.content.decode()
    assert kept(page(browser))  # shown once, then the kept page again


def test_nothing_is_kept_inside_a_transaction_or_for_an_export(browser, staff):
    with transaction.atomic():
        page(browser)
        assert not kept(page(browser))
    page(browser, LEADS + "?export=xlsx")
    assert not kept(browser.get(LEADS + "?export=xlsx"))


def test_kept_pages_can_be_switched_off(browser, settings):
    settings.KEPT_PAGES = False
    page(browser)
    assert not kept(page(browser))


def test_the_query_string_and_htmx_are_part_of_the_key(browser, staff):
    lead(staff, "己协会")
    page(browser)
    assert not kept(page(browser, LEADS + "?org_name=己"))
    assert kept(page(browser, LEADS + "?org_name=己"))
    assert not kept(browser.get(LEADS, HTTP_HX_REQUEST="true"))


def test_the_home_page_counts_by_the_minute(browser, monkeypatch):
    page(browser, "/")
    assert kept(page(browser, "/"))
    now = page_cache.time.time()
    monkeypatch.setattr(page_cache.time, "time", lambda: now + 61)
    assert not kept(page(browser, "/"))


def test_every_table_of_the_portal_has_the_noting_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = %s", [page_cache.TRIGGER])
        covered = {name for (name,) in cursor.fetchall()}
    assert page_cache.tracked_tables() <= covered
    assert {"crackdown_lead", "portal_user_groups", "portal_authority", "auth_group_permissions"} <= covered


def test_a_new_table_gets_the_trigger_at_the_next_migrate():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_kept_new (id int)")
        try:
            assert page_cache.install_triggers() == ["test_kept_new"]
            assert page_cache.install_triggers() == []
        finally:
            cursor.execute("DROP TABLE test_kept_new")


def test_one_note_per_table_and_transaction_and_none_for_a_rolled_back_one(staff):
    def notes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM portal_datagen WHERE tbl = 'crackdown_lead'")
            return cursor.fetchone()[0]

    before = notes()
    with transaction.atomic():
        for name in ("庚一", "庚二", "庚三"):
            lead(staff, name)
    assert notes() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        lead(staff, "辛")
        raise RuntimeError
    assert notes() == before + 1


def test_pruning_drops_old_notes_and_pages_kept_before_them(browser, staff):
    lead(staff, "壬协会")
    page(browser)
    assert kept(page(browser))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_datagen SET at = at - interval '2 hours'")
    assert page_cache.prune_notes() > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM portal_datagen WHERE at < now() - interval '1 hour'")
        assert cursor.fetchone()[0] == 0
    # the kept page's snapshot came before the newest pruned note's transaction finished: read afresh
    assert not kept(page(browser))
    assert kept(page(browser))


def test_a_rendering_that_writes_is_not_kept():
    reads = page_cache._Reads()
    reads.statements = ['SELECT "crackdown_lead"."id" FROM "crackdown_lead"', "SELECT 1 FROM portal_authority",
                        'DECLARE "_django_curs_1" NO SCROLL CURSOR WITH HOLD FOR SELECT 1', 'FETCH FORWARD 100 FROM x',
                        'WITH t AS (SELECT 1) SELECT * FROM t']
    assert not reads.wrote() and reads.tables() == ("crackdown_lead", "portal_authority")
    for write in ('  update "crackdown_lead" SET x = 1', "WITH gone AS (DELETE FROM t RETURNING id) SELECT 1",
                  'SELECT "id" FROM "crackdown_lead" FOR UPDATE', "SELECT nextval('s')", 'SAVEPOINT "s1"',
                  "INSERT INTO portal_auditentry DEFAULT VALUES"):
        reads.statements = ["SELECT 1", write]
        assert reads.wrote(), write


def test_an_api_list_is_kept_after_the_throttle_and_in_its_format(browser, staff):
    lead(staff, "癸协会")
    api = "/api/crackdown/leads/"
    first = browser.get(api)
    assert first.status_code == 200 and not kept(first)
    second = browser.get(api)
    assert kept(second) and second.json() == first.json() and second["Content-Type"] == first["Content-Type"]
    assert "癸协会" in {row["org_name"] for row in second.json()["results"]}
    html = browser.get(api, HTTP_ACCEPT="text/html")  # the browsable API: its own entry
    assert not kept(html) and html["Content-Type"].startswith("text/html")
    Lead.objects.filter(org_name="癸协会").update(org_name="癸协会（改）")
    after = browser.get(api)
    assert not kept(after) and "癸协会（改）" in {row["org_name"] for row in after.json()["results"]}


def test_the_api_throttle_counts_kept_responses(browser, staff, monkeypatch):
    from portal.api import throttling

    calls = []
    original = throttling.UserThrottle.allow_request

    def counted(self, request, view):
        calls.append(request.path)
        return original(self, request, view)

    monkeypatch.setattr(throttling.UserThrottle, "allow_request", counted)
    browser.get("/api/crackdown/leads/")
    assert kept(browser.get("/api/crackdown/leads/"))
    assert len(calls) == 2  # DRF's initial() (authentication, permissions, throttles) runs before the kept list


def test_what_the_cache_holds_is_encrypted(browser, staff):
    from django.core.cache import cache

    lead(staff, "子协会")
    first = page(browser)
    entry = cache.get(page_cache.page_key(first.wsgi_request))
    assert entry is not None
    held = repr(entry).encode()
    assert "子协会".encode() not in held and b"crackdown_lead" in held  # the tables are not secret, the page is
    import zlib
    assert "子协会".encode() in zlib.decompress(page_cache.decrypt_bytes(entry["content"]))


def test_forget_all_and_a_cleared_cache_serve_nothing_kept(browser, staff):
    from django.core.cache import cache

    page(browser)
    assert kept(page(browser))
    page_cache.forget_all()
    assert not kept(page(browser))
    assert kept(page(browser))
    cache.delete(page_cache.EPOCH_KEY)  # evicted, or the cache cleared
    assert not kept(page(browser))


def test_a_missing_mark_serves_nothing_kept_until_the_next_prune(browser, staff):
    page(browser)
    assert kept(page(browser))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_datagen_mark")
    try:
        assert not kept(page(browser))
        page_cache.prune_notes()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM portal_datagen_mark")
            assert cursor.fetchone()[0] == 1
        page(browser)
        assert kept(page(browser))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO portal_datagen_mark (id, xid) VALUES (1, '0') ON CONFLICT DO NOTHING")
