from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "newsdesk.wire"
    verbose_name = "Wire desk"
