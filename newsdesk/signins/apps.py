from django.apps import AppConfig


class SignInsConfig(AppConfig):
    name = "newsdesk.signins"
    label = "signins"
    verbose_name = "Signed-in sessions"
