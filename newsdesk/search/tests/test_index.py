"""The index follows every publish, change, schedule and withdrawal, in the same
transaction, and every story an import writes; `newsdesk search-reindex` rebuilds it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from newsdesk.conftest import write_story
from newsdesk.imports import reader
from newsdesk.imports.services import StoryData, TagCache, import_items
from newsdesk.search import services as search
from newsdesk.stories import services
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db


def found(text, **filters):
    return [hit.story.headline for hit in search.search(text, search.Filters(**filters)).hits]


def test_a_draft_is_not_found_until_it_is_published(editor):
    story = write_story(editor, headline="Lighthouse keeper retires")
    assert found("lighthouse") == []

    services.publish(story, by=editor)

    assert found("lighthouse") == ["Lighthouse keeper retires"]


def test_a_change_is_found_at_once_and_the_old_text_no_longer(publish, editor):
    story = publish("Lighthouse keeper retires")

    story.headline = "Harbour master retires"
    services.save(story, by=editor)

    assert found("lighthouse") == []
    assert found("harbour") == ["Harbour master retires"]


def test_a_withdrawn_story_disappears_at_once(publish, editor):
    story = publish("Lighthouse keeper retires")

    services.withdraw(story, by=editor, reason="Wrong person named")

    assert found("lighthouse") == []


def test_a_scheduled_story_is_found_from_its_time_on(publish):
    later = timezone.now() + datetime.timedelta(hours=1)
    story = publish("Lighthouse keeper retires", at=later)
    assert story.status == Story.Status.SCHEDULED
    assert found("lighthouse") == []

    services.publish_due(now=later)
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now())  # its time has come

    assert found("lighthouse") == ["Lighthouse keeper retires"]


def test_a_story_published_for_a_time_to_come_is_not_found_before_it(editor):
    story = write_story(editor, headline="Lighthouse keeper retires")
    with transaction.atomic():
        services.publish(story, by=editor)
        Story.objects.filter(pk=story.pk).update(published_at=timezone.now() + datetime.timedelta(hours=2))
    assert found("lighthouse") == []


def test_a_breaking_brief_is_found(editor):
    services.publish_brief("Storm closes the coastal road.", by=editor)
    assert found("storm") == ["Storm closes the coastal road."]


def test_the_index_is_written_in_the_transaction_of_the_change(publish, editor):
    story = publish("Lighthouse keeper retires")
    with pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Harbour master retires"
        services.save(story, by=editor)
        assert found("harbour") == ["Harbour master retires"]
        raise RuntimeError("the editor's save fails after the index was written")

    assert found("harbour") == []
    assert found("lighthouse") == ["Lighthouse keeper retires"]


def story_data(n, **fields):
    fields.setdefault("headline", f"Imported lighthouse story {n}")
    fields.setdefault("body_html", f"<p>Wire text number {n} about the harbour.</p>")
    return StoryData(guid=f"test:{n}", kind=Story.Kind.ARTICLE, **fields)


def test_imported_stories_are_found_and_their_new_wire_versions_too():
    import_items([story_data(1, people=["Anna Berg"]), story_data(2, status=Story.Status.WITHDRAWN)], cache=TagCache())
    assert found("lighthouse") == ["Imported lighthouse story 1"]
    assert found("berg") == ["Imported lighthouse story 1"]

    import_items([story_data(1, headline="Imported ferry story 1")], cache=TagCache())

    assert found("lighthouse") == []
    assert found("ferry") == ["Imported ferry story 1"]


def test_stories_imported_in_batches_are_found():
    files = [(f"{n}.json", [story_data(n)]) for n in range(5)]
    results = list(reader.save_files(files, cache=TagCache()))

    assert len(results) == 5
    assert sorted(found("lighthouse")) == [f"Imported lighthouse story {n}" for n in range(5)]


def test_the_sample_page_imported_from_text_is_found(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Icebreaker frees trapped trawler\nThe icebreaker reached the trawler at dawn.\n"
                    "Read next\n12:05\nThe port reopened.\n", encoding="utf-8")
    call_command("import", str(page), stdout=io.StringIO())
    assert found("icebreaker") == ["Icebreaker frees trapped trawler"]


def test_search_reindex_rebuilds_the_index_from_the_published_stories(publish, editor):
    publish("Lighthouse keeper retires")
    write_story(editor, headline="Lighthouse draft")
    with connection.cursor() as cursor:
        search.backend().clear(cursor)
    assert found("lighthouse") == []

    out = io.StringIO()
    call_command("search-reindex", stdout=out)

    assert "1 published stories" in out.getvalue()
    assert found("lighthouse") == ["Lighthouse keeper retires"]


def test_a_deleted_story_is_not_found(publish):
    story = publish("Lighthouse keeper retires")
    Story.objects.filter(pk=story.pk).delete()
    assert found("lighthouse") == []


def test_a_renamed_or_merged_person_finds_their_stories_by_the_name_they_have_now(publish, editor):
    from newsdesk.people import services as people
    from newsdesk.people.models import Person

    anna, duplicate = Person.objects.create(name="Anna Berg"), Person.objects.create(name="A. Berg")
    publish("Minister visits school", people=[anna])
    publish("Minister opens bridge", people=[duplicate])

    people.rename(anna, "Anna Lind", by=editor)
    people.merge(anna, duplicate, by=editor)

    assert sorted(found("lind")) == ["Minister opens bridge", "Minister visits school"]
    assert found("berg") == []
    assert sorted(found("minister", person=anna)) == ["Minister opens bridge", "Minister visits school"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="each story's language is PostgreSQL's")
def test_on_postgresql_a_story_is_searched_in_its_own_language(publish):
    publish("Fergene går igjen", body="<p>Alle fergene i fjorden går som før.</p>", language="nb")
    publish("Ferries run again", body="<p>The ferries are back.</p>", language="en")

    assert found("ferger") == ["Fergene går igjen"]  # Norwegian: one word, whatever its ending
    assert found("ferry") == ["Ferries run again"]  # English: the same


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one-statement writes are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_stories_imported_by_one_statement_are_found():
    cache = TagCache()
    import_items([story_data(1, people=["Anna Berg"], section="Local")], cache=cache)  # makes the tags
    import_items([story_data(2, people=["Anna Berg"], section="Local", language="nb")], cache=cache)
    import_items([story_data(n, people=["Anna Berg"]) for n in range(3, 6)], cache=cache)

    from newsdesk.people.models import Person
    from newsdesk.stories.models import Section

    assert sorted(found("lighthouse")) == [f"Imported lighthouse story {n}" for n in range(1, 6)]
    assert len(found("berg", person=Person.objects.get())) == 5
    assert sorted(found("harbour", section=Section.objects.get())) == ["Imported lighthouse story 1",
                                                                       "Imported lighthouse story 2"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="blocks of story ids are PostgreSQL's")
@pytest.mark.parametrize("at_once", [0, 1_000_000], ids=["older stories window by window", "older stories at once"])
def test_on_postgresql_the_newest_matches_are_ranked_whatever_block_of_stories_they_are_in(publish, monkeypatch,
                                                                                           at_once):
    from newsdesk.search import postgres

    # Blocks of 2 and 4 ids: a dozen stories make several windows, the newest two ids searched
    # first, then the older ones in the rest of the windows or in one query.
    monkeypatch.setattr(postgres, "BLOCK_LEVELS", (1, 2))
    monkeypatch.setattr(postgres, "FIRST_IDS", 2)
    monkeypatch.setattr(postgres, "AT_ONCE", at_once)
    monkeypatch.setattr(search, "CANDIDATES", 4)
    section = Section.objects.create(name="Coast")
    made = []
    for n in range(12):
        text = "lighthouse" if n % 3 else "harbour"
        made.append(publish(f"Story {n} {text if n == 1 else ''}".strip(), body=f"<p>The {text}.</p>",
                            section=section if n % 2 else None))
    assert len(postgres.windows(made[-1].pk)) > 2

    # The lighthouse is in stories 1, 2, 4, 5, 7, 8, 10, 11: the four newest are ranked, the
    # one with it in its headline among them only when it is one of them (in the section).
    assert found("lighthouse") == ["Story 11", "Story 10", "Story 8", "Story 7"]
    assert found("lighthouse", section=section) == ["Story 1 lighthouse", "Story 11", "Story 7", "Story 5"]
    monkeypatch.setattr(search, "CANDIDATES", 100)
    assert found("lighthouse")[0] == "Story 1 lighthouse"
    assert sorted(found("lighthouse")) == sorted(story.headline for story in made if "harbour" not in story.body)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="blocks of story ids are PostgreSQL's")
def test_on_postgresql_the_windows_searched_hold_every_story_id_once_newest_first():
    from newsdesk.search import postgres

    for top in (0, 1, 4095, 4096, 70_000, 1_000_000, 12_345_678):
        windows = postgres.windows(top)
        assert windows[0][1] == top and windows[-1][0] == 0
        for (low, _, words), (_, older_high, _) in zip(windows, windows[1:]):
            assert older_high == low - 1
        for low, high, words in windows:
            # Each window is the blocks its words name, whole, side by side.
            blocks = sorted((int(word[3:].split("k")[1][:-1]) << int(word[3:].split("k")[0]),
                             1 << int(word[3:].split("k")[0])) for word in words)
            assert blocks[0][0] == low and (blocks[-1][0] + blocks[-1][1] > high)
            assert all(a + size == b for (a, size), (b, _) in zip(blocks, blocks[1:]))
        assert len(windows) < 16
