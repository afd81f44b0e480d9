from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "newsdesk.moderation"
    label = "moderation"
    verbose_name = "Moderation"
