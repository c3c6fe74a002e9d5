from django.core.management.base import BaseCommand

from portal.reference import load_reference


class Command(BaseCommand):
    help = "载入基础数据：登记管理机关（区划）、对口支援关系、角色权限。可重复运行。"

    def handle(self, *args, **options):
        result = load_reference()
        a, p = result["authorities"], result["pairings"]
        self.stdout.write(
            f"登记管理机关：共 {a['total']}，新增 {a['created']}，更新 {a['updated']}；"
            f"对口支援关系：新增 {p['created']}，已有 {p['existing']}，未识别 {p['unresolved']}"
        )
