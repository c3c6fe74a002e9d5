"""``migrate`` as the owner role.

The portal's own connection is the app role, which may not change the schema; when it is the
default connection, this command runs Django's migrate again in a child process connected as the
owner (``PORTAL_DB_AS_OWNER=1``).  After migrating, the app role's grants are renewed (portal.apps).
"""

import os
import subprocess
import sys

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        owner_user = dj_database_url.parse(settings.DATABASE_OWNER_URL).get("USER")
        current_user = connections[options["database"]].settings_dict.get("USER")
        if options["database"] == DEFAULT_DB_ALIAS and current_user != owner_user:
            return self.migrate_as_owner(options)
        return super().handle(*args, **options)

    def migrate_as_owner(self, options):
        argv = [sys.executable, "manage.py", "migrate", "--noinput", f"--verbosity={options['verbosity']}"]
        argv += [arg for arg in (options.get("app_label"), options.get("migration_name")) if arg]
        for flag in ("fake", "fake_initial", "plan", "check_unapplied", "prune"):
            if options.get(flag):
                argv.append("--" + flag.replace("_", "-").replace("check-unapplied", "check"))
        result = subprocess.run(argv, cwd=settings.BASE_DIR, env={**os.environ, "PORTAL_DB_AS_OWNER": "1"})
        if result.returncode != 0:
            raise CommandError("以数据库属主角色执行迁移失败。")
