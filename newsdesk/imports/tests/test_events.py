"""Imported stories are announced: each story an import creates or changes that readers see
(or saw) is recorded as a live event, in the transaction that writes it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.imports.reader import import_file
from newsdesk.imports.services import StoryData, TagCache, import_items
from newsdesk.live import events
from newsdesk.live.models import Event
from newsdesk.people.models import Person, Topic
from newsdesk.stories import services as stories
from newsdesk.stories.models import Story
from newsdesk.testing import SEED, need_shared

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="one-statement writes are PostgreSQL's")


def story(n, **fields):
    fields.setdefault("headline", f"Harbour ferry returns {n}")
    fields.setdefault("body_html", f"<p>Body {n}.</p>")
    return StoryData(guid=f"test:{n}", kind=Story.Kind.ARTICLE, **fields)


def expected_keys(pk, *, river=True):
    """The keys of the pages that show story `pk` as saved (its tags read from the database)."""
    saved = Story.objects.get(pk=pk)
    keys = {events.story_key(pk), events.ARCHIVE} | events.tag_keys(
        section_ids=[saved.section_id],
        person_ids=saved.people.values_list("pk", flat=True),
        topic_ids=saved.topics.values_list("pk", flat=True),
    )
    return keys | {events.RIVER} if river else keys


def recorded():
    """{story id: [keys of each of its events]}, as recorded."""
    found = {}
    for event in Event.objects.order_by("id"):
        assert event.kind == "story" and event.comment_id is None
        found.setdefault(event.story_id, []).append(set(event.keys.split()))
    return found


def test_importing_the_sample_page_records_one_event_per_story_with_its_pages_keys():
    need_shared(SEED, "the sample page")
    outcomes = import_file(SEED, date=timezone.localdate())

    created = [o.pk for o in outcomes if o.action == "created"]
    assert len(created) == 6 == Story.objects.count()
    # The database was empty: every river shows them all.
    assert recorded() == {pk: [expected_keys(pk)] for pk in created}
    assert all(keys >= stories.public_keys(pk) for pk, [keys] in recorded().items())
    assert any(key.startswith("person:") for [keys] in recorded().values() for key in keys)  # Vladimir Putin

    again = import_file(SEED, date=timezone.localdate())
    assert {o.action for o in again} == {"unchanged"}
    assert Event.objects.count() == 6  # nothing new recorded


def test_the_keys_are_written_as_record_many_writes_them():
    [outcome] = import_items([story(1, people=["Anna Berg"], topics=["Weather"], section="Local")])

    event = Event.objects.get()
    pk = outcome.pk
    person, topic = Person.objects.get().pk, Topic.objects.get().pk
    section = Story.objects.get().section_id
    assert event.keys == " ".join(sorted({f"story:{pk}", "archive", "river", f"person:{person}", f"topic:{topic}",
                                          f"section:{section}"}))


def test_an_update_records_one_event_with_the_tags_it_had_and_has():
    cache = TagCache()
    [first] = import_items([story(1, people=["Anna Berg"], topics=["Weather"])], cache=cache)
    anna = Person.objects.get(name="Anna Berg").pk
    Event.objects.all().delete()

    [changed] = import_items([story(1, people=["Erik Dahl"], topics=["Weather"], standfirst="Late.")], cache=cache)

    assert changed.action == "updated"
    [[keys]] = recorded().values()
    assert keys == expected_keys(first.pk) | {f"person:{anna}"}
    assert recorded().keys() == {first.pk}


def test_an_unchanged_story_records_nothing():
    cache = TagCache()
    import_items([story(1, topics=["Weather"])], cache=cache)
    Event.objects.all().delete()

    [again] = import_items([story(1, topics=["Weather"])], cache=cache)

    assert again.action == "unchanged" and not Event.objects.exists()


def test_stories_readers_cannot_see_yet_are_not_announced():
    later = timezone.now() + timedelta(hours=2)
    outcomes = import_items([
        story(1, published_at=later),
        story(2, status=Story.Status.WITHDRAWN),
        story(3),
    ])

    assert recorded().keys() == {outcomes[2].pk}


def test_a_file_that_fails_records_nothing():
    refused = story(3, urgency=-1)  # urgency is never below 0

    with pytest.raises(IntegrityError):
        import_items([story(1), story(2), refused])

    assert not Story.objects.exists() and not Event.objects.exists()


def test_a_dry_run_records_nothing():
    outcomes = import_items([story(1), story(2)], dry_run=True)

    assert [o.action for o in outcomes] == ["created"] * 2
    assert not Story.objects.exists() and not Event.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)  # as the import command runs: outside any transaction
def test_on_postgresql_the_one_statement_write_records_the_events_itself():
    cache = TagCache()
    import_items([story(0, people=["Anna Berg"], topics=["Weather"])], cache=cache)

    with CaptureQueriesContext(connection) as one:
        [outcome] = import_items([story(1, people=["Anna Berg"], topics=["Weather"])], cache=cache)
    with CaptureQueriesContext(connection) as three:
        outcomes = import_items([story(n, topics=["Weather"]) for n in range(2, 5)]
                                + [story(5, published_at=timezone.now() + timedelta(hours=1))], cache=cache)

    assert [q["sql"].split()[0] for q in one.captured_queries] == ["WITH"]
    assert [q["sql"].split()[0] for q in three.captured_queries] == ["SELECT", "WITH"]
    found = recorded()
    assert found[outcome.pk] == [expected_keys(outcome.pk)]
    assert {pk: found[pk] for pk in (o.pk for o in outcomes[:3])} == {o.pk: [expected_keys(o.pk)] for o in outcomes[:3]}
    assert outcomes[3].pk not in found  # not shown yet
    # Written as record_many writes them: the keys sorted, one space apart.
    for event in Event.objects.all():
        assert event.keys == " ".join(sorted(event.keys.split()))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_one_statement_write_waits_for_the_event_order_lock():
    """While another transaction holds the lock that orders events, the statement writes
    nothing: it takes the lock before any event (or story) is written."""
    import psycopg

    cache = TagCache()
    import_items([story(0, topics=["Weather"])], cache=cache)
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")})
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [events.ORDER_LOCK])  # held: its transaction is open
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            with pytest.raises(Exception, match="lock timeout"):
                import_items([story(1, topics=["Weather"])], cache=cache)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        other.rollback()
        other.close()
    assert list(Story.objects.values_list("guid", flat=True)) == ["test:0"]
    assert list(Event.objects.values_list("story_id", flat=True)) == [Story.objects.get().pk]
