from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "newsdesk.audit"
    label = "audit"
    verbose_name = "Audit log"
