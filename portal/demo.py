"""Demo accounts and demo data, for the run command.  Idempotent: keyed on natural keys.

Each app may have a ``demo.py`` with ``load_demo(accounts: dict[str, User]) -> str`` that adds its
own demo rows and returns one line for the console, and ``queue_jobs(accounts) -> str`` for the
background jobs of its demo (queued once the web server and the worker are starting), and
``PUBLIC_PAGES``: its pages that need no login, which the run command lists.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.hashers import make_password
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


# The README's table of demo accounts with what each can try, shown by the run command once it is ready.
DEMO_GUIDE = [
    # (accounts, authority and role, what to try)
    ("bu_staff", "民政部 部级工作人员",
     "援藏援疆 → 清单：受理或退回报送的清单；汇总表下载：全国需求、供给、联络员汇总表"),
    ("bu_sysadmin / bu_security / bu_audit", "民政部 系统 / 安全 / 审计管理员",
     "系统 → 用户账号 / 锁定的账号与角色 / 审计日志"),
    ("xz_liaison / xz_staff", "西藏自治区 联络员 / 省级工作人员",
     "援藏援疆 → 对接年度与填报进度：打开清单，下载空白模板，上传 Excel（逐行检查后才保存），报送"),
    ("zj_staff / zj_liaison", "浙江省 省级工作人员 / 联络员",
     "援藏援疆 → 项目需求：西藏、新疆已受理的需求，附供给推荐与“提出意向对接”"),
    ("hb_staff / hb_liaison", "河北省 省级工作人员 / 联络员",
     "打击整治 → 线索（保留字、近似名称即时提示）、案件、名单（发布、撤回）、统计（图表、导出 Excel）"),
    ("hb_leader / zj_leader / bu_leader", "案件审批人", "打击整治 → 案件：审批立案、决定等环节"),
    ("hb_legal", "河北省 法制审核员", "打击整治 → 案件：法制审核"),
]

def public_pages() -> list[tuple[str, str]]:
    """Pages that need no login, (name, path), as each app's demo module lists them (``PUBLIC_PAGES``)."""
    return [page for module in app_modules("demo") for page in getattr(module, "PUBLIC_PAGES", ())]


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    """One hash of the demo password for every demo account: hashing (Argon2) is slow on purpose."""
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def load_demo_accounts() -> dict[str, User]:
    accounts = {}
    groups = {g.name: g for g in Group.objects.filter(name__in={role for _, role, _ in DEMO_ACCOUNTS.values()})}
    authorities = {a.code: a for a in Authority.objects.filter(code__in={c for c, _, _ in DEMO_ACCOUNTS.values()})}
    existing = {u.username: u for u in User.objects.filter(username__in=DEMO_ACCOUNTS)}
    for username, (code, role, full_name) in DEMO_ACCOUNTS.items():
        user = existing.get(username)
        if user is None:
            user = User.objects.create(username=username, authority=authorities[code], full_name=full_name,
                                       password=demo_password_hash())
        user.groups.set([groups[role]])
        accounts[username] = user
    return accounts


@transaction.atomic
def load_demo() -> list[str]:
    """All demo rows in one transaction: one commit, and nothing half-loaded if a step fails."""
    accounts = load_demo_accounts()
    return [module.load_demo(accounts) for module in app_modules("demo")]


def queue_demo_jobs() -> list[str]:
    """Each app's demo background jobs, queued for the worker (the run command calls it once serving)."""
    accounts = {u.username: u for u in User.objects.filter(username__in=DEMO_ACCOUNTS).select_related("authority")}
    lines = []
    for module in app_modules("demo"):
        queue_jobs = getattr(module, "queue_jobs", None)
        if queue_jobs is not None:
            lines.append(queue_jobs(accounts))
    return [line for line in lines if line]
