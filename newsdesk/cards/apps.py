from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "newsdesk.cards"
    label = "cards"
    verbose_name = "Sharing cards and structured data"
