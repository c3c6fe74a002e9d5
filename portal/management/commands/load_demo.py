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
