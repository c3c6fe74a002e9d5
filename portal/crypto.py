"""Personal data encrypted at rest (PIPL 第五十一条: 采取加密等安全技术措施; 等保 2.0 8.1.4.8 数据保密性).

``EncryptedCharField`` / ``EncryptedTextField`` keep a Fernet token (AES-128-CBC + HMAC-SHA256, from
the ``cryptography`` library) in a ``text`` column and give the plain text to Python; the keys come
from ``settings.PORTAL_FIELD_KEYS`` (newest first: new values are encrypted with the first, any of
them decrypts, so a key can be rotated with ``manage.py rotate_field_keys``).  An empty value stays
"" (nothing to hide; "is it filled in" stays a plain query).

Ciphertext cannot be searched.  Where a page searches by a value (a phone number), a
``KeyedHashField`` beside it keeps an HMAC of the normalised value (key
``settings.PORTAL_FIELD_HASH_KEY``), filled on every save: ``filter(phone_hash=phone_digest(x))``.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact, IsNull

from portal.phones import normalise_phone


class DecryptionFailed(Exception):
    """A stored value no configured key opens (a key was dropped before its rows were re-encrypted)."""


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.PORTAL_FIELD_KEYS)
    if not keys:
        raise ImproperlyConfigured("PORTAL_FIELD_KEYS 未设置：无法加解密个人信息")
    return MultiFernet([Fernet(key) for key in keys])


def _reset(*, setting, **kwargs):
    if setting in ("PORTAL_FIELD_KEYS", "PORTAL_FIELD_HASH_KEY"):
        _fernet.cache_clear()


setting_changed.connect(_reset)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed("个人信息无法解密：密钥与数据不符（PORTAL_FIELD_KEYS）") from None


def encrypt_bytes(value: bytes) -> bytes:
    """Bytes kept outside the database that hold what a page showed (portal/page_cache.py): the same keys."""
    return _fernet().encrypt(value)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise DecryptionFailed("无法解密：密钥与数据不符（PORTAL_FIELD_KEYS）") from None


def rotate(token: str) -> str:
    """The same value under the newest key (``MultiFernet.rotate``)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed("个人信息无法解密：密钥与数据不符（PORTAL_FIELD_KEYS）") from None


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value; "" for no value (so blank rows never match a search)."""
    if not value:
        return ""
    key = settings.PORTAL_FIELD_HASH_KEY
    if not key:
        raise ImproperlyConfigured("PORTAL_FIELD_HASH_KEY 未设置")
    return hmac.new(key.encode(), f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()


def phone_digest(value: str) -> str:
    return keyed_hash("phone", normalise_phone(value))


class EncryptedMixin:
    """Plain text in Python, a Fernet token in the database; only ``isnull`` and ``= ''`` in queries."""

    encrypted = True

    def db_type(self, connection):
        return "text"

    def rel_db_type(self, connection):
        return "text"

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return value if value is None else decrypt(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return value if value is None else encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name in ("isnull", "exact"):
            return {"isnull": IsNull, "exact": EncryptedEmptyExact}[lookup_name]
        raise FieldError(f"加密字段 {self.name} 不能按“{lookup_name}”查询（请用其摘要字段）")

    def get_transform(self, lookup_name):
        raise FieldError(f"加密字段 {self.name} 不能按“{lookup_name}”查询")


class EncryptedEmptyExact(Exact):
    """``field=""`` (is it blank?) works; any other value would compare with a fresh random token."""

    def get_db_prep_lookup(self, value, connection):
        if value != "":
            raise FieldError("加密字段只能与空值比较（请用其摘要字段查询）")
        return "%s", [""]


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (its max_length checks the plain text) stored encrypted in a text column."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class KeyedHashField(models.CharField):
    """HMAC of another field's normalised value, set on every save (``source``, ``digest``)."""

    def __init__(self, *args, source: str, digest=phone_digest, **kwargs):
        self.source = source
        self.digest = digest
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.digest is not phone_digest:
            kwargs["digest"] = self.digest
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = self.digest(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def hash_fields(model) -> list[KeyedHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, KeyedHashField)]


# --- data migrations: rows written before a column was encrypted -----------------------------------
def _is_token(value: str) -> bool:
    try:
        decrypt(value)
    except DecryptionFailed:
        return False
    return True


def encrypt_existing(connection, table: str, columns: list[str], hashes: dict[str, str] | None = None,
                     pk: str = "id") -> int:
    """Encrypt the plain values of ``columns`` in place and fill ``hashes`` ({hash column: source
    column}) from them; values already encrypted are left alone.  Returns the rows changed."""
    hashes = hashes or {}
    qn = connection.ops.quote_name
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)}")
        updates = []
        for row in cursor.fetchall():
            plain = {c: v for c, v in zip(columns, row[1:], strict=True) if v and not _is_token(v)}
            if not plain:
                continue
            values = {c: encrypt(v) for c, v in plain.items()}
            for hash_column, source in hashes.items():
                if source in plain:
                    values[hash_column] = phone_digest(plain[source])
            updates.append((values, row[0]))
        for values, key in updates:
            assignments = ", ".join(f"{qn(c)} = %s" for c in values)
            cursor.execute(f"UPDATE {qn(table)} SET {assignments} WHERE {qn(pk)} = %s", [*values.values(), key])
            changed += 1
    return changed


def decrypt_existing(connection, table: str, columns: list[str], pk: str = "id") -> None:
    """The reverse (unapplying the migration): plain text back in the columns."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)}")
        for row in cursor.fetchall():
            values = {c: decrypt(v) for c, v in zip(columns, row[1:], strict=True) if v and _is_token(v)}
            if values:
                assignments = ", ".join(f"{qn(c)} = %s" for c in values)
                cursor.execute(f"UPDATE {qn(table)} SET {assignments} WHERE {qn(pk)} = %s", [*values.values(), row[0]])
