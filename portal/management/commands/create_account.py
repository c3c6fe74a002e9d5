import getpass
import os

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.audit import record_change
from portal.models import AuditAction, Authority, Role, User


class Command(BaseCommand):
    help = "创建账号（如部署后的第一个系统管理员）。密码从 PORTAL_NEW_PASSWORD 或交互输入读取。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--authority", default="000000", help="所属机关的区划代码，民政部为 000000")
        parser.add_argument("--role", default=Role.SYSTEM_ADMIN, choices=[r.value for r in Role])
        parser.add_argument("--full-name", default="")
        parser.add_argument("--reset-password", action="store_true",
                            help="重置已有账号的密码（如管理员账号：网页上系统管理员不能重置管理员的密码）")

    def reset_password(self, username):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号 {username} 不存在。")
        password = os.environ.get("PORTAL_NEW_PASSWORD") or getpass.getpass("新密码：")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        user.set_password(password)
        user.must_change_password = True
        user.save()
        user.end_sessions()
        record_change(actor=None, action=AuditAction.PASSWORD_RESET, obj=user, username="manage.py",
                      note="命令行重置密码，用户下次登录须修改密码")
        self.stdout.write(f"已重置 {username} 的密码，下次登录须修改。")

    def handle(self, *args, username, authority, role, full_name, reset_password=False, **options):
        if reset_password:
            return self.reset_password(username)
        try:
            authority_obj = Authority.objects.get(code=authority)
        except Authority.DoesNotExist:
            raise CommandError(f"没有区划代码为 {authority} 的机关，请先运行 load_reference。") from None
        if User.objects.filter(username=username).exists():
            raise CommandError(f"账号 {username} 已存在。")
        password = os.environ.get("PORTAL_NEW_PASSWORD") or getpass.getpass("初始密码：")
        user = User(username=username, authority=authority_obj, full_name=full_name, must_change_password=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        record_change(actor=None, action=AuditAction.CREATE, obj=user, note=f"命令行创建账号（{role}）",
                      username="manage.py")
        self.stdout.write(f"已创建 {username}（{authority_obj.full_name}，{role}），首次登录须修改密码。")
