"""Shared service-layer pieces (HackSoft style: services write, selectors read)."""

from __future__ import annotations


class ApplicationError(Exception):
    """A broken business rule; ``message`` is shown to the user as it is (in Chinese).

    ``extra`` names the fields the refusal concerns (``{field: [texts]}``): the HTML form view puts the
    texts beside those fields, the API returns them as ``errors``.  ``status`` is the HTTP status the
    API answers with; a subclass whose status differs says so, and nobody compares message texts.
    Where each is mapped: ``portal.api.exceptions.exception_handler`` (API) and
    ``portal.views.service`` (HTML).
    """

    status = 400

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def as_data(self) -> dict:
        """The API's body: the message as ``detail``, the per-field texts (if any) as ``errors``."""
        return {"detail": self.message, **({"errors": self.extra} if self.extra else {})}


class StaleVersion(ApplicationError):
    """The object changed since the user read it (optimistic lock): 409, the current version in the body."""

    status = 409

    def __init__(self, message: str, *, version: int | None = None):
        super().__init__(message)
        self.version = version

    def as_data(self) -> dict:
        return {"detail": self.message, **({"version": self.version} if self.version is not None else {})}


def accounts_disable_dormant(*, now=None) -> list[str]:
    """Disable the accounts unused for ``ACCOUNT_DORMANT_DAYS`` (等保 2.0: 及时删除或停用多余的、过期的账户).

    "Unused" is no login since the cut-off, or never logged in and created before it.  Each account
    disabled is an audit row; its sessions end with it (``User.save``).  Returns the usernames.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from portal.audit import record_change
    from portal.models import AuditAction, User

    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNT_DORMANT_DAYS)
    dormant = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    disabled = []
    for account in dormant:
        with transaction.atomic():
            account.is_active = False
            account.save(update_fields=["is_active"])
            record_change(actor=None, action=AuditAction.DEACTIVATE, obj=account, username="系统",
                          before={"is_active": True}, after={"is_active": False},
                          note=f"连续 {settings.ACCOUNT_DORMANT_DAYS} 天未使用，自动停用")
        disabled.append(account.username)
    return disabled
