from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "newsdesk.directory"
    label = "directory"
    verbose_name = "Directory pages"
