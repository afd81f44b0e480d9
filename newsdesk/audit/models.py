from django.conf import settings
from django.db import models
from django.utils import timezone


class Entry(models.Model):
    """One newsroom action: who did what to which object, and when."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target = models.CharField(max_length=300, blank=True, help_text="What it was called at the time.")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action} {self.target}"


def record(actor, action, target=None, note=""):
    """Write one entry; `target` is any model instance (or None)."""
    return Entry.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target=str(target)[:300] if target is not None else "",
        note=note,
    )
