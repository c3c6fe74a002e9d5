"""Least privilege in the database (issue 8 point 7).

The suite itself runs as the owner role (it creates and migrates its database); these tests open a
second connection to the same test database as the app role the web server, worker and beat use,
and show what that role cannot do.
"""

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_db():
    if not settings.DATABASE_APP_ROLE:
        pytest.skip("DATABASE_URL 由外部给出且未设 DATABASE_APP_ROLE：没有单独的应用角色可查")
    app = dj_database_url.parse(settings.DATABASE_URL)
    conn = psycopg.connect(host=app["HOST"], port=app["PORT"] or None, user=app["USER"],
                           password=app["PASSWORD"] or None, dbname=connection.settings_dict["NAME"])
    yield conn
    conn.close()


def refused(conn, sql, params=None):
    """Run ``sql`` as the app role; True when PostgreSQL refuses it for want of privilege."""
    try:
        with conn.transaction():
            conn.execute(sql, params)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_the_app_role_is_neither_superuser_nor_owner(app_db):
    user, superuser = app_db.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
                                     ).fetchone()
    assert user == settings.DATABASE_APP_ROLE and superuser is False
    owned = app_db.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user").fetchone()[0]
    assert owned == 0
    assert connection.settings_dict["USER"] != user  # the suite (and migrate) run as the owner


def test_the_app_role_cannot_touch_audit_rows(app_db):
    for sql in ("UPDATE portal_auditentry SET note = 'x'", "DELETE FROM portal_auditentry",
                "TRUNCATE portal_auditentry"):
        assert refused(app_db, sql), sql


def test_the_app_role_cannot_switch_the_audit_trigger_off(app_db):
    assert refused(app_db, "ALTER TABLE portal_auditentry DISABLE TRIGGER portal_auditentry_no_update_delete")
    assert refused(app_db, "ALTER TABLE portal_auditentry DISABLE TRIGGER ALL")
    assert refused(app_db, "SET session_replication_role = replica")
    assert refused(app_db, "DROP TABLE portal_auditentry")
    assert refused(app_db, "CREATE TABLE intruder (id int)")


def test_the_app_role_appends_and_reads_the_audit_log_and_works_the_other_tables(app_db):
    with app_db.transaction(force_rollback=True):
        app_db.execute("INSERT INTO portal_auditentry (time, username, request_id, action, object_id, object_repr, "
                       "note, prev_hash, hash) VALUES (now(), 'app', '', 'login', '', '', '', '', '')")
        assert app_db.execute("SELECT count(*) FROM portal_auditentry").fetchone()[0] >= 1
        app_db.execute("UPDATE crackdown_lead SET org_name = org_name")
        app_db.execute("DELETE FROM django_session")
    # the purge is reached only through the owner's function, which refuses less than 183 days
    with pytest.raises(errors.InsufficientPrivilege), app_db.transaction():
        app_db.execute("SELECT portal_audit_purge(30)")


def test_the_app_roles_writes_are_noted_and_it_cannot_switch_the_notes_off(app_db):
    """The kept pages' notes (portal/page_cache.py): the app role's own writes note their transaction, the
    beat's prune runs as the app role, and the noting trigger stays on."""
    with app_db.transaction():
        app_db.execute("INSERT INTO portal_datagen_mark (id, xid) VALUES (1, '0') ON CONFLICT DO NOTHING")
        app_db.execute("UPDATE crackdown_namerule SET id = id WHERE false")
        xid = app_db.execute("SELECT pg_current_xact_id()").fetchone()[0]
        noted = app_db.execute("SELECT count(*) FROM portal_datagen WHERE tbl = 'crackdown_namerule' AND xid = %s",
                               [xid]).fetchone()[0]
    assert noted == 1  # even a statement that changed no row: the note is per statement, never missed
    app_db.execute("DELETE FROM portal_datagen WHERE at < now() - interval '1 hour'")  # the prune's delete
    app_db.commit()
    assert refused(app_db, "ALTER TABLE crackdown_lead DISABLE TRIGGER portal_datagen")
    assert refused(app_db, "DROP TRIGGER portal_datagen ON crackdown_lead")
