"""Recording changes: every service that changes what readers see calls these inside its
transaction. The event rows commit with the change or not at all; caches in this process
are dropped at once, and every process's feed picks the rows up within a fraction of a
second (at once when Redis rings the bell)."""

from django.db import connection, transaction

from . import state
from .models import Event

# PostgreSQL gives sequence numbers in the order transactions ask, not the order they
# commit: holding this lock from the insert to the commit makes the two the same, so a
# reader that has seen event N has seen everything before it.
ORDER_LOCK = 0x4E455753  # "NEWS"

RIVER = "river"      # pages that show the "Read next" river or the latest stories
ARCHIVE = "archive"  # date archive, sitemap and other complete listings


def story_key(pk):
    return f"story:{pk}"


def tag_keys(*, section_ids=(), person_ids=(), topic_ids=()):
    return ({f"section:{pk}" for pk in section_ids if pk}
            | {f"person:{pk}" for pk in person_ids} | {f"topic:{pk}" for pk in topic_ids})


def record_many(rows):
    """Record (kind, story_id, comment_id, keys) rows in the current transaction."""
    rows = [row for row in rows if row]
    if not rows:
        return []
    keys = set()
    for row in rows:
        keys.update(row[3])
    # In a caller's transaction, no savepoint of its own: the events commit with the change or not at all.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ORDER_LOCK])
        events = Event.objects.bulk_create([
            Event(kind=kind, story_id=story_id, comment_id=comment_id, keys=" ".join(sorted(set(row_keys))))
            for kind, story_id, comment_id, row_keys in rows
        ])
    state.note_event(max((event.pk for event in events if event.pk is not None), default=None))
    _changed(keys)
    return events


def record(kind, *, story_id=None, comment_id=None, keys=()):
    return record_many([(kind, story_id, comment_id, set(keys))])


def written(keys):
    """What record_many does once its rows are in: for event rows written by a statement of
    one's own, in the transaction of the change, which took ORDER_LOCK before the insert
    took its ids (imports write a file's stories and their events in one statement)."""
    _changed(keys)


def _changed(keys):
    """Drop this process's caches now (a test, or a request in this same transaction, reads
    the change at once) and again once committed (a render that read the old rows in the
    meantime must not stay cached); then ring the other processes' bell."""
    from . import feed

    keys = frozenset(keys)
    state.changed(keys)

    def committed():
        state.changed(keys)
        feed.ring()

    transaction.on_commit(committed)
