from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = "恢复：核对校验和后把备份恢复到一个空数据库和空文件目录，并逐表核对行数、逐个核对文件。"

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="backup 命令写出的备份目录")
        parser.add_argument("--database", required=True, help="目标数据库名（须已建立且为空）")
        parser.add_argument("--media-root", type=Path, default=None, help="文件恢复到的目录（默认 MEDIA_ROOT，须为空）")

    def handle(self, *args, source, database, media_root, **options):
        try:
            manifest = restore(source, database=database, media_root=media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"已恢复到数据库 {database}：{len(manifest['tables'])} 张表、{rows} 行，"
                          f"{len(manifest['media'])} 个文件，均与备份清单一致。")
