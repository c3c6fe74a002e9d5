from django.apps import AppConfig


class AidProjectsConfig(AppConfig):
    name = "aid_projects"
    verbose_name = "援藏援疆"

    def ready(self):
        from aid_projects import jobs, panels  # noqa: F401  (registers job kinds and home panels)
        from aid_projects.places import clear_caches
        from portal.reference import reference_loaded

        # the resolved places are Authority rows: a reload (new rows in a test) must not see stale ones
        reference_loaded.connect(clear_caches, dispatch_uid="aid_projects.places.clear_caches")
