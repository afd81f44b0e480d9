from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "newsdesk.pictures"
    label = "pictures"
    verbose_name = "Pictures"
