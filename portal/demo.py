"""Demo accounts and demo data, for the run command.  Idempotent: keyed on natural keys.

Each app may have a ``demo.py`` with ``load_demo(accounts: dict[str, User]) -> str`` that adds its
own demo rows and returns one line for the console.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from portal.app_modules import app_modules
from portal.models import Authority, Role, User

DEMO_PASSWORD = "Portal@2025demo"

# username → (authority code, role, full name)
DEMO_ACCOUNTS = {
    "bu_staff": ("000000", Role.MINISTRY_STAFF, "部里 王工作人员"),
    "bu_sysadmin": ("000000", Role.SYSTEM_ADMIN, "部里 系统管理员"),
    "bu_security": ("000000", Role.SECURITY_ADMIN, "部里 安全管理员"),
    "bu_audit": ("000000", Role.AUDIT_ADMIN, "部里 审计管理员"),
    "xz_staff": ("540000", Role.PROVINCE_STAFF, "西藏 扎西"),
    "xz_liaison": ("540000", Role.LIAISON, "西藏 卓玛"),
    "zj_staff": ("330000", Role.PROVINCE_STAFF, "浙江 陈工作人员"),
    "zj_liaison": ("330000", Role.LIAISON, "浙江 林联络员"),
    "hb_staff": ("130000", Role.PROVINCE_STAFF, "河北 张工作人员"),
    "hb_liaison": ("130000", Role.LIAISON, "河北 李联络员"),
}


@transaction.atomic
def load_demo_accounts() -> dict[str, User]:
    accounts = {}
    for username, (code, role, full_name) in DEMO_ACCOUNTS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"authority": Authority.objects.get(code=code), "full_name": full_name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.set([Group.objects.get(name=role)])
        accounts[username] = user
    return accounts


def load_demo() -> list[str]:
    accounts = load_demo_accounts()
    lines = []
    for module in app_modules("demo"):
        with transaction.atomic():
            lines.append(module.load_demo(accounts))
    return lines
