from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0006_audit_hash_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="心跳时间"),
        ),
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="运行次数"),
        ),
        migrations.AddField(
            model_name="job",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="投递时间"),
        ),
    ]
