from django.apps import AppConfig


class LoginsConfig(AppConfig):
    name = "newsdesk.logins"
    label = "logins"
    verbose_name = "Sign-in throttling"
