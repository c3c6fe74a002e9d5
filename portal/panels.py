"""Home-page panels of the portal itself (apps add their own in their panels.py)."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from portal.home import HomeItem, HomePanel, home_panel
from portal.models import AuditAction, AuditEntry, Job, Role, User
from portal.reversing import detail_urls


@home_panel(order=90)
def my_jobs(user):
    if not user.has_perm("portal.view_job"):
        return None
    jobs = Job.objects.restrict(user, "view").filter(created_by=user).only("id", "title", "status")[:5]
    url = detail_urls("job-detail")
    return HomePanel(
        title="我的后台任务",
        items=[HomeItem(text=job.title, url=url(job.pk), badge=job.get_status_display()) for job in jobs],
        more_url=reverse("job-list"),
        empty_text="没有后台任务。",
        is_work=False,
    )


@home_panel(order=10)
def failed_logins(user):
    if not user.has_role(Role.AUDIT_ADMIN):
        return None
    since = timezone.now() - timedelta(days=1)
    entries = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, time__gte=since)[:10]
    return HomePanel(
        title="24 小时内的登录失败",
        items=[HomeItem(text=f"{e.username or '（空）'} · {e.ip or ''}", badge=f"{timezone.localtime(e.time):%H:%M}")
               for e in entries],
        more_url=reverse("audit-list") + "?action=login_failed",
        empty_text="24 小时内没有登录失败。",
        is_work=False,
    )


@home_panel(order=10)
def locked_accounts(user):
    if not user.has_role(Role.SECURITY_ADMIN):
        return None
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=5)[:10]
    accounts_without_roles = User.objects.restrict(user, "view").filter(groups__isnull=True, is_active=True)[:10]
    items = [HomeItem(text=f"已锁定：{a.username}", url=reverse("user-locked"), overdue=True) for a in attempts]
    items += [HomeItem(text=f"未分配角色：{u.username}", url=reverse("user-roles", args=[u.pk]))
              for u in accounts_without_roles]
    return HomePanel(title="待处理的账号安全事项", items=items, more_url=reverse("user-list"))


@home_panel(order=10)
def accounts_overview(user):
    if not user.has_role(Role.SYSTEM_ADMIN):
        return None
    qs = User.objects.restrict(user, "view")
    never = qs.filter(last_login__isnull=True, is_active=True).count()
    return HomePanel(
        title="用户账号",
        items=[
            HomeItem(text="启用的账号", badge=str(qs.filter(is_active=True).count()), url=reverse("user-list")),
            HomeItem(text="从未登录的账号", badge=str(never), url=reverse("user-list")),
            HomeItem(text="停用的账号", badge=str(qs.filter(is_active=False).count()),
                     url=reverse("user-list") + "?is_active=false"),
        ],
        is_work=False,
    )
