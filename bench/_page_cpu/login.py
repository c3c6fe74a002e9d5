# ruff: noqa  (a measurement helper of issue 17; see docs/BENCHMARKS.md)
"""The test client of the page measurements (prof.py, sample.py, parts.py): production settings, the account
named by PROF_USER logged in, and — for the ministry's staff and the administrators — its TOTP step passed,
as bench/load.py logs them in."""
import os

os.environ.pop("TEST_DB_NAME", None)
import django

django.setup()
from django.test import Client

from portal.models import User


def logged_in_client():
    user = User.objects.get(username=os.environ.get("PROF_USER", "xz_staff"))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
    client.force_login(user)
    if user.requires_second_factor:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                  or TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True))
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    import portal.wsgi  # noqa: F401  - the garbage collector settled as in the workers (gc.freeze, thresholds)
    return client
