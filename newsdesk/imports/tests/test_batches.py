"""A run's files are saved several to a transaction, each file still all or nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from newsdesk.imports import reader, services
from newsdesk.imports.services import ImportFailed, StoryData, TagCache, import_batch
from newsdesk.live import events
from newsdesk.live.models import Event
from newsdesk.people.models import Person
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


def story(n, **fields):
    fields.setdefault("headline", f"Harbour ferry returns {n}")
    fields.setdefault("body_html", f"<p>Body {n}.</p>")
    return StoryData(guid=f"test:{n}", kind=Story.Kind.ARTICLE, **fields)


def files(*stories_of_each):
    return [(f"{n}.json", list(stories)) for n, stories in enumerate(stories_of_each)]


def test_files_of_a_batch_are_saved_in_one_transaction_with_one_record_of_their_events(monkeypatch):
    records = []
    record_many = events.record_many
    monkeypatch.setattr(events, "record_many", lambda rows: records.append(len(rows)) or record_many(rows))
    cache = TagCache()

    results = list(reader.save_files(files([story(1, people=["Anna Berg"])], [story(2), story(3)], [story(4)]), cache=cache))

    assert [[o.action for o in outcomes] for _, outcomes in results] == [["created"], ["created"] * 2, ["created"]]
    assert records == [4]
    assert sorted(Event.objects.values_list("story_id", flat=True)) == sorted(Story.objects.values_list("pk", flat=True))
    assert cache.has(Person, "Anna Berg")


def test_a_file_the_database_refuses_fails_alone_and_the_batch_is_saved_again_file_by_file():
    cache = TagCache()
    refused = story(6, urgency=-1)  # urgency is never below 0
    batch = files([story(1, people=["Anna Berg"])], [story(2), story(3)], [story(4), refused], "parse", [story(5)])
    batch[3] = ("3.txt", ImportFailed("3.txt", 2, "no headline"))

    results = list(reader.save_files(batch, cache=cache))

    assert [path for path, _ in results] == ["0.json", "1.json", "2.json", "3.txt", "4.json"]
    failed = [outcomes for _, outcomes in results if isinstance(outcomes, ImportFailed)]
    assert str(failed[0]).startswith("2.json: the database refused it") and str(failed[1]) == "3.txt:2: no headline"
    assert sorted(Story.objects.values_list("guid", flat=True)) == ["test:1", "test:2", "test:3", "test:5"]
    # Anna Berg, made in the batch that was rolled back, was made again by her file on its own.
    assert Story.objects.get(guid="test:1").people.get().name == "Anna Berg"
    assert sorted(Event.objects.values_list("story_id", flat=True)) == sorted(Story.objects.values_list("pk", flat=True))


def test_a_batch_that_fails_leaves_nothing_and_the_run_forgets_the_names_it_made():
    cache = TagCache()
    with pytest.raises(Exception):
        import_batch([[story(1, people=["Anna Berg"])], [story(2, urgency=-1)]], cache=cache)

    assert not Story.objects.exists() and not Person.objects.exists() and not Event.objects.exists()
    assert not cache.has(Person, "Anna Berg")


@pytest.mark.django_db(transaction=True)  # foreign keys are checked when the batch commits
def test_a_file_whose_foreign_keys_fail_at_the_commit_fails_alone(tmp_path):
    cache = TagCache()
    services.import_items([story(1, people=["Anna Berg"])], cache=cache)
    Person.objects.all().delete()  # the run still knows Anna Berg by an id that is gone

    results = list(reader.save_files(files([story(2)], [story(3, people=["Anna Berg"])], [story(4)]), cache=cache))

    assert [type(r).__name__ for _, r in results] == ["list", "ImportFailed", "list"]
    assert sorted(Story.objects.values_list("guid", flat=True)) == ["test:1", "test:2", "test:4"]


def test_the_same_story_in_two_files_of_a_batch_is_recorded_once():
    results = list(reader.save_files(files([story(1)], [story(1, standfirst="Later.")])))

    assert [outcomes[0].action for _, outcomes in results] == ["created", "updated"]
    assert Event.objects.count() == 1


def test_a_dry_run_saves_each_file_on_its_own_and_keeps_nothing():
    results = list(reader.save_files(files([story(1)], [story(1)]), dry_run=True))

    assert [outcomes[0].action for _, outcomes in results] == ["created", "created"]
    assert not Story.objects.exists() and not Event.objects.exists()


def test_a_batch_is_no_bigger_than_its_limits(monkeypatch):
    sizes = []
    monkeypatch.setattr(reader, "SAVE_FILES", 3)
    monkeypatch.setattr(reader, "import_batch", lambda batch, **options: sizes.append(len(batch)) or services.import_batch(batch, **options))

    results = list(reader.save_files(files(*([story(n)] for n in range(8)))))

    assert sizes == [3, 3, 2] and len(results) == 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one-statement writes are PostgreSQL's")
def test_on_postgresql_files_of_new_stories_are_written_together_each_whole_and_the_others_the_usual_way():
    cache = TagCache()
    services.import_items([story(1, topics=["Weather"])], cache=cache)
    Event.objects.all().delete()
    batch = [[story(2, topics=["Weather"])], [story(3)], [story(1, topics=["Weather"], standfirst="Later.")],
             [story(4, headline="Harbour ferry returns 2")], [story(5), story(6)], [story(3)]]

    with CaptureQueriesContext(connection) as ctx:
        results = import_batch(batch, cache=cache)

    assert [[o.action for o in outcomes] for outcomes in results] == [
        ["created"], ["created"], ["updated"], ["created"], ["created", "created"], ["unchanged"]]
    assert results[3][0].slug == "harbour-ferry-returns-2-2"
    # Stories 2, 3 and 1 in one statement (1 is taken: its file goes the usual way after them);
    # then 4 (whose slug 2 took: the usual way), 5 and 6 (one file, written whole), and 3 again.
    assert len([q for q in ctx.captured_queries if q["sql"].startswith("WITH v ") and "_file" in q["sql"]]) == 2
    assert not [q for q in ctx.captured_queries if "ON CONFLICT" in q["sql"]]
    assert sorted(Event.objects.values_list("story_id", flat=True)) == sorted(Story.objects.values_list("pk", flat=True))
    assert Story.objects.get(guid="test:1").standfirst == "Later."
    assert [sorted(Story.objects.get(guid=f"test:{n}").topics.values_list("name", flat=True)) for n in (1, 2, 3)] == [
        ["Weather"], ["Weather"], []]


def test_a_batch_indexes_its_stories_for_search_at_once(monkeypatch):
    from newsdesk.search import services as search

    refreshed = []
    refresh = search.refresh
    monkeypatch.setattr(search, "refresh", lambda ids, **options: refreshed.append(list(ids)) or refresh(ids, **options))

    list(reader.save_files(files([story(1)], [story(2), story(3)], [story(4)])))

    assert len(search.matching_ids("harbour ferry")) == 4
    # One refresh for the batch, not one a file (on PostgreSQL, the statement that writes them indexes them).
    assert len(refreshed) == (0 if connection.vendor == "postgresql" else 1)


def test_a_story_made_and_changed_in_one_batch_is_found_by_its_new_words_once():
    from newsdesk.search import services as search

    results = list(reader.save_files(files([story(1)], [story(2), story(3)], [story(1, standfirst="Lighthouse keepers.")])))

    assert [[o.action for o in outcomes] for _, outcomes in results] == [["created"], ["created"] * 2, ["updated"]]
    assert len(search.matching_ids("harbour ferry")) == 3
    assert search.matching_ids("lighthouse keepers") == [Story.objects.get(guid="test:1").pk]
    table, column = ("search_entry", "story_id") if connection.vendor == "postgresql" else ("search_fts", "rowid")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        assert sorted(row[0] for row in cursor.fetchall()) == sorted(Story.objects.values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one-statement writes are PostgreSQL's")
def test_on_postgresql_new_files_naming_people_not_known_yet_are_written_together_with_their_people_made_at_once():
    cache = TagCache()
    services.import_items([story(1, topics=["Weather"])], cache=cache)
    batch = [[story(2, people=["Anna Berg"])], [story(3, people=["Erik Dahl"], topics=["Ferries", "Weather"])],
             [story(4, people=["anna berg"], section="Local")]]

    with CaptureQueriesContext(connection) as ctx:
        results = import_batch(batch, cache=cache)

    assert [[o.action for o in outcomes] for outcomes in results] == [["created"]] * 3
    written = [q for q in ctx.captured_queries if q["sql"].startswith("WITH v ")]
    made = [q for q in ctx.captured_queries if q["sql"].startswith(("INSERT INTO \"people_", "INSERT INTO \"stories_section",
                                                                      "WITH made"))]
    assert len(written) == 1 and len(made) == 1  # the three files in one statement, their tags in one before it
    looked_up = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT 0, ")]
    assert len(looked_up) == 1  # whether another process made them meanwhile: one query for all
    tags = {n: (sorted(Story.objects.get(guid=f"test:{n}").people.values_list("name", flat=True)),
                sorted(Story.objects.get(guid=f"test:{n}").topics.values_list("name", flat=True))) for n in (2, 3, 4)}
    assert tags == {2: (["Anna Berg"], []), 3: (["Erik Dahl"], ["Ferries", "Weather"]), 4: (["Anna Berg"], [])}
    assert Story.objects.get(guid="test:4").section.name == "Local"
    assert Person.objects.count() == 2
