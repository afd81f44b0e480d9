from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "newsdesk.health"
    label = "health"
    verbose_name = "Health"
