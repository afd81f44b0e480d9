from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "newsdesk.live"
    label = "live"
    verbose_name = "Live updates"
