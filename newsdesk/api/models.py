"""Newsroom tokens: what lets a partner's script use the API as a newsroom member."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsdesk.audit.models import record

PREFIX = "nd_"
# Writing "last used" on every call would make each read a write: once a minute is plenty.
LAST_USED_EVERY = 60


def digest_of(secret):
    # A token is 256 random bits: a plain SHA-256 is enough, no slow password hash needed.
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Token(models.Model):
    """A bearer token. Only its hash is kept: the token itself is shown once, at creation."""

    name = models.CharField(max_length=100, help_text="What it is for, e.g. the partner's app.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The token's first characters, to recognise it.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, owner, name):
        """A new token for `owner`: (token, the secret to show once)."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(owner=owner, name=" ".join(name.split())[:100] or "API token",
                                   digest=digest_of(secret), hint=secret[:10])
        record(owner, "create-token", token)
        return token, secret

    @classmethod
    def holding(cls, secret):
        """The token with this secret, revoked or not, or None."""
        return cls.objects.select_related("owner").filter(digest=digest_of(secret)).first()

    @property
    def revoked(self):
        return self.revoked_at is not None

    def revoke(self, by):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
            record(by, "revoke-token", self)

    def used(self):
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > LAST_USED_EVERY:
            Token.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
