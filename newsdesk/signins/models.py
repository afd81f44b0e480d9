from django.conf import settings
from django.db import models
from django.utils import timezone


class SignIn(models.Model):
    """One signed-in session of an account, as its owner sees it in their list.

    Kept beside the session itself, whatever stores it (the database, a cache such as Redis, or
    signed cookies, none of which can be listed by account). The session carries this row's id;
    a session whose row is gone is signed out at its next request.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signins")
    # The session's current key (Django gives a session a new one at sign-in and password change).
    session_key = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self):
        return f"{self.user} since {self.started_at:%Y-%m-%d %H:%M}"
