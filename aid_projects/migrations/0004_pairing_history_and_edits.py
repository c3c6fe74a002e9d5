"""Pairing rows get a stable table key (what a reload matches on) and who/when edited them in the browser.

Rows already loaded from the table get their key here, the same way aid_projects/reference.py computes
it; rows a user created in the browser get none (a reload never touches them).  Who last edited a row
in the browser is taken from the audit log, so edits made before this migration are protected too.
"""

import django.db.models.deletion
from django.conf import settings
import re
from collections import Counter

from django.db import migrations, models


def _area_part(pairing) -> str:
    if pairing.recipient_area_id:
        return pairing.recipient_area.code
    return re.sub(r"[（(].*?[)）]", "", pairing.recipient_area_label).strip()


def backfill(apps, schema_editor):
    Pairing = apps.get_model("aid_projects", "Pairing")
    AuditEntry = apps.get_model("portal", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="aid_projects", model="pairing").first()
    by_users = {}
    if content_type is not None:
        for entry in (AuditEntry.objects.filter(content_type=content_type, user_id__isnull=False,
                                                action__in=["create", "update"]).order_by("time", "id")):
            by_users[entry.object_id] = entry  # the latest one wins
    created_in_browser = set() if content_type is None else set(AuditEntry.objects.filter(
        content_type=content_type, user_id__isnull=False, action="create").values_list("object_id", flat=True))
    seen = Counter()
    for pairing in Pairing.objects.select_related("aiding_authority", "recipient_province", "recipient_area") \
            .order_by("id"):
        entry = by_users.get(str(pairing.pk))
        if entry is not None:
            pairing.edited_by_id, pairing.edited_at = entry.user_id, entry.time
        if str(pairing.pk) not in created_in_browser and pairing.aiding_unit_label:
            key = "|".join([pairing.program, pairing.aiding_authority.code, pairing.recipient_province.code,
                            _area_part(pairing)])
            seen[key] += 1
            pairing.table_key = key if seen[key] == 1 else f"{key}#{seen[key]}"
        pairing.save(update_fields=["table_key", "edited_by", "edited_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('aid_projects', '0003_aidlist_aiditem_campaign_aidlist_campaign_liaison_and_more'),
        ('portal', '0002_audit_append_only'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='pairing',
            name='pairing_unique_source_line',
        ),
        migrations.AddField(
            model_name='pairing',
            name='edited_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='页面修改时间'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='edited_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='页面修改人'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='table_key',
            field=models.CharField(blank=True, editable=False, help_text='从对口支援关系表载入的行；页面上新增的行为空', max_length=100, verbose_name='关系表行标识'),
        ),
        migrations.AddConstraint(
            model_name='pairing',
            constraint=models.UniqueConstraint(condition=models.Q(('table_key', ''), _negated=True), fields=('table_key',), name='pairing_unique_table_key'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
