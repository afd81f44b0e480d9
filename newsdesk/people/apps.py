from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "newsdesk.people"
    label = "people"
    verbose_name = "People and topics"
