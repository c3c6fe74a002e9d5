"""Generate realistic organizations for benchmarks (1,000,000 by default), with COPY.

    python manage.py generate_organizations --count 1000000

With ``--rebuild-indexes`` (the default above 100,000 rows) the register's search and sort indexes are
dropped before loading and built afterwards, each timed; their sizes are printed at the end.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from registry.generator import copy_organizations, organization_rows
from registry.models import Organization

SEARCH_INDEXES = ("organization_bigrams", "organization_key_trgm", "organization_name_id", "organization_registered_id",
                  "organization_province_name_id")


class Command(BaseCommand):
    help = "生成大量逼真的社会组织数据（基准测试用），默认 1,000,000 个"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=20251)
        parser.add_argument("--batch", type=int, default=100_000)
        parser.add_argument("--rebuild-indexes", action="store_true", default=None)
        parser.add_argument("--keep-indexes", dest="rebuild_indexes", action="store_false")

    def handle(self, *, count, seed, batch, rebuild_indexes, **options):
        rebuild = rebuild_indexes if rebuild_indexes is not None else count >= 100_000
        indexes = [i for i in Organization._meta.indexes if i.name in SEARCH_INDEXES]
        start = Organization.objects.count()
        began = time.monotonic()
        if rebuild:
            with connection.schema_editor() as editor:
                for index in indexes:
                    editor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        done = 0
        while done < count:
            n = min(batch, count - done)
            with transaction.atomic():
                copy_organizations(organization_rows(n, seed=seed + start + done, start=start + done))
            done += n
            self.stdout.write(f"已写入 {done:,} / {count:,}（{time.monotonic() - began:.0f} 秒）")
        loaded = time.monotonic() - began
        timings = {}
        if rebuild:
            for index in indexes:
                t0 = time.monotonic()
                with connection.schema_editor() as editor:
                    editor.add_index(Organization, index)
                timings[index.name] = time.monotonic() - t0
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_organization") if not connection.in_atomic_block else None
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('registry_organization'))")
            table = cursor.fetchone()[0]
            sizes = {}
            for index in indexes:
                cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s::regclass))", [index.name])
                sizes[index.name] = cursor.fetchone()[0]
        self.stdout.write(f"写入 {count:,} 个社会组织：{loaded:.0f} 秒；表 {table}")
        for index in indexes:
            built = f"，建索引 {timings[index.name]:.1f} 秒" if index.name in timings else ""
            self.stdout.write(f"  索引 {index.name}：{sizes[index.name]}{built}")
