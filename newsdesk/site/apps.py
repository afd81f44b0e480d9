from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "newsdesk.site"
    label = "site"
    verbose_name = "Reader site"

    def ready(self):
        from . import security  # noqa: F401  (registers the deployment checks)
