from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from portal.roles import sync_roles

    sync_roles()


def _install_page_notes(sender, using="default", **kwargs):
    from portal.page_cache import install_triggers

    install_triggers(using)


def _grant_app_role(sender, using="default", **kwargs):
    from django.conf import settings
    from django.db import connections

    from portal.db_roles import grant_app_privileges

    if settings.DATABASE_APP_ROLE:
        grant_app_privileges(connections[using], settings.DATABASE_APP_ROLE)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self):
        from portal import checks, jobs_builtin, panels, signals  # noqa: F401  (receivers, job kinds, panels, checks)
        from portal.gazetteer import clear_caches
        from portal.reference import reference_loaded

        # the place-name indexes hold Authority rows: a reload (new rows in a test) must not see stale ones
        reference_loaded.connect(clear_caches, dispatch_uid="portal.gazetteer.clear_caches")
        from portal.table_cells import install

        install()  # a column's cell attributes computed once per table, not once per cell (issue 17)
        from portal import choice_cache

        choice_cache.install()  # the filter forms' provinces and campaigns kept per process (issue 17)
        from portal.dates import install_date_messages

        install_date_messages()  # a typed date that is not one says why (issue 12 point 3)

        # post_migrate fires once per app; the last app's signal comes after every app's
        # permissions were created (auth's receiver runs for each app before ours).
        last_app = list(self.apps.get_app_configs())[-1]
        post_migrate.connect(_sync_roles, sender=last_app, dispatch_uid="portal.sync_roles")
        # every table's writes noted for the kept pages (portal/page_cache.py), the tables of this migrate too
        post_migrate.connect(_install_page_notes, sender=last_app, dispatch_uid="portal.page_notes")
        post_migrate.connect(_grant_app_role, sender=last_app, dispatch_uid="portal.grant_app_role")
