# Personal data encrypted at rest (issue 8 point 9; portal.crypto): informants' name, phone, e-mail and
# address, the persons a lead reports, linked persons' names.  Rows already stored are encrypted in
# place, and the informant's phone hash is filled from the plain number.

import django.core.validators
import portal.crypto
from django.db import migrations

from portal.crypto import decrypt_existing, encrypt_existing

COLUMNS = [
    ("crackdown_informant", ["name", "phone", "email", "address"], {"phone_hash": "phone"}),
    ("crackdown_lead", ["persons"], {}),
    ("crackdown_linkedparty", ["name"], {}),
]


def encrypt_rows(apps, schema_editor):
    for table, columns, hashes in COLUMNS:
        encrypt_existing(schema_editor.connection, table, columns, hashes)


def decrypt_rows(apps, schema_editor):
    for table, columns, _hashes in COLUMNS:
        decrypt_existing(schema_editor.connection, table, columns)


class Migration(migrations.Migration):

    dependencies = [
        ('crackdown', '0003_case_procedure_as_written'),
    ]

    operations = [
        migrations.AddField(
            model_name='informant',
            name='phone_hash',
            field=portal.crypto.KeyedHashField(blank=True, db_index=True, editable=False, max_length=64, source='phone', verbose_name='联系电话摘要'),
        ),
        migrations.AlterField(
            model_name='informant',
            name='address',
            field=portal.crypto.EncryptedCharField(blank=True, max_length=200, verbose_name='联系地址'),
        ),
        migrations.AlterField(
            model_name='informant',
            name='email',
            field=portal.crypto.EncryptedCharField(blank=True, max_length=254, validators=[django.core.validators.EmailValidator()], verbose_name='电子邮箱'),
        ),
        migrations.AlterField(
            model_name='informant',
            name='name',
            field=portal.crypto.EncryptedCharField(blank=True, max_length=64, verbose_name='举报人姓名'),
        ),
        migrations.AlterField(
            model_name='informant',
            name='phone',
            field=portal.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='persons',
            field=portal.crypto.EncryptedTextField(blank=True, help_text='每行一人：姓名、身份、联系方式', verbose_name='涉及人员'),
        ),
        migrations.AlterField(
            model_name='linkedparty',
            name='name',
            field=portal.crypto.EncryptedCharField(blank=True, max_length=200, verbose_name='单位或人员名称'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
