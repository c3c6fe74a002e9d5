from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import TemplateView

from portal.audit import record_change, snapshot, stored_snapshot
from portal.filtersets import AuditEntryFilterSet, JobFilterSet, UserFilterSet
from portal.forms import LoginForm, RoleAssignmentForm, UserAuthorityForm, UserForm
from portal.home import panels_for, remember_waiting
from portal.jobs import REGISTRY, job_start, owned_q
from portal.models import AuditAction, AuditEntry, Job, User
from portal.page_cache import KeptPageMixin
from portal.scoping import object_in_scope
from portal.tables import AuditEntryTable, JobTable, UserTable
from portal.views.downloads import ScopedFileDownloadView
from portal.views.generic import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedMixin, ScopedUpdateView


class HomeView(KeptPageMixin, LoginRequiredMixin, TemplateView):
    template_name = "portal/home.html"
    kept_page_seconds = 60  # the 审计管理员's panel counts the last 24 hours and shows the times
    kept_page_shows_waiting = False  # it counts the 待办 itself, from the panels (and keeps the count for the others)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.request.user)
        # the navigation bar's 待办 count, from the panels just built (other pages read it from the cache)
        context["portal_waiting"] = remember_waiting(self.request.user, context["panels"])
        return context


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_max_age_days"] = settings.PASSWORD_MAX_AGE_DAYS
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        record_change(actor=user, action=AuditAction.PASSWORD_CHANGE, obj=user)
        messages.success(self.request, "密码已修改。")
        return response


# --- audit log (审计管理员) -------------------------------------------------------------------------
class AuditEntryListView(ScopedListView):
    model = AuditEntry
    queryset = AuditEntry.objects.select_related("authority", "content_type")
    filterset_class = AuditEntryFilterSet
    table_class = AuditEntryTable
    title = "审计日志"


class AuditChainView(ScopedMixin, View):
    """审计管理员: the hash chain's last checks (nightly and by hand) and a button to check it now."""

    model = AuditEntry
    template_name = "portal/audit_chain.html"

    def get(self, request, report=None):
        checks = (AuditEntry.objects.restrict(request.user, "view").filter(action=AuditAction.CHAIN_VERIFY)
                  .order_by("-id")[:20])
        return render(request, self.template_name, {"title": "审计日志完整性校验", "checks": checks,
                                                    "report": report})

    def post(self, request):
        from portal.audit import audit_chain_check

        return self.get(request, report=audit_chain_check(actor=request.user))


# --- background jobs -----------------------------------------------------------------------------
class JobListView(ScopedListView):
    model = Job
    queryset = Job.objects.select_related("authority", "created_by").only(*JobTable.record_fields)
    filterset_class = JobFilterSet
    table_class = JobTable
    title = "后台任务"


class OwnJobMixin:
    """A job of an owner-only kind (a list export) is read by the user who started it, whose role may
    hold no 后台任务 permission (the 审计管理员 exporting the audit log); nobody else reads it."""

    def has_permission(self):
        return super().has_permission() or Job.objects.filter(owned_q(self.request.user), pk=self.kwargs["pk"]).exists()

    def get_queryset(self):
        return super().get_queryset() | Job.objects.filter(owned_q(self.request.user))


class JobDetailView(OwnJobMixin, ScopedDetailView):
    model = Job
    template_name = "portal/job_detail.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["portal/job_progress.html"]
        return [self.template_name]


class JobDownloadView(OwnJobMixin, ScopedFileDownloadView):
    model = Job
    file_field = "result_file"
    missing_message = "该任务没有可下载的结果。"

    def get_filename(self, job, file) -> str:
        return job.result_name

    def carries_personal_data(self, job) -> bool:
        spec = REGISTRY.get(job.kind)
        return spec is not None and spec.carries_personal_data(job)


class JobStartView(ScopedMixin, View):
    """Starts a job kind that takes no parameters (e.g. the reference-data integrity report)."""

    model = Job
    action = "add"
    allowed_kinds = {"reference_integrity"}

    def post(self, request, kind):
        if kind not in self.allowed_kinds or kind not in REGISTRY:
            raise Http404("未知的任务类型。")
        with transaction.atomic():
            job = job_start(kind=kind, user=request.user, authority=request.user.authority)
        return HttpResponseRedirect(reverse("job-detail", args=[job.pk]))


# --- accounts (系统管理员 / 安全管理员) -------------------------------------------------------------
class UserListView(ScopedListView):
    model = User
    queryset = User.objects.prefetch_related("groups")
    filterset_class = UserFilterSet
    table_class = UserTable
    title = "用户账号"
    create_url_name = "user-create"


class UserFormMixin:
    form_class = UserForm
    success_url = reverse_lazy("user-list")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class UserCreateView(UserFormMixin, ScopedCreateView):
    model = User
    success_message = "账号已创建，请将初始密码告知本人，首次登录后须修改。"


def ensure_business_account(actor, account) -> None:
    """三权分立: the system administrator manages business accounts only.

    Setting the password of, deactivating or renaming an administrator (系统/安全/审计管理员, the
    actor's own account included) would let one administrator take over another's duties.
    """
    if account.pk == actor.pk:
        raise PermissionDenied("不能在此修改自己的账号；修改自己的密码请用「修改密码」。")
    if account.is_administrator:
        raise PermissionDenied(
            "三权分立：系统管理员只管理业务账号，不能重置管理员账号的密码，也不能停用或修改管理员账号。")


class UserUpdateView(UserFormMixin, ScopedUpdateView):
    model = User
    template_name = "portal/user_form.html"

    def get_object(self, queryset=None):
        account = super().get_object(queryset)
        ensure_business_account(self.request.user, account)
        return account

    def form_valid(self, form):
        before = stored_snapshot(form.instance)
        password_reset = bool(form.cleaned_data.get("password1"))
        with transaction.atomic():
            self.object = form.save()
            self.check_scope_after_write(self.object)
            after = snapshot(self.object)
            record_change(actor=self.request.user, action=AuditAction.UPDATE, obj=self.object, before=before,
                          after=after, note="重置了密码" if password_reset else "")
            if password_reset:  # the password itself is never written to the log
                record_change(actor=self.request.user, action=AuditAction.PASSWORD_RESET, obj=self.object,
                              note="管理员重置了该账号的密码，用户下次登录须修改密码。")
            if before["is_active"] != after["is_active"]:
                record_change(actor=self.request.user,
                              action=AuditAction.ACTIVATE if after["is_active"] else AuditAction.DEACTIVATE,
                              obj=self.object, before={"is_active": before["is_active"]},
                              after={"is_active": after["is_active"]})
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locked"] = AccessAttempt.objects.filter(username=self.object.username,
                                                         failures_since_start__gte=5).exists()
        return context


class UserRolesView(ScopedMixin, View):
    """安全管理员 assigns roles; 三权分立 is checked by the form."""

    model = User
    permission_required = "portal.assign_roles"
    template_name = "portal/user_roles.html"

    def get_account(self, pk):
        return get_object_or_404(User.objects.restrict(self.request.user, "view"), pk=pk)

    def get(self, request, pk):
        account = self.get_account(pk)
        form = RoleAssignmentForm(account=account, initial={"roles": account.role_names})
        return render(request, self.template_name, {"form": form, "account": account})

    def post(self, request, pk):
        account = self.get_account(pk)
        if account == request.user:
            raise PermissionDenied("不能修改自己的角色。")
        form = RoleAssignmentForm(request.POST, account=account)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "account": account})
        before = {"roles": account.role_names}
        with transaction.atomic():
            form.save()
            record_change(actor=request.user, action=AuditAction.UPDATE, obj=account, before=before,
                          after={"roles": sorted(form.cleaned_data["roles"])}, note="分配角色")
        messages.success(request, "角色已更新。")
        return HttpResponseRedirect(reverse("user-list"))


class UserAuthorityView(ScopedMixin, View):
    """安全管理员 moves an account to another authority: its scope follows, so this is audited."""

    model = User
    permission_required = "portal.move_user"
    template_name = "portal/user_authority.html"

    def get_account(self, pk):
        account = get_object_or_404(User.objects.restrict(self.request.user, "view"), pk=pk)
        if account == self.request.user:
            raise PermissionDenied("不能调整自己的所属机关。")
        return account

    def get(self, request, pk):
        account = self.get_account(pk)
        form = UserAuthorityForm(account=account, user=request.user)
        return render(request, self.template_name, {"form": form, "account": account})

    def post(self, request, pk):
        account = self.get_account(pk)
        form = UserAuthorityForm(request.POST, account=account, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "account": account})
        old = account.authority
        with transaction.atomic():
            account.authority = form.cleaned_data["authority"]
            account.save(update_fields=["authority"])
            if not object_in_scope(account, request.user):
                raise PermissionDenied("调整后的账号不在您的管辖范围内。")
            record_change(actor=request.user, action=AuditAction.MOVE_AUTHORITY, obj=account,
                          before={"authority": old.code if old else None,
                                  "authority_name": old.full_name if old else ""},
                          after={"authority": account.authority.code,
                                 "authority_name": account.authority.full_name})
        messages.success(request, f"已将 {account.username} 调整到 {account.authority.full_name}。")
        return HttpResponseRedirect(reverse("user-list"))


class UserSecondFactorResetView(ScopedMixin, View):
    """安全管理员 removes an account's authenticator (a lost phone); it enrols again at next login."""

    model = User
    permission_required = "portal.reset_second_factor"

    def post(self, request, pk):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        account = get_object_or_404(User.objects.restrict(request.user, "view"), pk=pk)
        if account == request.user:
            raise PermissionDenied("不能重置自己的动态口令。")
        with transaction.atomic():
            removed, _ = TOTPDevice.objects.filter(user=account).delete()
            account.end_sessions()
            record_change(actor=request.user, action=AuditAction.OTP_RESET, obj=account,
                          note=f"删除了 {removed} 个身份验证器；该账号下次登录时重新绑定")
        messages.success(request, f"已重置 {account.username} 的动态口令，该账号下次登录时须重新绑定。")
        return HttpResponseRedirect(reverse("user-list"))


class UserUnlockView(ScopedMixin, View):
    model = User
    permission_required = "portal.unlock_user"

    def post(self, request, pk):
        account = get_object_or_404(User.objects.restrict(request.user, "view"), pk=pk)
        axes_reset(username=account.username)
        record_change(actor=request.user, action=AuditAction.UNLOCK, obj=account, before=stored_snapshot(account))
        messages.success(request, f"已解除 {account.username} 的登录锁定。")
        return HttpResponseRedirect(reverse("user-list"))


@login_required
def locked_users(request):
    if not request.user.has_perm("portal.unlock_user"):
        raise PermissionDenied("您没有执行此操作的权限。")
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=5).order_by("-attempt_time")
    return render(request, "portal/locked_users.html", {"attempts": attempts})


def healthz(request):
    """Liveness for the container healthcheck: the database answers (503 otherwise).  Redis is
    reported but not required: while it is down the pages use the cache's fallback and new jobs
    wait as 排队中 (the web container must not be restarted for it)."""
    from django.core.cache import cache
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means unhealthy; say which
        return JsonResponse({"status": "error", "detail": exc.__class__.__name__}, status=503)
    redis_ok = cache.redis_available() if hasattr(cache, "redis_available") else True
    return JsonResponse({"status": "ok", "redis": "ok" if redis_ok else "down"})


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)

