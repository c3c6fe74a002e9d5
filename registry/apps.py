from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "登记管理"

    def ready(self):
        from registry import import_jobs, jobs  # noqa: F401  (job kinds)
