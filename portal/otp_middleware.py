"""django-otp's middleware with the session's TOTP device read by a statement written once (issue 17).

Ministry staff and the administrators pass a second factor; on each of their requests django-otp reads
the device the session was verified with (``Device.from_persistent_id``: the ORM compiles that
``SELECT`` every time, ≈ 0.4 ms of the web process's CPU).  Here a TOTP device's row is read by id with
a fixed statement and built with ``Model.from_db``; django-otp's own checks then run unchanged (the
device must exist, belong to the session's user and be confirmed, else the verification is dropped
from the session).  Any other kind of device, or an id that is not a number, goes to django-otp as before.
"""

from __future__ import annotations

from django.db import connections, router
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

TOTP_LABEL = "otp_totp.totpdevice"
_LOADER: list = []


def _totp_loader():
    if _LOADER:
        return _LOADER[0]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    using = router.db_for_read(TOTPDevice)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = list(TOTPDevice._meta.concrete_fields)
    if any(hasattr(field, "from_db_value") or connection.ops.get_db_converters(field.get_col("d"))
           for field in fields):
        _LOADER.append(None)  # a field the ORM converts: leave it to the ORM
        return None
    sql = (f"SELECT {', '.join(f'd.{quote(f.column)}' for f in fields)} FROM {quote(TOTPDevice._meta.db_table)} d "
           f"WHERE d.{quote(TOTPDevice._meta.pk.column)} = %s")
    names = [field.attname for field in fields]

    def load(pk: int):
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        return None if row is None else TOTPDevice.from_db(using, names, row)

    _LOADER.append(load)
    return load


class OTPMiddleware(DjangoOTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        normalized = self._normalize_persistent_id(persistent_id)
        label, _, device_id = normalized.rpartition("/")
        loader = _totp_loader() if label == TOTP_LABEL else None
        if loader is None or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        return loader(int(device_id))
