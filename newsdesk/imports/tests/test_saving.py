"""How a file's stories are written: together, with their slugs and tags found in few queries."""

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from newsdesk.conftest import make_article
from newsdesk.imports.items import WIRE_FIELDS
from newsdesk.imports.reader import import_file
from newsdesk.imports.services import (
    RUN_CHECKPOINT_PAGES, ImportFailed, StoryData, TagCache, import_items, import_run, label_kinds,
)
from newsdesk.imports.sql import _rows_cursor, _table
from newsdesk.imports.writing import _FileWriter
from newsdesk.people import services as tags
from newsdesk.people.models import Person, Topic
from newsdesk.slugs import PROBES, SlugPicker, unique_slug
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db


def story(n, **fields):
    fields.setdefault("headline", f"Harbour ferry returns {n}")
    fields.setdefault("body_html", f"<p>Body {n}.</p>")
    return StoryData(guid=f"test:{n}", kind=Story.Kind.ARTICLE, **fields)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text if isinstance(text, str) else json.dumps(text), encoding="utf-8")
    return path


def test_two_stories_of_one_file_with_the_same_headline_get_two_slugs():
    outcomes = import_items([story(1, headline="Storm hits the coast"), story(2, headline="Storm hits the coast")])

    assert [o.action for o in outcomes] == ["created", "created"]
    assert [o.story.slug for o in outcomes] == ["storm-hits-the-coast", "storm-hits-the-coast-2"]
    assert [o.story.pk for o in outcomes] == list(Story.objects.order_by("pk").values_list("pk", flat=True))


def test_two_briefs_of_a_page_with_the_same_first_sentence_get_two_slugs(tmp_path):
    page = "Page\nBody.\nRead next\n10:00\nStorm warning. Ferries stop.\n11:00\nStorm warning. Roads close.\n"
    outcomes = import_file(write(tmp_path, "page.txt", page))

    assert [o.story.slug for o in outcomes[1:]] == ["storm-warning", "storm-warning-2"]


def test_a_slug_taken_by_a_saved_story_is_numbered_as_story_save_numbers_it():
    make_article(headline="Storm hits the coast")
    make_article(headline="Storm hits the coast")  # storm-hits-the-coast-2
    Story.objects.filter(slug="storm-hits-the-coast-2").update(slug="storm-hits-the-coast-4")

    outcomes = import_items([story(1, headline="Storm hits the coast"), story(2, headline="Storm hits the coast")])

    assert [o.story.slug for o in outcomes] == ["storm-hits-the-coast-2", "storm-hits-the-coast-3"]


def test_beyond_the_probed_numbers_the_taken_ones_are_read():
    for _ in range(PROBES + 2):
        make_article(headline="Weather")
    assert Story.objects.filter(slug=f"weather-{PROBES + 2}").exists()

    outcome = import_items([story(1, headline="Weather")])[0]

    assert outcome.story.slug == f"weather-{PROBES + 3}"


def test_slug_picker_chooses_as_unique_slug_would():
    for slug in ["news", "news-2", "news-3", "tide-5", "x"]:
        make_article(headline="tmp", slug=slug)
    picker = SlugPicker(Story, ["news", "tide", "x"])

    for base in ["news", "tide", "x", "news", "fresh", "unasked"]:
        expected = unique_slug(Story, base, fallback="article")
        assert picker.pick(base) == expected
        make_article(headline=base, slug=expected)


def test_a_file_of_new_stories_is_written_with_a_fixed_number_of_queries():
    Person.named("Anna Berg"), Topic.named("Weather")

    def queries(first, count):
        items = [story(n, people=["Anna Berg"], topics=["Weather"]) for n in range(first, first + count)]
        with CaptureQueriesContext(connection) as ctx:
            import_items(items)
        return len(ctx)

    one, six = queries(0, 1), queries(10, 6)
    # The transaction (a savepoint in a test: two), one lookup of guids and slugs, the tags
    # (people, topics: one each), the people's names and aliases for those the text names,
    # and the river's cut (all read once a run), one insert of stories
    # and one per link table, and the live events (one insert, after the lock on PostgreSQL);
    # on PostgreSQL, stories and links are written by one statement (their search index too).
    # On SQLite, the search index: a read of the stories' text, one of their people's and
    # topics' names, and one insert.
    assert one == six == (10 if connection.vendor == "postgresql" else 14)
    assert Story.objects.count() == 7 and Person.objects.get().stories.count() == 7


def _indexing(query):
    """The search index's read of the written stories' people and topics (through their links): no lookup."""
    return Story.people.through._meta.db_table in query["sql"]


def _names_read(query):
    """The run's one read of the people's names and aliases, to find those a text names."""
    return not query["sql"].startswith(("INSERT", "WITH")) and "aliases" in query["sql"]


def test_a_run_asks_for_a_known_tag_once():
    cache = TagCache()
    import_items([story(1, people=["Anna Berg"], topics=["Weather"])], cache=cache)

    with CaptureQueriesContext(connection) as ctx:
        import_items([story(2, people=["anna berg"], topics=["WEATHER"])], cache=cache)

    tag_tables = (Person._meta.db_table, Topic._meta.db_table)
    assert not [q for q in ctx.captured_queries if any(table in q["sql"] for table in tag_tables) and not _indexing(q)]
    assert Person.objects.count() == 1 and Topic.objects.count() == 1


def test_new_people_topics_and_a_section_of_a_file_are_looked_up_in_one_query_and_made_together():
    Topic.named("Erik Dahl")  # a topic's slug does not keep a person from taking it
    Person.objects.create(name="Anna Berg (retired)", slug="anna-berg")  # a person's does
    cache = TagCache()
    cache.id(Person, ""), cache.id(Topic, ""), cache.id(Section, "")  # the run has read the names it knows
    items = [story(1, people=["Anna Berg", "Erik Dahl"], topics=["Weather", "Ferries"], section="Local news")]

    with CaptureQueriesContext(connection) as ctx:
        [outcome] = import_items(items, cache=cache)

    tag_tables = (Person._meta.db_table, Topic._meta.db_table, Section._meta.db_table)
    on_tags = [q["sql"].split()[0] for q in ctx.captured_queries
               if any(table in q["sql"] for table in tag_tables) and not _indexing(q) and not _names_read(q)]
    # One lookup for all three models; then one statement making them all (PostgreSQL) or one a model.
    assert on_tags == (["SELECT", "WITH"] if connection.vendor == "postgresql" else ["SELECT", "INSERT", "INSERT", "INSERT"])
    saved = outcome.story
    assert sorted(saved.people.values_list("name", "slug")) == [("Anna Berg", "anna-berg-2"), ("Erik Dahl", "erik-dahl")]
    assert sorted(saved.topics.values_list("name", "slug")) == [("Ferries", "ferries"), ("Weather", "weather")]
    assert (saved.section.name, saved.section.slug) == ("Local news", "local-news")
    assert Topic.objects.count() == 3 and Person.objects.count() == 3


def test_tags_are_found_whatever_their_case_and_new_ones_are_made_with_slugs():
    anna = Person.named("anna berg")

    outcome = import_items([story(1, people=["Anna  Berg", "Erik Dahl", "erik dahl"], topics=["Weather"])])[0]

    assert set(outcome.story.people.all()) == {anna, Person.objects.get(name="Erik Dahl")}
    assert Person.objects.count() == 2
    assert Person.objects.get(name="Erik Dahl").slug == "erik-dahl"
    assert outcome.story.topics.get().slug == "weather"


def test_labels_of_a_page_are_told_apart_with_a_query_per_model_and_remembered():
    Topic.named("Ukraine"), Person.named("Vladimir Putin")
    cache = TagCache()

    with CaptureQueriesContext(connection) as ctx:
        kinds = label_kinds(["Ukraine", "Vladimir Putin", "Anna Berg", "weather news"], cache)
    assert len(ctx) == 2
    assert kinds == {"Ukraine": Topic, "Vladimir Putin": Person, "Anna Berg": Person, "weather news": Topic}

    with CaptureQueriesContext(connection) as ctx:
        assert label_kinds(["ukraine", "Vladimir Putin", "Anna Berg"], cache) == {
            "ukraine": Topic, "Vladimir Putin": Person, "Anna Berg": Person,
        }
    assert len(ctx) == 0


def test_a_guid_twice_in_one_file_is_created_then_unchanged_or_updated():
    same = import_items([story(1), story(1)])
    assert [o.action for o in same] == ["created", "unchanged"] and same[0].story == same[1].story

    changed = import_items([story(2, body_html="<p>First.</p>"), story(2, body_html="<p>Second.</p>", people=["Anna Berg"])])
    assert [o.action for o in changed] == ["created", "updated"]
    saved = Story.objects.get(guid="test:2")
    assert saved.body == "<p>Second.</p>" and [p.name for p in saved.people.all()] == ["Anna Berg"]


def test_new_changed_and_unchanged_stories_in_one_file():
    import_items([story(1), story(2)])

    outcomes = import_items([story(1), story(2, body_html="<p>New.</p>"), story(3)])

    assert [o.action for o in outcomes] == ["unchanged", "updated", "created"]
    assert Story.objects.get(guid="test:2").body == "<p>New.</p>"
    assert len({o.story.slug for o in outcomes}) == 3


def test_an_unchanged_story_is_reported_without_being_written():
    import_items([story(1, byline="A. Writer")])

    outcome = import_items([story(1, byline="A. Writer")])[0]

    assert outcome.action == "unchanged"
    assert outcome.as_json()["url"] == Story.objects.get().get_absolute_url()
    assert outcome.story.byline == "A. Writer"


def test_a_dry_run_does_not_leave_its_new_tags_in_the_run_cache():
    cache = TagCache()
    import_items([story(1, people=["Anna Berg"])], dry_run=True, cache=cache)

    outcome = import_items([story(1, people=["Anna Berg"])], cache=cache)[0]

    assert outcome.story.people.get() == Person.objects.get(name="Anna Berg")


def test_fingerprint_is_the_hash_of_the_fields_as_before():
    data = story(1, people=["Anna Berg"], pictures=[{"uri": "u", "href": "h"}], published_at=datetime(2025, 1, 2, tzinfo=UTC))
    fields = asdict(data)
    del fields["labels"]  # told apart before the fingerprint is taken
    for name in WIRE_FIELDS:  # what an agency says of its copy, not the story
        del fields[name]
    del fields["authors"]  # none: a story without authors keeps the fingerprint it had before they were read
    for key in ("published_at", "updated_at", "created_at"):
        fields[key] = fields[key].isoformat() if fields[key] else None
    expected = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()

    assert data.fingerprint() == expected


def test_a_name_the_newsroom_renamed_leads_to_the_renamed_tag(django_user_model):
    twitter = Topic.objects.create(name="Twitter")
    tags.rename(twitter, "X", by=django_user_model.objects.create_user("editor"))

    outcome = import_items([story(1, topics=["twitter"])])[0]

    assert list(outcome.story.topics.all()) == [twitter] and Topic.objects.count() == 1


def test_a_tag_made_by_another_process_during_a_run_is_found_not_made_twice():
    cache = TagCache()
    import_items([story(1, people=["Anna Berg"])], cache=cache)  # the run has read the people
    erik = Person.objects.create(name="Erik Dahl", slug="erik-dahl")

    outcome = import_items([story(2, people=["erik dahl"])], cache=cache)[0]

    assert list(outcome.story.people.all()) == [erik] and Person.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # foreign keys are checked when a file commits
def test_a_file_the_database_refuses_fails_whole_and_the_next_one_imports(tmp_path):
    cache = TagCache()
    import_items([story(1, people=["Anna Berg"])], cache=cache)
    Person.objects.all().delete()  # the run still knows Anna Berg by an id that is gone
    page = "Anna Berg speaks\nThe mayor spoke.\nRead next\n10:00\nAnna Berg\nThe ferry is late. Again.\n"

    with pytest.raises(ImportFailed, match=r"page\.txt: the database refused it"):
        import_file(write(tmp_path, "page.txt", page), cache=cache)
    assert Story.objects.count() == 1

    outcomes = import_file(write(tmp_path, "next.txt", "Ferry news\nThe ferry is late.\n"), cache=TagCache())
    assert [o.action for o in outcomes] == ["created"] and Story.objects.count() == 2


def test_a_row_the_database_refuses_is_a_django_error_from_the_drivers_own_cursor():
    # The few statements run per file skip Django's cursor wrapper; their errors must not.
    import_items([story(1)])
    row = Story.objects.values().get()
    del row["id"]
    row["slug"] = "another-slug"  # the guid is still taken

    with pytest.raises(IntegrityError):
        with transaction.atomic(), _rows_cursor() as cursor:
            assert not isinstance(cursor, CursorWrapper)
            _table(Story, cursor.db).insert(cursor, [row])
    assert Story.objects.count() == 1


def test_times_in_any_zone_come_back_as_the_same_moments():
    oslo, kolkata = ZoneInfo("Europe/Oslo"), ZoneInfo("Asia/Kolkata")
    published = datetime(2026, 3, 29, 3, 30, tzinfo=oslo)  # just after the clocks went forward
    updated = datetime(2026, 3, 29, 9, 45, 30, 250000, tzinfo=kolkata)
    import_items([story(1, published_at=published, updated_at=updated, created_at=published)])

    saved = Story.objects.get()
    assert (saved.published_at, saved.updated_at, saved.created_at) == (published, updated, published)
    assert saved.published_at.utcoffset().total_seconds() == 0  # read back in UTC


def test_a_brief_links_to_its_article_by_guid_even_later_in_the_same_file():
    brief = StoryData(guid="test:brief", kind=Story.Kind.BRIEF, headline="Ferry back.", body_html="<p>Ferry back.</p>",
                      link_guid="test:article")

    article = StoryData(guid="test:article", kind=Story.Kind.ARTICLE, headline="The ferry is back", body_html="<p>Back.</p>")

    outcomes = import_items([brief, article])

    assert Story.objects.get(guid="test:brief").link == Story.objects.get(guid="test:article")
    assert [o.action for o in outcomes] == ["created", "created"]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # sessions closed and opened again
def test_on_postgresql_the_inserts_are_prepared_unless_the_database_is_pooled():
    import_items([story(1, people=["Anna Berg"])])
    assert prepared_statements() > 0

    with connection.cursor() as cursor:  # a fresh session, as a pooler would hand out
        cursor.execute("DEALLOCATE ALL")
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True  # DATABASE_POOLED=true
    try:
        import_items([story(2, people=["Anna Berg"])])
        assert prepared_statements() == 0
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
        connection.close()
    assert Story.objects.count() == 2


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="one-statement writes are PostgreSQL's")


def links(pk):
    saved = Story.objects.get(pk=pk)
    return sorted(saved.people.values_list("name", flat=True)), sorted(saved.topics.values_list("name", flat=True))


@on_postgresql
@pytest.mark.django_db(transaction=True)  # as the import command runs: outside any transaction
def test_on_postgresql_a_file_of_new_stories_with_known_tags_is_one_statement_or_two():
    cache = TagCache()
    import_items([story(0, people=["Anna Berg"], topics=["Weather", "Ferries"])], cache=cache)

    with CaptureQueriesContext(connection) as one:
        [outcome] = import_items([story(1, people=["Anna Berg"], topics=["Ferries", "Weather"])], cache=cache)
    with CaptureQueriesContext(connection) as six:
        outcomes = import_items([story(n, people=["anna berg"], topics=["Weather"]) for n in range(2, 8)], cache=cache)

    # One story: one statement, a transaction by itself (no BEGIN, no COMMIT). More: a lookup first.
    assert [q["sql"].split()[0] for q in one.captured_queries] == ["WITH"]
    assert [q["sql"].split()[0] for q in six.captured_queries] == ["SELECT", "WITH"]
    assert outcome.action == "created" and links(outcome.pk) == (["Anna Berg"], ["Ferries", "Weather"])
    assert outcome.story.headline == "Harbour ferry returns 1"
    assert [o.action for o in outcomes] == ["created"] * 6
    assert [links(o.pk) for o in outcomes] == [(["Anna Berg"], ["Weather"])] * 6
    assert Story.objects.count() == 8 and Person.objects.get().stories.count() == 8


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_taken_guid_or_slug_writes_nothing_and_the_file_is_saved_the_usual_way():
    cache = TagCache()
    import_items([story(1, people=["Anna Berg"])], cache=cache)

    [again] = import_items([story(1, people=["Anna Berg"])], cache=cache)
    [changed] = import_items([story(1, people=["Anna Berg"], standfirst="Late again.")], cache=cache)
    [same_headline] = import_items([story(2, headline="Harbour ferry returns 1", people=["Anna Berg"])], cache=cache)

    assert (again.action, changed.action, same_headline.action) == ("unchanged", "updated", "created")
    assert Story.objects.get(guid="test:1").standfirst == "Late again."
    assert same_headline.slug == "harbour-ferry-returns-1-2" and links(same_headline.pk) == (["Anna Berg"], [])
    assert Story.objects.count() == 2 and Story.people.through.objects.count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_slug_taken_between_the_lookup_and_the_write_is_looked_up_again(monkeypatch):
    cache = TagCache()
    import_items([story(0, topics=["Weather"])], cache=cache)
    write_at_once = _FileWriter.write_at_once

    def someone_else_first(writer, **options):  # another newsroom takes the first slug meanwhile
        make_article(headline="Harbour ferry returns 1")
        monkeypatch.setattr(_FileWriter, "write_at_once", write_at_once)
        return write_at_once(writer, **options)

    monkeypatch.setattr(_FileWriter, "write_at_once", someone_else_first)
    outcomes = import_items([story(1, topics=["Weather"]), story(2, topics=["Weather"])], cache=cache)

    assert [(o.action, o.slug) for o in outcomes] == [("created", "harbour-ferry-returns-1-2"), ("created", "harbour-ferry-returns-2")]
    assert [links(o.pk) for o in outcomes] == [([], ["Weather"])] * 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_file_the_database_refuses_in_one_statement_leaves_nothing():
    cache = TagCache()
    import_items([story(0, people=["Anna Berg"], topics=["Weather"])], cache=cache)
    refused = story(3, people=["Anna Berg"], urgency=-1)  # urgency is never below 0

    with pytest.raises(IntegrityError):
        import_items([refused], cache=cache)
    with pytest.raises(IntegrityError):
        import_items([story(1, topics=["Weather"]), story(2, people=["Anna Berg"]), refused], cache=cache)

    assert list(Story.objects.values_list("guid", flat=True)) == ["test:0"]
    assert Story.people.through.objects.count() == Story.topics.through.objects.count() == 1
    [outcome] = import_items([story(1, topics=["Weather"])], cache=cache)
    assert outcome.action == "created" and links(outcome.pk) == ([], ["Weather"])


def wal_autocheckpoint():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the write-ahead log's checkpoints are SQLite's")
@pytest.mark.django_db(transaction=True)  # a run outside any transaction, as the command's
def test_on_sqlite_a_run_checkpoints_less_often_and_puts_the_usual_interval_back(tmp_path):
    usual = wal_autocheckpoint()
    with import_run():
        assert wal_autocheckpoint() == RUN_CHECKPOINT_PAGES
        import_file(write(tmp_path, "page.txt", "Ferry news\nThe ferry is late.\n"))
    assert wal_autocheckpoint() == usual < RUN_CHECKPOINT_PAGES
    assert Story.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the write-ahead log's checkpoints are SQLite's")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_run_leaves_checkpoints_alone_where_someone_else_makes_them():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        with import_run():
            assert wal_autocheckpoint() == 0
        assert wal_autocheckpoint() == 0
    finally:
        connection.close()  # the next connection has SQLite's default again


def test_a_page_of_thousands_of_briefs_is_written_in_statements_the_database_takes(tmp_path):
    river = "".join(f"{n // 60 % 24:02d}:{n % 60:02d}\nBrief number {n} of the long page.\n" for n in range(3000))
    outcomes = import_file(write(tmp_path, "long.txt", f"A long page\nIts body.\nRead next\n{river}"))

    assert len(outcomes) == 3001 and Story.objects.briefs().count() == 3000
