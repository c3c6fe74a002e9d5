"""Which transactions wrote to which table: the record the kept pages are checked against (issue 17).

Every table of the portal gets a statement trigger (installed by ``portal.page_cache.install_triggers``
after every ``migrate``) that notes (table, the writing transaction's id) once per transaction.  Only
inserts: no writer ever waits for another, and the note becomes visible with the write it notes, at
the commit.  A kept page holds the snapshot it was read under; it may be served again only while no
note of its tables is visible now that was not visible in that snapshot (portal/page_cache.py).
``portal_datagen_mark`` is the oldest snapshot a kept page may hold: notes older than it are pruned.
"""

from django.db import migrations

FORWARD = """
CREATE TABLE portal_datagen (
    tbl text NOT NULL,
    xid xid8 NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tbl, xid)
);
CREATE TABLE portal_datagen_mark (
    id integer PRIMARY KEY CHECK (id = 1),
    xid xid8 NOT NULL
);
INSERT INTO portal_datagen_mark (id, xid) VALUES (1, '0');

-- Once per table and transaction (a transaction-local flag; a rolled-back savepoint takes the flag
-- and the note back together).  Runs as the writer, who holds INSERT on every table (portal.db_roles).
CREATE OR REPLACE FUNCTION portal_datagen_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('portal.datagen_' || TG_TABLE_NAME, true) IS DISTINCT FROM '1' THEN
        INSERT INTO portal_datagen (tbl, xid) VALUES (TG_TABLE_NAME, pg_current_xact_id())
            ON CONFLICT DO NOTHING;
        PERFORM set_config('portal.datagen_' || TG_TABLE_NAME, '1', true);
    END IF;
    RETURN NULL;
END;
$$;
"""

BACKWARD = """
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT event_object_table AS name FROM information_schema.triggers
             WHERE trigger_name = 'portal_datagen' GROUP BY event_object_table LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS portal_datagen ON %I', t.name);
    END LOOP;
END $$;
DROP FUNCTION IF EXISTS portal_datagen_note();
DROP TABLE IF EXISTS portal_datagen_mark;
DROP TABLE IF EXISTS portal_datagen;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0008_audit_rate_limited'),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
