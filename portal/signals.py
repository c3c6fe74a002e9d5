"""Audit of logins, failed logins and logouts; the role/authority rule on every change of roles."""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from portal.audit import record_change
from portal.models import AuditAction, User, role_authority_error


@receiver(user_logged_in, dispatch_uid="portal.audit_login")
def audit_login(sender, request, user, **kwargs):
    record_change(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out, dispatch_uid="portal.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_change(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="portal.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    record_change(actor=None, action=AuditAction.LOGIN_FAILED, username=str(credentials.get("username", "")),
                  note="用户名或密码错误")


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="portal.role_authority_rule")
def check_roles_fit_authority(sender, instance, action, reverse, pk_set, **kwargs):
    """Whatever adds a role (the role form, a command, ``group.user_set.add``), the role must fit
    the account's authority (``role_authority_error``); a misfit is refused before it is written."""
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
