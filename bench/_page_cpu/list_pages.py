# ruff: noqa  (a measurement helper of issue 17, third pass (i17f), kept as it was run; see docs/BENCHMARKS.md)
"""SCRIPT=bench/_page_cpu/list_pages.py run.sh ENV CHECKOUT OUT.pkl USER: every list page (and filtered variants) 3 times; keeps the 1st and 3rd body of each 200."""
import os, pickle, sys
os.environ.pop("TEST_DB_NAME", None)
import django
django.setup()
from django.test import Client
from portal.models import User

out, username = sys.argv[1], sys.argv[2]
user = User.objects.get(username=username)
c = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
c.force_login(user)
if user.requires_second_factor:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True)
    s = c.session; s[DEVICE_ID_SESSION_KEY] = device.persistent_id; s.save()
from aid_projects.models import Campaign
from portal.models import Authority
camp = Campaign.objects.order_by("id").first()
prov = Authority.objects.provinces().order_by("code").first()
lists = ["/aid/pairings/", "/aid/campaigns/", "/aid/lists/", "/aid/liaisons/", "/aid/needs/", "/aid/matches/",
         "/crackdown/leads/", "/crackdown/batches/", "/crackdown/cases/", "/crackdown/name-rules/", "/crackdown/lists/",
         "/registry/organizations/", "/audit/", "/jobs/", "/users/"]
variants = []
for p in lists:
    variants += [p, p + "?q=%E5%9B%BD%E5%AD%A6"]
variants += ["/crackdown/leads/?status=checking", f"/crackdown/leads/?province={prov.pk}", "/crackdown/leads/?province=abc",
             "/crackdown/leads/?received_after=2025-01-01", "/crackdown/leads/?received_after=notadate",
             f"/aid/needs/?campaign={camp.pk if camp else 1}&match=none", "/aid/needs/?campaign=999999",
             f"/aid/lists/?province={prov.pk}&status=draft", "/users/?is_active=true", "/registry/organizations/?is_charity=true&level=province",
             "/aid/pairings/?period=current&confidence=low"]
c.get("/", secure=True)  # the 待办 count remembered in both checkouts alike (the navigation badge)
bodies = {}
for p in variants:
    rs = [c.get(p, secure=True) for _ in range(3)]
    if rs[0].status_code != 200:
        continue
    bodies[p + " #1"] = rs[0].content
    bodies[p + " #3"] = rs[2].content
pickle.dump(bodies, open(out, "wb"))
print(username, len(bodies) // 2, "pages")
