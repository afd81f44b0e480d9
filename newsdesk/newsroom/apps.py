from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
