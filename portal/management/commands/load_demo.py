from django.core.management.base import BaseCommand

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo, queue_demo_jobs


class Command(BaseCommand):
    help = "载入演示数据与演示账号（可重复运行，不会重复创建）；演示汇总表交给 Celery worker 生成。"

    def handle(self, *args, **options):
        for line in load_demo() + queue_demo_jobs():
            self.stdout.write(line)
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, (_, role, full_name) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<14} {role:<8} {full_name}")
        self.stdout.write("民政部的账号（bu_*）和系统、安全、审计管理员登录时还须输入动态口令：首次登录会显示二维码，"
                          "用手机上的身份验证器（如腾讯身份验证器、Microsoft Authenticator）扫描绑定；"
                          "以后每次登录输入其上显示的 6 位数字。")
