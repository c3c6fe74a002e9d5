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

    def handle(self, *args, username, authority, role, full_name, **options):
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
