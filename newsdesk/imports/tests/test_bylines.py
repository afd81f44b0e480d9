"""Imported stories get their byline and source from the file: the names that are known
authors become the story's authors (linked to their pages), the rest stays as text."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from newsdesk.imports.text import credit
from newsdesk.people.models import Person
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(db):
    return Person.objects.create(name="Nora Lind", is_author=True, aliases="N. Lind")


def imported(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text if isinstance(text, str) else json.dumps(text), encoding="utf-8")
    call_command("import", str(path), stdout=open("/dev/null", "w"))
    return path


def ninjs(by, **fields):
    return {"uri": "urn:test:ferry", "type": "text", "version": "1",
            "headlines": [{"role": "main", "value": "Ferry back on its route"}],
            "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>The ferry is back.</p>"}],
            "by": by, **fields}


def test_ninjs_by_gives_known_authors_and_keeps_the_rest_as_the_byline(tmp_path, nora, client):
    imported(tmp_path, "ferry.json", ninjs("By Nora Lind and Ann Guest", copyrightholder="NTB"))

    story = Story.objects.get()
    assert story.authors_in_order() == [nora]
    assert (story.byline, story.source) == ("Ann Guest", "NTB")
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<a href="/people/nora-lind/" rel="author">Nora Lind</a> and Ann Guest' in html
    assert "Source: NTB" in html


def test_an_author_named_by_an_alias_is_found_and_unknown_names_stay_text(tmp_path, nora):
    imported(tmp_path, "ferry.json", ninjs("N. Lind, Per Berg"))

    story = Story.objects.get()
    assert story.authors_in_order() == [nora] and story.byline == "Per Berg"
    assert not Person.objects.filter(name="Per Berg").exists()  # a guest is not made a person


def test_a_byline_of_no_known_author_is_kept_as_it_is(tmp_path, nora):
    imported(tmp_path, "ferry.json", ninjs("By Ann Guest"))

    story = Story.objects.get()
    assert story.authors_in_order() == [] and story.byline == "By Ann Guest"


def test_importing_the_same_file_again_leaves_the_authors_as_they_are(tmp_path, nora):
    path = imported(tmp_path, "ferry.json", ninjs("Nora Lind"))
    before = Story.objects.values_list("pk", "fingerprint", "revision").get()

    call_command("import", str(path), stdout=open("/dev/null", "w"))

    assert Story.objects.values_list("pk", "fingerprint", "revision").get() == before
    assert Story.objects.get().authors_in_order() == [nora]


def test_a_changed_wire_version_changes_the_authors(tmp_path, nora):
    per = Person.objects.create(name="Per Berg", is_author=True)
    imported(tmp_path, "ferry.json", ninjs("Nora Lind"))

    imported(tmp_path, "ferry.json", ninjs("Per Berg and Nora Lind", version="2"))

    assert Story.objects.get().authors_in_order() == [per, nora]


def test_the_text_format_credit_line_gives_byline_and_source(tmp_path, nora, client):
    imported(tmp_path, "page.txt", "Bridge to reopen\nBy Nora Lind and Ann Guest / Reuters\n"
                                   "The bridge reopens on Monday.\nTraffic will be light.\n")

    story = Story.objects.get()
    assert story.authors_in_order() == [nora]
    assert (story.byline, story.source) == ("Ann Guest", "Reuters")
    assert story.body == "<p>The bridge reopens on Monday.</p><p>Traffic will be light.</p>"


def test_a_source_line_closing_the_text_gives_the_source(tmp_path):
    imported(tmp_path, "page.txt", "Bridge to reopen\nThe bridge reopens on Monday.\nSource: Tass\n")

    story = Story.objects.get()
    assert (story.byline, story.source, story.text) == ("", "Tass", "The bridge reopens on Monday.")


@pytest.mark.parametrize("line", [
    "By the end of May, the bridge will be open.",
    "By Monday the bridge reopens",
    "by and large, traffic was light",
])
def test_a_sentence_that_starts_with_by_is_not_a_credit_line(line):
    assert credit(line) is None


def test_credit_lines_read_as_names_and_agencies():
    assert credit("By Nora Lind, Per Berg and Ann von der Leyen") == ("Nora Lind, Per Berg, Ann von der Leyen", "")
    assert credit("By Nora Lind / AFP") == ("Nora Lind", "AFP")
    assert credit("By Reuters") == ("Reuters", "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one-statement writes are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # as the import command runs: outside any transaction
def test_on_postgresql_the_one_statement_write_keeps_the_authors_in_order():
    from django.test.utils import CaptureQueriesContext

    from newsdesk.imports.services import StoryData, TagCache, import_items

    nora = Person.objects.create(name="Nora Lind", is_author=True)
    per = Person.objects.create(name="Per Berg", is_author=True)
    cache = TagCache()

    def one(n, by):
        return StoryData(guid=f"test:{n}", kind=Story.Kind.ARTICLE, headline=f"Ferry {n}", body_html="<p>Back.</p>",
                         byline=by)

    import_items([one(0, "Nora Lind")], cache=cache)  # the run has read its authors and people
    with CaptureQueriesContext(connection) as queries:
        outcomes = import_items([one(1, "Per Berg and Nora Lind"), one(2, "Nora Lind, Ann Guest")], cache=cache)

    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT", "WITH"]
    stories = [Story.objects.get(pk=o.pk) for o in outcomes]
    assert [s.authors_in_order() for s in stories] == [[per, nora], [nora]]
    assert [s.byline for s in stories] == ["", "Ann Guest"]
