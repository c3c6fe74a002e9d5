"""Audit of logins, failed logins, lockouts and logouts; the role/authority rule on every change of roles."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from portal.access import bump_access_version
from portal.audit import record_change
from portal.home import forget_waiting
from portal.models import AuditAction, AuditEntry, User, role_authority_error


@receiver(user_logged_in, dispatch_uid="portal.audit_login")
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session["login_at"] = int(time.time())  # the 10-hour limit counts from here
    record_change(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out, dispatch_uid="portal.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_change(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="portal.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "axes_locked_out", False):
        return  # a locked account: recorded as 账号已锁定 by audit_locked_out, not as a wrong password
    record_change(actor=None, action=AuditAction.LOGIN_FAILED, username=str(credentials.get("username", "")),
                  note="用户名或密码错误")


@receiver(user_locked_out, dispatch_uid="portal.audit_locked_out")
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """axes locks an account after 5 failures for 30 minutes; the lock, and every attempt it refuses."""
    account = User.objects.filter(username=username).first() if username else None
    record_change(actor=None, action=AuditAction.LOCKED, obj=account, username=str(username or ""),
                  note="连续 5 次登录失败，账号锁定 30 分钟；锁定期间的登录一律拒绝")


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="portal.role_authority_rule")
def check_roles_fit_authority(sender, instance, action, reverse, pk_set, **kwargs):
    """Whatever adds a role (the role form, a command, ``group.user_set.add``), the role must fit
    the account's authority (``role_authority_error``); a misfit is refused before it is written.
    Any change of roles ends the account's sessions: the next request runs with the new roles."""
    if action in ("post_add", "post_remove", "pre_clear"):
        if reverse:
            users = User.objects.filter(pk__in=pk_set) if pk_set else instance.user_set.all()
        else:
            users = [instance]
        for user in users:
            user.end_sessions()
        return
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(user, ...)
        pairs = [(user, [instance.name]) for user in User.objects.filter(pk__in=pk_set)]
    else:
        pairs = [(instance, list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)))]
    for user, roles in pairs:
        error = role_authority_error(roles, user.authority)
        if error:
            raise ValidationError(error)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="portal.access_group_permissions")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="portal.access_user_permissions")
def permissions_changed(sender, action, **kwargs):
    """A change of a role's or an account's permissions: the cached permissions (portal.access) are dropped."""
    if action in ("post_add", "post_remove", "post_clear"):
        bump_access_version()


@receiver(post_save, sender=Group, dispatch_uid="portal.access_group_saved")
@receiver(post_delete, sender=Group, dispatch_uid="portal.access_group_deleted")
def group_changed(sender, **kwargs):
    bump_access_version()


# the actions that change no one's work: reads, sign-ins and the account's own secrets
_ACTIONS_LEAVING_WORK = frozenset({
    AuditAction.LOGIN, AuditAction.LOGOUT, AuditAction.DOWNLOAD, AuditAction.EXPORT, AuditAction.VIEW_SENSITIVE,
    AuditAction.PASSWORD_CHANGE, AuditAction.PASSWORD_RESET, AuditAction.OTP_ENROL, AuditAction.OTP_RESET,
    AuditAction.CHAIN_VERIFY, AuditAction.RATE_LIMITED,
})


@receiver(post_save, sender=AuditEntry, dispatch_uid="portal.waiting_changed")
def waiting_changed(sender, instance, created, **kwargs):
    """The navigation bar's 待办 count (portal.home) is forgotten after every audited write.

    Every write a user or a job makes through the services is audited (portal.audit.record_change), the
    bulk updates included, so the audit row is the one place to hear of them all; the count is dropped
    when the write's transaction commits.
    """
    if created and instance.action not in _ACTIONS_LEAVING_WORK:
        transaction.on_commit(forget_waiting)
