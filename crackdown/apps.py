from django.apps import AppConfig


class CrackdownConfig(AppConfig):
    name = "crackdown"
    verbose_name = "打击整治"

    def ready(self):
        from crackdown import jobs, panels  # noqa: F401  (job kinds, home panels)
