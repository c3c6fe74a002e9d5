from django.apps import AppConfig


class AidProjectsConfig(AppConfig):
    name = "aid_projects"
    verbose_name = "援藏援疆"

    def ready(self):
        from aid_projects import jobs, panels  # noqa: F401  (registers job kinds and home panels)
