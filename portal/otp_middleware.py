"""django-otp's middleware with the session's TOTP device read by a statement written once (issue 17).

Ministry staff and the administrators pass a second factor; on each of their requests django-otp reads
the device the session was verified with (``Device.from_persistent_id``: the ORM compiles that
``SELECT`` every time, ≈ 0.4 ms of the web process's CPU).  Here a TOTP device's row is read by id with
a fixed statement and built with ``Model.from_db``; django-otp's own checks then run unchanged (the
device must exist, belong to the session's user and be confirmed, else the verification is dropped
from the session).  Any other kind of device, or an id that is not a number, goes to django-otp as before.
"""

from __future__ import annotations

import functools

from django.db import connections, router
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from portal.fixed_statements import plain_fields, select_list

TOTP_LABEL = "otp_totp.totpdevice"
@functools.cache
def _totp_loader():
    """A function pk → TOTPDevice, or None (``portal.fixed_statements``: a field the ORM converts)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    using = router.db_for_read(TOTPDevice)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = plain_fields(connection, [("d", TOTPDevice)])
    if fields is None:
        return None
    sql = (f"SELECT {select_list(connection, fields)} FROM {quote(TOTPDevice._meta.db_table)} d "
           f"WHERE d.{quote(TOTPDevice._meta.pk.column)} = %s")
    names = [field.attname for field in fields["d"]]

    def load(pk: int):
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        return None if row is None else TOTPDevice.from_db(using, names, row)

    return load


class OTPMiddleware(DjangoOTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        normalized = self._normalize_persistent_id(persistent_id)
        label, _, device_id = normalized.rpartition("/")
        loader = _totp_loader() if label == TOTP_LABEL else None
        if loader is None or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        return loader(int(device_id))
