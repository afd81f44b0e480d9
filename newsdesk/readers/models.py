from django.conf import settings
from django.db import models
from django.utils import timezone


class Reader(models.Model):
    """A registered reader: the name shown next to their comments. The email address
    (on the user) is never shown publicly."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader")
    display_name = models.CharField(max_length=50, help_text="Shown next to the reader's comments.")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.display_name

    @property
    def is_verified(self):
        return self.email_verified_at is not None
