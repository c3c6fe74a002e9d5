"""Re-encrypt every encrypted personal-data column with the newest key (the first of PORTAL_FIELD_KEYS).

Rotation: put the new key first in PORTAL_FIELD_KEYS (keep the old ones after it), restart, run this
command, then drop the old keys.  Each row is rewritten in one transaction per table; the run is
audited with the number of values per table.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from portal import crypto
from portal.audit import record_change
from portal.models import AuditAction

BATCH = 500


def rotate_model(model) -> int:
    """Rewrite one model's encrypted columns under the newest key; returns the values rewritten."""
    fields = crypto.encrypted_fields(model)
    if not fields:
        return 0
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    columns = [qn(f.column) for f in fields]
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table} ORDER BY {pk} FOR UPDATE")
        rows = cursor.fetchall()
        assignments = ", ".join(f"{c} = %s" for c in columns)
        for start in range(0, len(rows), BATCH):
            params = []
            for row in rows[start:start + BATCH]:
                values = [crypto.rotate(v) if v else v for v in row[1:]]
                done += sum(1 for v in row[1:] if v)
                params.append([*values, row[0]])
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", params)
    return done


class Command(BaseCommand):
    help = "用 PORTAL_FIELD_KEYS 中的第一个（最新）密钥重新加密全部个人信息字段（密钥轮换），并记入审计日志。"

    def handle(self, *args, **options):
        counts = {}
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            if crypto.encrypted_fields(model):
                counts[model._meta.label] = rotate_model(model)
        summary = "；".join(f"{label} {n} 项" for label, n in counts.items())
        record_change(actor=None, action=AuditAction.UPDATE, username="manage.py",
                      note=f"个人信息密钥轮换：已用最新密钥重新加密（{summary}）")
        for label, n in counts.items():
            self.stdout.write(f"{label}：{n} 项已重新加密")
        self.stdout.write("完成。确认无误后可从 PORTAL_FIELD_KEYS 中删除旧密钥。")
