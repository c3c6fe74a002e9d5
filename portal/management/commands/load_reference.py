from django.core.management.base import BaseCommand

from portal.reference import load_reference


class Command(BaseCommand):
    help = "载入基础数据：登记管理机关（区划）、对口支援关系、角色权限。可重复运行。"

    def handle(self, *args, **options):
        result = load_reference()
        a, p = result["authorities"], result["pairings"]
        self.stdout.write(
            f"登记管理机关：共 {a['total']}，新增 {a['created']}，更新 {a['updated']}；"
            f"对口支援关系：表中 {p['total']} 行，新增 {p['created']}，更新 {p['updated']}，未变 {p['unchanged']}，"
            f"部里修改过未覆盖 {len(p['kept_edited'])}，表中已无 {len(p['not_in_table'])}，"
            f"未识别 {len(p['unresolved'])}"
        )
        for line in p["kept_edited"] + p["not_in_table"] + p["unresolved"]:
            self.stdout.write(f"  {line}")
