import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsdesk.imports.formats import Refused, read_agency_file
from newsdesk.imports.reader import import_file
from newsdesk.imports.services import ImportFailed
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Story
from newsdesk.testing import need_shared

NINJS = Path(__file__).resolve().parents[3].parent / "shared" / "ninjs"
MEDIA_TYPES = {"picture", "graphic", "audio", "video"}

pytestmark = pytest.mark.django_db


def example_files():
    if not NINJS.is_dir():
        return [None]
    return sorted((NINJS / "examples").glob("*/*.json"))


def example(name):
    path = NINJS / "examples" / name
    need_shared(path, "the IPTC ninjs example " + name)
    return path


def write(tmp_path, doc, name="item.json"):
    """A ninjs file: `doc` as given if text, else as indented JSON."""
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def text_item(**fields):
    """A small ninjs 2.x text item, published yesterday."""
    doc = {
        "uri": "urn:test:harbour-ferry",
        "type": "text",
        "version": "1",
        "versioncreated": "2024-03-01T10:00:00Z",
        "language": "en",
        "headlines": [{"role": "main", "value": "Harbour ferry returns after winter repairs"}],
        "bodies": [{"role": "html", "contenttype": "text/html", "value": "<p>The ferry is back.</p><p>Tickets.</p>"}],
    }
    doc.update(fields)
    return doc


def run_import(*args):
    out = StringIO()
    call_command("import", *map(str, args), stdout=out)
    return out.getvalue()


def import_fails(path):
    with pytest.raises(ImportFailed) as failed:
        import_file(path)
    return failed.value


def import_fails_lenient(path):
    with pytest.raises(ImportFailed) as failed:
        import_file(path, lenient=("*",))
    return failed.value


# --- the IPTC examples ------------------------------------------------------------------


@pytest.mark.parametrize("path", example_files(), ids=lambda p: f"{p.parent.name}/{p.name}" if p else "missing")
def test_every_example_imports_text_as_stories_and_skips_media(path, client):
    if path is None:
        need_shared(NINJS / "examples", "the IPTC ninjs examples")
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = data if isinstance(data, list) else [data]

    outcomes = import_file(path)

    assert len(outcomes) == len(docs)
    for doc, outcome in zip(docs, outcomes):
        if doc.get("type") in MEDIA_TYPES:
            assert outcome.action == "skipped"
            assert outcome.kind in {"picture", "audio", "video"}
            assert "not a text story" in outcome.reason
            continue
        assert outcome.action == "created"
        story = outcome.story
        assert story.guid == "ninjs:" + doc["uri"]
        assert story.status == Story.Status.PUBLISHED and story.is_live
        assert story.headline and story.text
        page = client.get(story.get_absolute_url())
        assert page.status_code == 200
        assert story.headline in page.content.decode()
    assert Story.objects.count() == sum(doc.get("type") not in MEDIA_TYPES for doc in docs)


def test_dpa_text_keeps_its_language_credit_and_times(client):
    story = import_file(example("2.1/dpa_text.json"))[0].story

    assert story.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert story.language == "de"
    assert story.source == "dpa"
    assert story.byline == "Von Christian Hollmann, dpa"
    assert story.urgency == 4 and story.version == "2"
    assert story.published_at == datetime(2019, 5, 10, 14, 2, 28, tzinfo=UTC)  # 16:02:28+02:00
    assert story.body.startswith("<p>Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».")
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<html lang="de">' in page


def test_ntb_brief_text_item_is_an_article_made_of_its_description():
    story = import_file(example("2.1/ntb_text.json"))[0].story

    assert story.kind == Story.Kind.ARTICLE
    assert story.text.startswith("IT-giganten Google har kjøpt en tomt")
    assert story.standfirst == ""  # the description is the body, not said twice
    assert story.source == "NTB" and story.language == "nb-NO"
    assert story.published_at == datetime(2019, 8, 9, 9, 30, 4, tzinfo=UTC)  # firstcreated
    assert story.updated_at == datetime(2019, 8, 9, 9, 46, 53, tzinfo=UTC)  # versioncreated
    assert story.last_updated == story.updated_at
    assert {t.name for t in story.topics.all()} >= {"Innenriks", "Teknologi", "Telemark"}


def test_tt_text_keeps_its_picture_as_a_reference_and_not_in_the_body():
    story = import_file(example("2.1/tt_text_image_2.json"))[0].story

    assert story.pictures == [{
        "uri": "http://tt.se/media/image/sdlk2sirkPaauM",
        "href": "https://beta.tt.se/media/text/210526-militarovning-a0f2d045/a001_NormalPreview.jpg",
        "headline": "",
        "caption": "En stor internationell försvarsövning planeras 2023 med fokus på södra Sverige och Gotland. "
        "Arkivbild från militärövningen Aurora 17.",
        "credit": "Karl Melander/TT",
    }]
    assert "Arkivbild" not in story.body and "<img" not in story.body
    assert "Militärövning i jätteformat" not in story.body  # the headline is not repeated as a heading
    assert "<blockquote>Aurora 2023 kommer att genomföras" in story.body
    assert [p.name for p in story.people.all()] == ["Jonas Svensson"]
    assert story.source == "TT" and story.urgency == 3


def test_ninjs_1_x_complex_item_maps_byline_people_places_and_picture():
    story = import_file(example("1.4/ninjsExComplex1.json"))[0].story

    assert story.byline == "Paulo Santalucia and Frances d'Emilio"
    assert [p.name for p in story.people.all()] == ["Francesco Schettino"]
    assert {t.name for t in story.topics.all()} == {"Costa Crociere SpA", "Grossetto", "Tuscany", "Italy"}
    assert story.pictures[0]["headline"] == "Costa Concordia cruise ship"
    assert story.pictures[0]["credit"] == "Paulo Santalucia"
    assert story.body.count("<p>") == 4  # the HTML body, not the one-paragraph text body


def test_picture_audio_and_video_are_reported_as_skipped_by_the_command():
    output = run_import(example("2.1/ap_image.json"), example("2.1/ap_audio.json"), example("2.1/ap_video.json"))

    assert 'skipped' in output and "3 skipped" in output
    assert 'picture item "Turkey Islamic State" is not a text story' in output
    assert Story.objects.count() == 0


# --- mapping, from small documents ---------------------------------------------------------


def test_html_bodies_are_sanitised(tmp_path, client):
    body = (
        '<p onclick="steal()">Safe <b>words</b>.</p><script>alert("x")</script>'
        '<iframe src="https://evil.example"></iframe>'
    )
    path = write(tmp_path, text_item(bodies=[{"contenttype": "text/html", "value": body}]))

    story = import_file(path)[0].story

    assert story.body == "<p>Safe <b>words</b>.</p>"
    page = client.get(story.get_absolute_url()).content.decode()
    assert "steal()" not in page and 'alert("x")' not in page and "evil.example" not in page


def test_plain_text_bodies_become_paragraphs(tmp_path):
    text = "First paragraph, with <angle> brackets.\n\nSecond paragraph."
    path = write(tmp_path, text_item(bodies=[{"contenttype": "text/plain", "value": text}]))

    story = import_file(path)[0].story

    assert story.body == "<p>First paragraph, with &lt;angle&gt; brackets.</p><p>Second paragraph.</p>"


def test_main_headline_summary_and_credit_are_chosen(tmp_path):
    doc = text_item(
        headlines=[{"role": "short", "value": "Ferry back"}, {"role": "main", "value": "Harbour ferry returns"}],
        descriptions=[{"role": "creditline", "value": "AGENCY"}, {"role": "summary", "value": "Repairs took months."}],
        by="Ida Brenner",
        infosources=[{"name": "Harbour Press"}],
    )
    story = import_file(write(tmp_path, doc))[0].story

    assert story.headline == "Harbour ferry returns"
    assert story.standfirst == "Repairs took months."
    assert story.byline == "Ida Brenner" and story.source == "Harbour Press"


@pytest.mark.parametrize("status", ["withheld", "canceled"])
def test_withheld_and_canceled_items_are_never_shown(tmp_path, client, status):
    story = import_file(write(tmp_path, text_item(pubstatus=status)))[0].story

    assert story.status == Story.Status.WITHDRAWN
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_canceled_version_takes_a_published_story_down(tmp_path, client):
    path = write(tmp_path, text_item(pubstatus="usable"))
    story = import_file(path)[0].story
    assert client.get(story.get_absolute_url()).status_code == 200

    write(tmp_path, text_item(pubstatus="canceled", version="2"))
    assert [o.action for o in import_file(path)] == ["updated"]
    assert client.get(story.get_absolute_url()).status_code == 404


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    docs = [text_item(), text_item(uri="urn:test:budget", headlines=[{"value": "Council approves budget"}])]
    path = write(tmp_path, docs)

    assert [o.action for o in import_file(path)] == ["created", "created"]
    assert [o.action for o in import_file(path)] == ["unchanged", "unchanged"]
    assert Story.objects.count() == 2


def test_a_new_version_updates_the_story(tmp_path):
    path = write(tmp_path, text_item(firstcreated="2024-03-01T09:00:00Z"))
    first = import_file(path)[0].story

    write(tmp_path, text_item(
        firstcreated="2024-03-01T09:00:00Z", version="2", versioncreated="2024-03-01T12:30:00+01:00",
        headlines=[{"role": "main", "value": "Harbour ferry returns, with a new timetable"}],
    ))
    outcome = import_file(path)[0]

    assert outcome.action == "updated" and outcome.story.pk == first.pk
    story = Story.objects.get()
    assert story.headline == "Harbour ferry returns, with a new timetable" and story.version == "2"
    assert story.published_at == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert story.updated_at == datetime(2024, 3, 1, 11, 30, tzinfo=UTC)


def test_embargoed_item_is_hidden_until_the_embargo_lifts(tmp_path, client):
    lifts = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    story = import_file(write(tmp_path, text_item(embargoed=lifts.isoformat())))[0].story

    assert story.published_at == lifts
    assert client.get(story.get_absolute_url()).status_code == 404


def test_subjects_and_people_get_pages_that_list_the_story(tmp_path, client):
    doc = text_item(
        subjects=[{"name": "Transport", "uri": "http://cv.example/transport"}, {"literal": "code-only"}],
        people=[{"name": "Ida Brenner", "rel": "about"}],
        places=[{"name": "North Quay"}],
    )
    story = import_file(write(tmp_path, doc))[0].story

    assert [t.name for t in story.topics.all().order_by("pk")] == ["Transport", "North Quay"]
    for page in ("/topics/transport/", "/topics/north-quay/", "/people/ida-brenner/"):
        response = client.get(page)
        assert response.status_code == 200
        assert story.get_absolute_url() in response.content.decode()
    assert Topic.objects.count() == 2 and Person.objects.count() == 1


def test_ninjs_3_camel_case_document(tmp_path, client):
    doc = {
        "standard": {"name": "ninjs", "version": "3.0"},
        "uri": "urn:test:v3",
        "type": "text",
        "versionCreated": "2024-05-02T08:00:00Z",
        "firstCreated": "2024-05-02T07:00:00+02:00",
        "pubStatus": "usable",
        "copyrightHolder": "NTB",
        "urgency": 2,
        "headlines": [{"value": "Storm closes the coastal road"}],
        "bodies": [{"contentType": "text/plain", "value": "The road is closed.\nIt opens tomorrow."}],
        "infoSources": [{"name": "Police"}],
    }
    story = import_file(write(tmp_path, doc))[0].story

    assert story.published_at == datetime(2024, 5, 2, 5, 0, tzinfo=UTC)
    assert story.updated_at == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    assert story.source == "NTB" and story.urgency == 2
    assert story.body == "<p>The road is closed.</p><p>It opens tomorrow.</p>"
    assert client.get(story.get_absolute_url()).status_code == 200


def test_ninjs_1_x_document_with_several_items_in_an_array(tmp_path):
    docs = [
        {"uri": "urn:test:a", "type": "text", "headline": "First", "body_text": "One.", "byline": "A. Writer",
         "subject": [{"name": "Weather"}], "versioncreated": "2024-01-01T10:00:00Z"},
        {"uri": "urn:test:b", "type": "picture", "headline": "A picture", "renditions": {}},
        {"uri": "urn:test:c", "headline": "Third", "body_html": "<p>Three.</p>"},
    ]
    outcomes = import_file(write(tmp_path, docs))

    assert [(o.kind, o.action) for o in outcomes] == [
        ("article", "created"), ("picture", "skipped"), ("article", "created"),
    ]
    first = outcomes[0].story
    assert first.byline == "A. Writer" and first.body == "<p>One.</p>" and first.topics.get().name == "Weather"


def test_agency_extensions_are_refused_naming_the_property_and_its_line(tmp_path):
    doc = text_item(**{"x-agency-desk": {"code": 7}})
    path = write(tmp_path, doc)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"x-agency-desk"' in text)

    failed = import_fails(path)

    assert failed.reason.startswith('field "x-agency-desk": ninjs 2.2 has no such property')
    assert failed.line == line
    assert Story.objects.count() == 0


def test_a_lenient_import_takes_an_agencys_own_properties_with_a_note(tmp_path):
    doc = text_item(copyrightholder="TT", **{"x-agency-desk": {"code": 7}})
    doc["headlines"][0]["x-agency-style"] = "bold"
    path = write(tmp_path, doc)

    [item] = read_agency_file(path, lenient_agencies=["tt"])
    assert item.headline == "Harbour ferry returns after winter repairs"
    assert item.notes == ['does not conform: ninjs 2.2 has no properties "headlines[0].x-agency-style", '
                          '"x-agency-desk"; accepted as the agency\'s own']
    assert isinstance(read_agency_file(path, lenient_agencies=["NTB"])[0], Refused)  # another agency's channel

    assert "1 created" in run_import("--lenient-for", "TT", path)
    assert Story.objects.get().headline == "Harbour ferry returns after winter repairs"


def test_a_lenient_import_still_checks_the_properties_ninjs_defines(tmp_path):
    doc = text_item(**{"x-agency-desk": 7, "urgency": "high"})

    failed = import_fails_lenient(write(tmp_path, doc))

    assert 'field "urgency": expected a number, got "high"' in failed.reason


def test_item_without_any_text_is_skipped(tmp_path):
    doc = {"uri": "urn:test:empty", "type": "text", "headlines": [{"value": "Empty"}]}
    outcome = import_file(write(tmp_path, doc))[0]

    assert (outcome.kind, outcome.action) == ("text", "skipped")
    assert outcome.reason.startswith('text item "Empty" has no text body')


def test_valid_item_without_a_headline_is_skipped_by_the_import_and_read_for_the_desk(tmp_path):
    doc = {"uri": "urn:test:no-headline", "type": "text", "body_text": "Ferries stop at noon."}  # ninjs 1.x
    path = write(tmp_path, doc)

    outcome = import_file(path)[0]

    assert (outcome.kind, outcome.action) == ("text", "skipped")
    assert outcome.reason == "text item has no headline; Newsdesk imports text stories with a headline and a body only"
    assert Story.objects.count() == 0
    [item] = read_agency_file(path)
    assert item.headline == "" and item.clean_body() == "<p>Ferries stop at noon.</p>"
    assert item.guid == "ninjs:urn:test:no-headline" and item.format == "ninjs 1.6"


def test_values_the_schema_allows_but_that_mean_nothing_are_noted_not_refused(tmp_path):
    doc = text_item(urgency=12, versioncreated="Last Tuesday")  # 2.x: urgency is any number, no date format

    [item] = read_agency_file(write(tmp_path, doc))

    assert item.urgency is None and item.updated_at is None
    assert item.notes == ['field "versioncreated": "Last Tuesday" is no date and time; left out',
                          'field "urgency": 12 is not a whole number from 1 to 9; left out']
    assert [o.action for o in import_file(write(tmp_path, doc))] == ["created"]


# --- documents that are not ninjs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('{\n  "uri": "urn:x",\n  "headlines": [\n    {"value": 12}\n  ],\n  "bodies": [{"value": "b"}]\n}',
         4, 'field "headlines[0].value": expected a string, got 12'),
        ('{\n  "uri": "urn:x",\n  "headline": ["Not", "a", "string"],\n  "body_text": "b"\n}',
         3, 'field "headline": expected a string, got ["Not", "a", "string"]'),
        ('{\n  "headlines": [{"value": "No uri"}],\n  "bodies": [{"value": "b"}]\n}',
         1, 'field "uri" is required'),
        ('{\n  "uri": "urn:x",\n  "type": "text",\n  "person": "Francesco Schettino"\n}',
         4, 'field "person": expected a list (JSON array), got "Francesco Schettino" (ninjs 1.6); no ninjs schema accepts it'),
        ('{\n  "uri": "urn:x",\n  "headlines": [{"value": "h"}],\n  "bodies": [],\n  "pubstatus": "gone"\n}',
         5, 'field "pubstatus": expected one of usable, withheld, canceled, got "gone"'),
        ('{\n  "standard": {"version": "3.1"},\n  "uri": "urn:x",\n  "headlines": [{"value": "h"}],\n  "urgency": 12\n}',
         5, 'field "urgency": 12 is greater than the maximum of 9 (ninjs 3.1)'),
        ('{\n  "uri": "urn:x",\n  "headline": "h",\n  "version": 2,\n  "$standard": {"version": "1.3"}\n}',
         4, 'field "version": expected a string, got 2 (ninjs 1.3)'),
        ('{\n  "uri": "urn:x",\n  "headlines": {"value": "h"},\n  "bodies": [{"value": "b"}]\n}',
         3, 'field "headlines": expected a list (JSON array), got {"value": "h"}'),
        ('{\n  "$standard": {"version": "7.0"},\n  "uri": "urn:x"\n}',
         2, 'field "$standard.version": unknown ninjs version "7.0"'),
        ('{\n  "uri": "urn:x",\n  "headline": "h"\n  "body_text": "b"\n}',
         4, "invalid JSON: Expecting ',' delimiter"),
        ('"just a string"', 1, 'expected a ninjs document (a JSON object), got "just a string"'),
        ("[1, 2]", 1, "document 1 of 2: expected a ninjs document (a JSON object), got 1"),
        ("[]", 1, "no ninjs documents"),
    ],
    ids=["wrong-type", "1.x-wrong-type", "no-uri", "person-as-string", "bad-pubstatus", "3.x-urgency", "1.3-version",
         "headlines-not-a-list", "unknown-version", "invalid-json", "not-an-object", "array-of-numbers",
         "empty-array"],
)
def test_invalid_documents_name_the_field_and_line_and_save_nothing(tmp_path, text, line, reason):
    import_file(write(tmp_path, text_item(), "earlier.json"))
    path = write(tmp_path, text)

    failed = import_fails(path)

    assert reason in failed.reason
    assert failed.line == line
    assert str(failed).startswith(f"{path}:{line}: ")
    assert Story.objects.count() == 1


def test_one_bad_document_in_an_array_saves_none_of_them(tmp_path):
    docs = [text_item(uri="urn:test:good"), text_item(uri="urn:test:bad", headlines=[{"role": "main", "value": None}])]
    path = write(tmp_path, docs)
    bad_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if '"value": null' in line)

    failed = import_fails(path)

    assert failed.reason.startswith('document 2 of 2: field "headlines[0].value": expected a string, got null')
    assert failed.line == bad_line
    assert Story.objects.count() == 0


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"uri": "urn:x", "headlines": [{"value": "Smörgåsbord"}]}'.encode("latin-1"))

    failed = import_fails(path)

    assert "not UTF-8" in failed.reason and failed.line == 1
    assert Story.objects.count() == 0


# --- the command -----------------------------------------------------------------------------


def test_command_prints_one_json_object_per_item(tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()
    write(folder, text_item(), "story.json")
    write(folder, {"uri": "urn:test:photo", "type": "picture", "headlines": [{"value": "Quay at dawn"}]}, "photo.json")

    rows = [json.loads(line) for line in run_import(folder, "--json").splitlines()]

    story = Story.objects.get()
    assert rows == [
        {"kind": "picture", "id": None, "url": None, "action": "skipped",
         "reason": 'picture item "Quay at dawn" is not a text story; Newsdesk imports text stories only'},
        {"kind": "article", "id": story.pk, "url": story.get_absolute_url(), "action": "created"},
    ]
    again = [json.loads(line) for line in run_import(folder / "story.json", "--json").splitlines()]
    assert again == [{"kind": "article", "id": story.pk, "url": story.get_absolute_url(), "action": "unchanged"}]


def test_command_reports_a_broken_file_and_fails(tmp_path):
    path = write(tmp_path, '{"uri": "urn:x", "headlines": [{"value": 12}], "bodies": []}')

    with pytest.raises(CommandError, match="1 of 1 files failed"):
        run_import(path)
    assert Story.objects.count() == 0
