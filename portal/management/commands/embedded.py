from django.core.management.base import BaseCommand

from portal import embedded


class Command(BaseCommand):
    help = "嵌入式 PostgreSQL / Redis：status 查看，stop 停止，reset 停止并删除数据。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop", "reset"])

    def handle(self, *args, action, **options):
        from django.db import connections

        if action == "status":
            pg = "运行中" if embedded._postgres_running() else "未运行"
            redis = "运行中" if embedded._redis_alive() else "未运行"
            self.stdout.write(f"PostgreSQL：{pg}（{embedded.PG_DATA}）")
            self.stdout.write(f"Redis：{redis}（{embedded.REDIS_SOCKET}）")
            return
        connections.close_all()
        if action == "stop":
            embedded.stop()
            self.stdout.write("已停止嵌入式 PostgreSQL 与 Redis。")
        else:
            embedded.reset()
            self.stdout.write("已停止并删除嵌入式 PostgreSQL 与 Redis 的数据。")
