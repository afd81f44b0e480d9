import hashlib
import ipaddress

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsdesk.stories.models import Story


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"
        DELETED = "deleted", "Deleted by its author"

    class Sort(models.TextChoices):
        OLDEST = "oldest", "Oldest"
        NEWEST = "newest", "Newest"
        LIKED = "liked", "Most liked"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The top-level comment of the thread: replies are shown one level deep under it.
    thread = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="comments")
    author_name = models.CharField(max_length=50)
    guest_email = models.EmailField(blank=True, help_text="A guest's email; never shown.")
    text = models.TextField(help_text="As the reader wrote it.")
    html = models.TextField(help_text="What readers see: the text, sanitised.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    held_because = models.CharField(max_length=200, blank=True, help_text="Why it waits for a moderator.")
    reject_reason = models.CharField(max_length=300, blank=True, help_text="Shown to the author.")
    ip = models.GenericIPAddressField(null=True, blank=True)
    digest = models.CharField(max_length=64, help_text="Of the normalised text, to spot duplicates.")
    # The hidden key of the form it was sent from: the same form sent again (a retry after a lost
    # answer) is answered with this comment instead of storing another.
    form_key = models.CharField(max_length=32, blank=True, default="")
    like_count = models.PositiveIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["story", "status", "thread", "created_at"], name="comment_listing"),
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            models.Index(fields=["digest"], name="comment_digest"),
        ]
        permissions = [("moderate_comment", "Can moderate comments")]

    def __str__(self):
        return f"{self.author_name}: {self.text[:60]}"

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED

    @property
    def reply_to_name(self):
        """For a reply deeper than one level: the name of the comment it answers."""
        if self.parent_id and self.parent_id != self.thread_id:
            return self.parent.author_name
        return ""

    def get_absolute_url(self):
        return f"{self.story.get_absolute_url()}#comment-{self.pk}"

    def editable_until(self):
        return self.created_at + timezone.timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)

    def can_edit(self, user):
        return (
            user.is_authenticated and self.author_id == user.pk and self.status != self.Status.DELETED
            and timezone.now() < self.editable_until()
        )

    def can_delete(self, user):
        return user.is_authenticated and self.author_id == user.pk and self.status != self.Status.DELETED

    @staticmethod
    def digest_of(text):
        return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()


class Like(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_like_per_reader")]


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off-topic", "Off topic"
        PRIVACY = "privacy", "Shares private information"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader"),
        ]


class BanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))


class Ban(models.Model):
    class Kind(models.TextChoices):
        USER = "user", "Account"
        EMAIL = "email", "Email address"
        IP = "ip", "IP address or range"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    value = models.CharField(max_length=254, help_text="A user id, an email, or an IP range like 203.0.113.0/24.")
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = BanQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="ban_lookup")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"

    def covers_ip(self, ip):
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(self.value, strict=False)
        except ValueError:
            return False


class WordRule(models.Model):
    class Action(models.TextChoices):
        REFUSE = "refuse", "Banned: the comment is refused"
        HOLD = "hold", "Suspect: the comment waits for review"

    word = models.CharField(max_length=100, unique=True, help_text="A word or phrase, matched as whole words.")
    action = models.CharField(max_length=6, choices=Action.choices)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word


class LogEntry(models.Model):
    """Who did what to which comment, and when: the moderation log."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="log")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # For undo: the comment's status and the fields the action changed, as they were before it
    # (or {"ban": id} for a ban); empty for what cannot be undone.
    before = models.JSONField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "log entries"
