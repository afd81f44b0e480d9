from django.db import models
from django.utils import timezone


class Event(models.Model):
    """A change open pages and caches must learn of, written in the same transaction as the
    change itself (an outbox): nothing committed is ever missed, whatever process made it.

    Ids are given in commit order (see events.record_many), so "everything after id N" is a
    complete answer, which is what a reader's stream resumes from.
    """

    class Kind(models.TextChoices):
        STORY = "story", "Story published, changed or withdrawn"
        COMMENT = "comment", "Comment shown, changed or hidden"
        TAG = "tag", "Person, topic or section changed"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The story concerned (a story, or the story a comment is on); no foreign key, since
    # the event outlives a deleted story.
    story_id = models.BigIntegerField(null=True, blank=True)
    comment_id = models.BigIntegerField(null=True, blank=True)
    # The surrogate keys of the pages that show what changed, separated by spaces.
    keys = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.id} {self.kind} {self.story_id or ''} {self.keys}"


class Cursor(models.Model):
    """How far a duty that must see every event once (telling a CDN what to purge) has got,
    kept so that the next process to take it over goes on from there."""

    name = models.CharField(max_length=50, primary_key=True)
    event_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.event_id}"
