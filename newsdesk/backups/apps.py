from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "newsdesk.backups"
    label = "backups"
    verbose_name = "Backups"
