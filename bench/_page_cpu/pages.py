# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
"""Every list page (each table of the portal, sorted, paged, filtered) for several roles, bodies kept.

    .venv/bin/python bench/_page_cpu/pages.py ENVFILE CHECKOUT OUT.pkl       # once per checkout
    .venv/bin/python bench/_page_cpu/pages.py --compare A.pkl B.pkl         # same bytes apart from CSRF/nonce

ENVFILE: bench/_page_cpu/env.py's output (production settings, the bench_load database).  Pages a role
may not open are kept with their status (403/404), compared too.
"""
import json
import os
import pickle
import re
import sys
import time

USERS = ["xz_staff", "xz_liaison", "zj_staff", "zj_liaison", "hb_staff", "hb_liaison", "bu_staff", "bu_security",
         "bu_audit", "bu_sysadmin"]
PAGES = [  # the home page first: it counts the 待办 the navigation bar then shows (cached per checkout)
    "/", "/crackdown/leads/", "/crackdown/leads/?sort=-org_name", "/crackdown/leads/?page=2&sort=check_due",
    "/crackdown/leads/?org_name=%3Cscript%3E&sort=number", "/crackdown/cases/", "/crackdown/cases/?sort=-deadline",
    "/crackdown/cases/?page=2", "/crackdown/batches/", "/crackdown/batches/?sort=-checked_on", "/crackdown/lists/",
    "/crackdown/lists/?sort=kind", "/crackdown/name-rules/", "/crackdown/name-rules/?sort=-word&page=2",
    "/aid/pairings/", "/aid/pairings/?sort=-valid_to&page=2", "/aid/campaigns/", "/aid/campaigns/?sort=year",
    "/aid/lists/", "/aid/lists/?sort=-submitted_at", "/aid/liaisons/", "/aid/liaisons/?page=2&sort=name",
    "/aid/needs/", "/aid/needs/?sort=-amount", "/aid/needs/?page=3", "/aid/needs/?page=2&sort=place",
    "/aid/matches/", "/aid/matches/?sort=-updated", "/registry/organizations/", "/registry/organizations/?page=2",
    "/users/", "/users/?sort=-last_login", "/audit/", "/audit/?page=2", "/jobs/", "/jobs/?sort=-created",
    # the tables whose TemplateColumns became render_<name> methods (branch i17p), sorted by those columns
    "/aid/pairings/?sort=confidence&page=3", "/aid/pairings/?confidence=low&period=current",
    "/aid/pairings/?sort=valid_to&period=all", "/aid/lists/?sort=title", "/aid/lists/?sort=-status",
    "/aid/liaisons/?sort=-authority", "/aid/matches/?sort=need", "/aid/matches/?sort=-supply",
    "/audit/?action=update", "/audit/?action=transition",
]
TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]*"')


def compare(a_path, b_path):
    a = pickle.load(open(a_path, "rb"))
    b = pickle.load(open(b_path, "rb"))
    assert a.keys() == b.keys(), set(a) ^ set(b)
    same = 0
    statuses = {}
    for key in a:
        (sa, ba), (sb, bb) = a[key], b[key]
        ok = sa == sb and TOKEN.sub(rb'\1T"', ba) == TOKEN.sub(rb'\1T"', bb)
        same += ok
        statuses[sa] = statuses.get(sa, 0) + 1
        if not ok:
            print("DIFFERENT", key, sa, sb)
    tables = sum(1 for key in a if b"<table " in a[key][1])
    print(f"{same}/{len(a)} pages identical apart from the per-request CSRF token / CSP nonce "
          f"(statuses {statuses}; {tables} with a table)")


def dump(envfile, code, out):
    env = json.load(open(envfile))
    for key, value in env.items():
        if key not in ("PATH", "HOME"):
            os.environ[key] = value
    os.environ.pop("TEST_DB_NAME", None)
    sys.path.insert(0, code)
    os.chdir(code)
    import django

    django.setup()
    from django.test import Client

    from aid_projects.models import AidList
    from portal.models import User

    pages = PAGES + [f"/aid/lists/{pk}/" for pk in AidList.objects.order_by("pk").values_list("pk", flat=True)[:4]]
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    bodies = {}
    for username in USERS:
        # a session as bench/load.py makes it: no login() (its signal writes last_login and an audit row,
        # which the user and audit lists would show)
        user = User.objects.get(username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "portal.access.CachedModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["login_at"] = session["last_seen"] = int(time.time())
        if user.requires_second_factor:
            device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                      or TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True))
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.set_expiry(30 * 60)
        session.save()
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        for page in pages:
            response = client.get(page, secure=True)
            bodies[(username, page)] = (response.status_code, response.content)
    pickle.dump(bodies, open(out, "wb"))
    print(len(bodies), "pages kept in", out)


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        dump(*sys.argv[1:4])
