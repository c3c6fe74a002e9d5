"""What the kept pages' notes cost a writer (issue 17, portal/page_cache.py).

    .venv/bin/python -m bench write_notes [--rows 10000] [--database bench_write_notes] [--runs 3]

Every table carries a statement trigger that notes (table, transaction id) in ``portal_datagen`` once per
table and transaction.  In a database of its own (created and migrated on the portal's server) two tables
alike, one with the trigger and one without, take the same statements; printed per statement (median of
``--runs``, wall, this client's round trips included):

- ``--rows`` single-row INSERTs in one transaction (an import: the first notes, the rest find the flag set);
- ``--rows // 5`` single-row INSERTs each in its own transaction (a clerk's saves: each writes a note);
- ``--rows // 5`` single-row UPDATEs each in its own transaction (each changes a row);
- one INSERT … SELECT of ``--rows`` rows (a bulk statement: one note for all).

The note is per statement: a statement that changes no row notes its transaction too (an UPDATE matching
nothing, in a transaction of its own, then commits a transaction id, about a WAL flush more).
"""

from __future__ import annotations

import argparse
import statistics
import time

SETUP = """
DROP TABLE IF EXISTS bench_noted, bench_plain;
CREATE TABLE bench_noted (id serial PRIMARY KEY, name text NOT NULL, amount integer NOT NULL DEFAULT 0);
CREATE TABLE bench_plain (id serial PRIMARY KEY, name text NOT NULL, amount integer NOT NULL DEFAULT 0);
"""


def _per_statement(cursor, connection, table: str, kind: str, rows: int) -> float:
    cursor.execute(f"SELECT min(id) FROM {table}")
    first = cursor.fetchone()[0] or 1
    started = time.perf_counter()
    if kind == "import":
        with connection.transaction():
            for i in range(rows):
                cursor.execute(f"INSERT INTO {table} (name) VALUES (%s)", [f"组织{i}"])
        count = rows
    elif kind == "saves":
        for i in range(rows // 5):
            cursor.execute(f"INSERT INTO {table} (name) VALUES (%s)", [f"组织{i}"])
        count = rows // 5
    elif kind == "updates":
        for i in range(rows // 5):
            cursor.execute(f"UPDATE {table} SET amount = amount + 1 WHERE id = %s", [first + i])
        count = rows // 5
    else:
        cursor.execute(f"INSERT INTO {table} (name) SELECT '组织' || g FROM generate_series(1, %s) g", [rows])
        count = 1
    return (time.perf_counter() - started) * 1e6 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="bench_write_notes")
    args = parser.parse_args()
    from bench.aid_national import setup_django

    setup_django(args.database)
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"],
                         dbname=db["NAME"], autocommit=True) as connection:
        cursor = connection.cursor()
        cursor.execute(SETUP)
        from portal.page_cache import trigger_sql

        cursor.execute(trigger_sql("bench_noted"))  # the portal's own trigger, as install_triggers puts it
        print(f"每条语句的耗时（微秒，{args.runs} 次的中位数；有触发器 / 无触发器）")
        titles = {"import": f"{args.rows:,} 条 INSERT，同一事务",
                  "saves": f"{args.rows // 5:,} 条 INSERT，各自一个事务",
                  "updates": f"{args.rows // 5:,} 条 UPDATE，各自一个事务",
                  "bulk": f"一条 INSERT … SELECT {args.rows:,} 行"}
        for kind, title in titles.items():
            noted, plain = [], []
            for _ in range(args.runs):  # alternated, so a slower moment of the host falls on both
                noted.append(_per_statement(cursor, connection, "bench_noted", kind, args.rows))
                plain.append(_per_statement(cursor, connection, "bench_plain", kind, args.rows))
            a, b = statistics.median(noted), statistics.median(plain)
            print(f"  {title:32s} {a:9.1f} / {b:9.1f}  (+{a - b:.1f} µs, {100 * (a - b) / b:+.0f} %)")
        cursor.execute("DROP TABLE bench_noted, bench_plain")
        cursor.execute("DELETE FROM portal_datagen WHERE tbl LIKE 'bench_%%'")


if __name__ == "__main__":
    main()
