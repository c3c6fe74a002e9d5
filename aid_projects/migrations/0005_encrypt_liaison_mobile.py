# Liaison officers' mobiles encrypted at rest (issue 8 point 9; portal.crypto); rows already stored are
# encrypted in place and their search hash filled from the plain number.

import portal.crypto
from django.db import migrations

from portal.crypto import decrypt_existing, encrypt_existing


def encrypt_rows(apps, schema_editor):
    encrypt_existing(schema_editor.connection, "aid_projects_liaison", ["mobile"], {"mobile_hash": "mobile"})


def decrypt_rows(apps, schema_editor):
    decrypt_existing(schema_editor.connection, "aid_projects_liaison", ["mobile"])


class Migration(migrations.Migration):

    dependencies = [
        ('aid_projects', '0004_pairing_history_and_edits'),
    ]

    operations = [
        migrations.AddField(
            model_name='liaison',
            name='mobile_hash',
            field=portal.crypto.KeyedHashField(blank=True, db_index=True, editable=False, max_length=64, source='mobile', verbose_name='手机摘要'),
        ),
        migrations.AlterField(
            model_name='liaison',
            name='mobile',
            field=portal.crypto.EncryptedCharField(max_length=20, verbose_name='手机'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
