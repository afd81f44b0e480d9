from django.apps import AppConfig


class RatelimitConfig(AppConfig):
    name = "newsdesk.ratelimit"
    label = "ratelimit"
    verbose_name = "Rate limits"
