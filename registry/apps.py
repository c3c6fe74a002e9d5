from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "登记管理"

    def ready(self):
        from registry import jobs  # noqa: F401  (job kinds)
