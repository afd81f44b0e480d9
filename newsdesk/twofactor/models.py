from django.conf import settings
from django.db import models
from django.utils import timezone


class Authenticator(models.Model):
    """A newsroom account's authenticator app (TOTP, RFC 6238): its shared secret, encrypted.

    Made when the account starts setting it up; on once a first code confirms it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authenticator")
    secret = models.TextField(help_text="The shared secret, encrypted with a key derived from SECRET_KEY.")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The time step of the last code taken: a code is never taken twice, nor one older than it.
    last_step = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Authenticator of {self.user}"

    @property
    def is_on(self):
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code for signing in without the app, kept only as its SHA-256 (the codes are
    80 random bits: a fast hash is enough, and lets a code be looked up by it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Recovery code of {self.user}{' (used)' if self.used_at else ''}"
