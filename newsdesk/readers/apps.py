from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "newsdesk.readers"
    label = "readers"
    verbose_name = "Reader accounts"
