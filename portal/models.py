"""What every app shares: registration authorities, users, the audit log, background jobs."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from portal.scoping import RestrictedQuerySet


class AuthorityLevel(models.TextChoices):
    MINISTRY = "ministry", _("部级")
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地市级")
    COUNTY = "county", _("县级")


# Code length of the significant part of a division code at each level (GB/T 2260: 2 + 2 + 2).
PREFIX_LENGTH = {
    AuthorityLevel.PROVINCE: 2,
    AuthorityLevel.PREFECTURE: 4,
    AuthorityLevel.COUNTY: 6,
}

MINISTRY_CODE = "000000"
# 新疆生产建设兵团 has no GB/T 2260 code of its own; 66 is unused by GB/T 2260 and is the
# code used for the 兵团 in civil-affairs statistics.  Its divisions (师) are 6601..6614.
BINGTUAN_CODE = "660000"


class AuthorityQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=AuthorityLevel.PROVINCE)

    def aid_recipients(self):
        return self.filter(level=AuthorityLevel.PROVINCE, is_aid_recipient=True)

    def aiding(self):
        return self.filter(level=AuthorityLevel.PROVINCE, is_aid_recipient=False)

    def within(self, authority):
        if authority.is_ministry:
            return self.all()
        return self.filter(code__startswith=authority.scope_prefix)


class Authority(models.Model):
    """A registration authority (社会组织登记管理机关) and the area it answers for.

    The ministry, the 31 provinces and 兵团, and below them prefectures (and 兵团's divisions) and
    counties.  ``code`` is the six-digit GB/T 2260 division code (``000000`` for the ministry).
    """

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=12, choices=AuthorityLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_aid_recipient = models.BooleanField(
        _("援藏援疆受援地"), default=False, help_text=_("西藏、新疆、青海、四川、甘肃、云南、兵团：填报附件1、2")
    )

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("登记管理机关")
        verbose_name_plural = _("登记管理机关")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="authority_code_six_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(level=AuthorityLevel.MINISTRY) | models.Q(parent__isnull=False)
                | models.Q(level=AuthorityLevel.PROVINCE),
                name="authority_below_province_has_parent",
            ),
        ]
        indexes = [
            models.Index(fields=["level", "name"], name="authority_level_name"),
            # scope filters are ``code LIKE '54%'``: a pattern-ops index serves them
            models.Index(fields=["code"], name="authority_code_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_ministry(self) -> bool:
        return self.level == AuthorityLevel.MINISTRY

    @property
    def is_province(self) -> bool:
        return self.level == AuthorityLevel.PROVINCE

    @property
    def scope_prefix(self) -> str:
        if self.is_ministry:
            return ""
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def province(self) -> Authority | None:
        node = self
        while node is not None and node.level not in (AuthorityLevel.PROVINCE, AuthorityLevel.MINISTRY):
            node = node.parent
        return node

    @property
    def full_name(self) -> str:
        """The area's name with its ancestors (西藏自治区拉萨市城关区)."""
        if self.is_ministry or self.is_province:
            return self.name
        names = []
        node = self
        while node is not None:
            if node.name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    @property
    def bureau_name(self) -> str:
        """The name a document heads with: 单位：<bureau_name>（公章）."""
        if self.is_ministry:
            return "民政部社会组织管理局"
        if self.code == BINGTUAN_CODE:
            return "新疆生产建设兵团民政局"
        return f"{self.full_name}民政厅" if self.is_province and self.name.endswith(("省", "区")) else (
            f"{self.full_name}民政局"
        )

    def is_within(self, other: Authority) -> bool:
        """Is this authority ``other`` or below it?"""
        return other.is_ministry or self.code.startswith(other.scope_prefix)



class Role(models.TextChoices):
    """The portal's roles; each is a Group of the same name holding real permissions (portal.roles)."""

    MINISTRY_STAFF = "部级工作人员", _("部级工作人员")
    PROVINCE_STAFF = "省级工作人员", _("省级工作人员")
    LIAISON = "联络员", _("联络员")
    SYSTEM_ADMIN = "系统管理员", _("系统管理员")
    SECURITY_ADMIN = "安全管理员", _("安全管理员")
    AUDIT_ADMIN = "审计管理员", _("审计管理员")


# 三权分立: an account holds at most one of these.
ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)

# Scope follows the authority, so a role is only valid at the level it is meant for.
MINISTRY_ONLY_ROLES = (Role.MINISTRY_STAFF,)
LOCAL_ONLY_ROLES = (Role.PROVINCE_STAFF, Role.LIAISON)


def role_authority_error(roles, authority) -> str | None:
    """Why ``roles`` may not be held at ``authority`` (None when they may).

    部级工作人员 read every province, so the role exists only at the ministry; 省级工作人员 and
    联络员 belong to a province (or a prefecture/county below it), never to the ministry.  Checked
    on every save of an account and every change of its roles, whichever form or command does it.
    """
    if authority is None:
        return None
    for role in roles:
        if role in MINISTRY_ONLY_ROLES and not authority.is_ministry:
            return f"{role}角色只能分配给民政部的账号。"
        if role in LOCAL_ONLY_ROLES and authority.is_ministry:
            return f"{role}角色只能分配给省级及以下机关的账号，不能分配给民政部的账号。"
    return None


class UserManager(DjangoUserManager.from_queryset(RestrictedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().select_related("authority", "authority__parent")


class User(AbstractUser):
    """A portal account, tied to one registration authority."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    authority = models.ForeignKey(
        Authority, verbose_name=_("所属机关"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Part of the session hash: changing it ends every session of the account (deactivation, a new
    # authority, new roles), whatever the session backend.
    session_stamp = models.CharField(_("会话标记"), max_length=32, blank=True, editable=False)

    objects = UserManager()
    scope_field = "authority"  # a provincial system administrator manages his own province's accounts

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [
            ("assign_roles", _("分配角色")),
            ("unlock_user", _("解除登录锁定")),
            ("move_user", _("调整所属机关")),
            ("reset_second_factor", _("重置动态口令")),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_names(self) -> list[str]:
        if not hasattr(self, "_role_names"):
            if "groups" in getattr(self, "_prefetched_objects_cache", {}):  # a list's prefetch_related
                self._role_names = sorted(group.name for group in self.groups.all())
            elif self.pk is None:
                self._role_names = []
            else:  # the request's user: from the cache (portal.access), keyed by the session stamp
                from portal.access import user_access

                self._role_names = list(user_access(self)["roles"])
        return self._role_names

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def is_administrator(self) -> bool:
        """Holds one of the three administrator roles (三权分立)."""
        return any(role in ADMIN_ROLES for role in self.role_names)

    # --- passwords (等保 2.0 身份鉴别: 定期更换；不得重复使用近 5 次密码) -------------------------------
    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self._new_password_hash = self.password

    @property
    def password_expired(self) -> bool:
        changed = self.password_changed_at or self.date_joined
        return timezone.now() - changed > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    @property
    def requires_second_factor(self) -> bool:
        """Ministry accounts (they read every province) and the administrators log in with TOTP too."""
        return self.is_ministry or self.is_administrator

    @property
    def needs_password_change(self) -> bool:
        return self.must_change_password or self.password_expired

    # --- sessions -------------------------------------------------------------------------------------
    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password; ours covers the session stamp too (see end_sessions).
        return salted_hmac("portal.User.get_session_auth_hash", f"{self.password}:{self.session_stamp}",
                           secret=secret, algorithm="sha256").hexdigest()

    def end_sessions(self) -> None:
        """Every open session of this account ends at its next request."""
        from portal.access import forget_access

        self.session_stamp = uuid.uuid4().hex
        forget_access(self)  # the roles this object knew are stale
        if self.pk is not None:
            User.objects.filter(pk=self.pk).update(session_stamp=self.session_stamp)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")

        def touches(*names):
            return update_fields is None or any(name in update_fields for name in names)

        if self.pk is not None and touches("authority", "is_active"):
            if touches("authority"):
                error = role_authority_error(self.groups.values_list("name", flat=True), self.authority)
                if error:
                    raise ValidationError({"authority": error})
            old = User.objects.filter(pk=self.pk).values("authority_id", "is_active").first()
            if old and (old["authority_id"], old["is_active"]) != (self.authority_id, self.is_active):
                # a deactivated or moved account is logged out everywhere
                self.session_stamp = uuid.uuid4().hex
                if update_fields is not None:
                    kwargs["update_fields"] = [*update_fields, "session_stamp"]
        super().save(*args, **kwargs)
        new_hash = getattr(self, "_new_password_hash", None)
        if new_hash and touches("password_changed_at"):
            PasswordHistory.remember(self, new_hash)
            self._new_password_hash = None

    @property
    def is_ministry(self) -> bool:
        return self.authority is not None and self.authority.is_ministry

    @property
    def province(self) -> Authority | None:
        return self.authority.province if self.authority else None


class PasswordHistory(models.Model):
    """The hashes of an account's last passwords, so that none of them is chosen again."""

    KEEP = 5

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码散列"), max_length=128)
    created = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.user} {self.created:%Y-%m-%d}"

    @classmethod
    def remember(cls, user, password_hash: str) -> None:
        cls.objects.create(user=user, password=password_hash)
        stale = cls.objects.filter(user=user).order_by("-created", "-id").values_list("pk", flat=True)[cls.KEEP:]
        cls.objects.filter(pk__in=list(stale)).delete()


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    DOWNLOAD = "download", _("下载")
    EXPORT = "export", _("导出")
    TRANSITION = "transition", _("流程操作")
    VIEW_SENSITIVE = "view_sensitive", _("查看敏感信息")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    DEACTIVATE = "deactivate", _("停用账号")
    ACTIVATE = "activate", _("启用账号")
    MOVE_AUTHORITY = "move_authority", _("调整所属机关")
    OTP_ENROL = "otp_enrol", _("绑定动态口令")
    OTP_RESET = "otp_reset", _("重置动态口令")
    LOCKED = "locked", _("账号已锁定")
    UNLOCK = "unlock", _("解除锁定")
    CHAIN_VERIFY = "chain_verify", _("校验审计日志")
    PURGE = "purge", _("清理过期审计日志")
    RATE_LIMITED = "rate_limited", _("频率限制拒绝")


class AuditEntryQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One append-only audit record, chained to the one before by ``hash`` (portal.audit.seal_entry).

    A database trigger refuses UPDATE, and DELETE of rows younger than 183 days (migration 0006)."""

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    username = models.CharField(_("账号"), max_length=150, blank=True)
    authority = models.ForeignKey(
        Authority, verbose_name=_("机关"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False,
    )
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False,
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("说明"), blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()
    scope_field = None  # the audit administrator reads all of it; nobody else has view_auditentry

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-time", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        from django.db import transaction

        from portal.audit import seal_entry

        with transaction.atomic():
            seal_entry(self)  # the hash chain: previous row's hash + this row's content
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class JobQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action: str = "view"):
        """The requester's scope (the job's authority), and only kinds whose data the user may read."""
        from portal.jobs import readable_kinds

        q = super().scope_q(user, action)
        if q is None:
            return None
        return q & models.Q(kind__in=readable_kinds(user))


def job_result_path(job, filename):
    return f"jobs/{job.created:%Y/%m}/{job.pk}/{filename}"


class Job(models.Model):
    """A background job as a row: what to do, who asked, how far it is, what it produced."""

    kind = models.CharField(_("任务类型"), max_length=64, db_index=True)
    title = models.CharField(_("任务名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(_("参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    total = models.PositiveIntegerField(_("总量"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    message = models.TextField(_("信息"), blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True, encoder=DjangoJSONEncoder)
    input_file = models.FileField(_("输入文件"), upload_to=job_result_path, blank=True, max_length=300)
    result_file = models.FileField(_("结果文件"), upload_to=job_result_path, blank=True, max_length=300)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="jobs",
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("所属机关"), on_delete=models.PROTECT, related_name="jobs"
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The worker running the job writes heartbeat_at with its progress and on a timer; a job whose
    # heartbeat stopped (the worker was killed) is re-queued or failed by portal.tasks.requeue_stale_jobs.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    # Each run claims the job by raising attempts; only the run holding the latest attempt may finish it.
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    # When the job's message reached the broker; empty while the broker was unreachable (the
    # job stays 排队中 and portal.tasks.requeue_stale_jobs sends it once the broker is back).
    sent_at = models.DateTimeField(_("投递时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["kind", "authority", "status", "-finished"], name="job_latest_result")]
        constraints = [
            models.CheckConstraint(condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                                   name="job_done_not_above_total"),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def spec(self):
        """The job kind's registration (title, permissions, time limits, retries), or None."""
        from portal.jobs import REGISTRY

        return REGISTRY.get(self.kind)
