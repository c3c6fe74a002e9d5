"""Statistics without joins over every lead or case: a check batch keeps its lead count, and a
website shut or a linked party keeps its case's authority (bench/crackdown_lists.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    CheckBatch = apps.get_model("crackdown", "CheckBatch")
    Lead = apps.get_model("crackdown", "Lead")
    counts = Lead.objects.filter(batch=OuterRef("pk")).order_by().values("batch").annotate(n=Count("id")).values("n")
    CheckBatch.objects.update(lead_count=Coalesce(Subquery(counts), 0))
    Case = apps.get_model("crackdown", "Case")
    for name in ("WebsiteShutdown", "LinkedParty"):
        model = apps.get_model("crackdown", name)
        model.objects.update(authority=Subquery(Case.objects.filter(pk=OuterRef("case")).values("authority")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('crackdown', '0001_initial'),
        ('portal', '0002_audit_append_only'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='crackdown_case_outcome',
        ),
        migrations.AddField(
            model_name='checkbatch',
            name='lead_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='线索数'),
        ),
        migrations.AddField(
            model_name='linkedparty',
            name='authority',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.authority', verbose_name='承办机关'),
        ),
        migrations.AddField(
            model_name='websiteshutdown',
            name='authority',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.authority', verbose_name='承办机关'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='linkedparty',
            name='authority',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.authority', verbose_name='承办机关'),
        ),
        migrations.AlterField(
            model_name='websiteshutdown',
            name='authority',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.authority', verbose_name='承办机关'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('outcome_date__isnull', False)), fields=['outcome_date'], include=('authority', 'outcome', 'cases_solved', 'suspects_caught'), name='crackdown_case_outcome_stats'),
        ),
        migrations.AddIndex(
            model_name='checkbatch',
            index=models.Index(fields=['checked_on'], name='crackdown_checkbatch_date'),
        ),
        migrations.AddIndex(
            model_name='linkedparty',
            index=models.Index(fields=['handled_on', 'authority'], name='crackdown_linked_stats'),
        ),
        migrations.AddIndex(
            model_name='websiteshutdown',
            index=models.Index(fields=['shut_on', 'authority'], name='crackdown_shutdown_stats'),
        ),
    ]
