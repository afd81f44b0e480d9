from django.apps import AppConfig


class RiverConfig(AppConfig):
    name = "newsdesk.river"
    label = "river"
