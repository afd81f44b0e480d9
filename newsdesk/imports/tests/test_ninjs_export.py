"""Published stories as IPTC ninjs 2.1: each document validates against the official schema
(with its uri and date-time formats checked), the reader-facing address serves only what
readers may see, and a story exported and imported again comes back the same."""

import io
import json
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from PIL import Image
from referencing import Registry, Resource

from newsdesk.conftest import make_article, make_brief
from newsdesk.hostile import payloads
from newsdesk.imports.ninjs.export import story_to_ninjs
from newsdesk.imports.reader import import_file
from newsdesk.people.models import Person, Topic
from newsdesk.pictures.services import store_upload
from newsdesk.stories.body import clean_html
from newsdesk.stories.models import Section, Story
from newsdesk.testing import need_shared

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SPEC = SHARED / "ninjs" / "specification"
SEED = SHARED / "seed" / "000_4fb814c294a25f07.txt"
BASE = "https://news.example/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORIGINALS_ROOT = tmp_path / "originals"


# --- the official schema, strictly --------------------------------------------------------------

formats = FormatChecker(formats=())


@formats.checks("uri", raises=ValueError)
def _is_uri(value):
    parts = urlsplit(value)  # an absolute URI: a scheme, and an authority for web addresses
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "tag")) and not any(
        c.isspace() or ord(c) < 32 for c in value)


@formats.checks("date-time", raises=ValueError)
def _is_date_time(value):
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@pytest.fixture(scope="module")
def ninjs_schema():
    """The IPTC ninjs 2.1 schema as published (unknown properties refused), GeoJSON beside it."""
    path = SPEC / "ninjs-schema_2.1.json"
    need_shared(path, "the IPTC ninjs 2.1 schema")
    schema = json.loads(path.read_text(encoding="utf-8"))
    geojson = json.loads((SPEC / "GeoJSON-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource("https://geojson.org/schema/GeoJSON.json",
                                        Resource.from_contents(geojson))
    return Draft202012Validator(schema, registry=registry, format_checker=formats)


def assert_valid(validator, doc):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]


# --- stories to export ----------------------------------------------------------------------------

def picture(**fields):
    image = Image.new("RGB", (2000, 1200), (30, 90, 200))
    out = io.BytesIO()
    image.save(out, "JPEG")
    upload = SimpleUploadedFile("ferry.jpg", out.getvalue(), content_type="image/jpeg")
    return store_upload(upload, **{"alt": "The ferry at the quay in the morning fog", **fields})


def full_story(**fields):
    """An article with everything a story can carry."""
    defaults = dict(
        headline="Harbour ferry returns after winter repairs",
        standfirst="The crossing to the islands runs again from Monday.",
        # As the newsroom saves it: cleaned.
        body=clean_html("<p>The ferry is back.</p><h2>Timetable</h2><p>Every <em>hour</em>, "
                        "<a href=\"https://ferry.example/\">see the times</a>.</p>"
                        "<blockquote>We missed it.</blockquote>"),
        byline="Nora Lind and Ola Berg", source="NTB", urgency=3, language="nb",
        section=Section.objects.create(name="Harbour"),
        people=[Person.objects.create(name="Nora Lind"), Person.objects.create(name="Ola Berg")],
        topics=[Topic.objects.create(name="Ferries"), Topic.objects.create(name="Islands")],
        lead_picture=picture(caption="The ferry back at the quay.", credit="Jane Doe/NTB"),
        updated_at=timezone.now() - timedelta(minutes=1),
    )
    return make_article(**{**defaults, **fields})


def seen(story):
    """What a reader or partner sees of a story, the same whether it was written here or imported."""
    story = Story.objects.select_related("section", "lead_picture").get(pk=story.pk)
    pictures = [{"href": p["href"], "caption": p["caption"], "credit": p["credit"], "alt": p.get("alt", ""),
                 "headline": p["headline"]} for p in story.pictures]
    if story.lead_picture is not None:
        lead = story.lead_picture
        pictures.insert(0, {"href": BASE.rstrip("/") + lead.src(2048), "caption": lead.caption, "credit": lead.credit,
                            "alt": lead.alt, "headline": ""})
    return {
        "kind": story.kind, "status": story.status, "headline": story.headline, "standfirst": story.standfirst,
        "body": story.body, "byline": story.byline, "source": story.source, "urgency": story.urgency,
        "section": story.section.name if story.section else "",
        "people": sorted(p.name for p in story.people.all()), "topics": sorted(t.name for t in story.topics.all()),
        "published_at": story.published_at, "last_updated": story.last_updated, "lang": story.lang,
        "pictures": pictures,
    }


def export(story):
    story = Story.objects.select_related("section", "lead_picture", "link").get(pk=story.pk)
    return story_to_ninjs(story, base_url=BASE)


def round_trip(tmp_path, story, *, elsewhere=True):
    """The story exported to a file and imported again with `newsdesk import`; with `elsewhere`,
    into a site that has none of it (stories, people, topics and sections all gone first)."""
    before, doc = seen(story), export(story)
    path = tmp_path / f"story-{story.pk}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    if elsewhere:
        for model in (Story, Person, Topic, Section):
            model.objects.all().delete()
    out = StringIO()
    call_command("import", str(path), "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["action"] for row in rows] == ["created"]
    return before, seen(Story.objects.get(pk=rows[0]["id"]))


# --- what the document says -------------------------------------------------------------------------

def test_plain_article_is_a_valid_ninjs_2_1_text_item(ninjs_schema):
    story = make_article(headline="Council approves the budget", body="<p>It passed 7 to 4.</p>")
    doc = export(story)

    assert_valid(ninjs_schema, doc)
    assert doc["uri"] == f"https://news.example/stories/{story.pk}.ninjs.json"
    assert doc["type"] == "text" and doc["pubstatus"] == "usable" and doc["standard"]["version"] == "2.1"
    assert doc["headlines"] == [{"role": "main", "contenttype": "text/plain", "value": "Council approves the budget"}]
    assert doc["bodies"][0]["value"] == "<p>It passed 7 to 4.</p>" and doc["bodies"][0]["contenttype"] == "text/html"
    assert datetime.fromisoformat(doc["firstcreated"]) == story.published_at
    assert {"role": "url", "value": f"https://news.example{story.get_absolute_url()}"} in doc["altids"]
    assert doc["language"] == "en"
    assert not {"people", "subjects", "associations", "by", "copyrightholder"} & doc.keys()


def test_full_story_carries_people_topics_section_source_and_picture_renditions(ninjs_schema):
    story = full_story()
    doc = export(story)

    assert_valid(ninjs_schema, doc)
    assert doc["by"] == "Nora Lind and Ola Berg" and doc["copyrightholder"] == "NTB" and doc["urgency"] == 3
    assert doc["descriptions"][0]["value"] == "The crossing to the islands runs again from Monday."
    assert [p["name"] for p in doc["people"]] == ["Nora Lind", "Ola Berg"]
    assert doc["people"][0]["uri"] == "https://news.example/people/nora-lind/"
    assert [(s["name"], s.get("rel")) for s in doc["subjects"]] == [
        ("Harbour", "section"), ("Ferries", None), ("Islands", None)]
    assert doc["language"] == "nb"
    assert datetime.fromisoformat(doc["versioncreated"]) == story.updated_at
    [lead] = doc["associations"]
    assert lead["type"] == "picture" and lead["by"] == "Jane Doe/NTB"
    assert lead["descriptions"] == [
        {"role": "caption", "contenttype": "text/plain", "value": "The ferry back at the quay."},
        {"role": "alt", "contenttype": "text/plain", "value": "The ferry at the quay in the morning fog"}]
    assert [r["width"] for r in lead["renditions"]] == [320, 640, 960, 1280, 1920]
    for rendition in lead["renditions"]:
        assert rendition["href"].startswith("https://news.example/media/pictures/")
        assert rendition["contenttype"] in ("image/jpeg", "image/webp")
        assert rendition["height"] == round(rendition["width"] * 1200 / 2000)


def test_brief_is_a_valid_ninjs_item_with_the_brief_profile(ninjs_schema):
    brief = make_brief("The council approved the new budget.", people=[Person.objects.create(name="Ada Moe")])
    doc = export(brief)

    assert_valid(ninjs_schema, doc)
    assert doc["profile"] == "brief"
    assert doc["bodies"][0]["value"] == "<p>The council approved the new budget.</p>"


# --- round trip ---------------------------------------------------------------------------------------

def test_full_story_comes_back_the_same_after_export_and_import(tmp_path):
    before, after = round_trip(tmp_path, full_story())

    assert after == before
    assert after["pictures"][0]["href"].endswith("-1920.jpg") or after["pictures"][0]["href"].endswith(".webp")


def test_plain_article_and_brief_come_back_the_same(tmp_path):
    article = make_article(headline="Council approves the budget", body="<p>It passed 7 to 4.</p>")
    before, after = round_trip(tmp_path, article, elsewhere=False)
    assert after == before

    brief = make_brief("Storm warning for the coast tonight.", topics=[Topic.objects.create(name="Weather")])
    before, after = round_trip(tmp_path, brief)
    assert after == before and after["kind"] == Story.Kind.BRIEF


def test_brief_comes_back_linked_to_its_article_exported_with_it(tmp_path, ninjs_schema):
    article = make_article(headline="Budget passes after a long night")
    brief = make_brief("The council approved the new budget.", link=article)
    hidden = make_brief("A brief whose article is still a draft.", link=make_article(status=Story.Status.DRAFT))
    docs = [export(article), export(brief)]
    assert_valid(ninjs_schema, docs[1])
    assert docs[1]["associations"] == [{
        "name": "article", "uri": docs[0]["uri"], "type": "text",
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": "Budget passes after a long night"}],
        "altids": [{"role": "url", "value": f"https://news.example{article.get_absolute_url()}"}]}]
    assert "associations" not in export(hidden)

    path = tmp_path / "both.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    Story.objects.all().delete()
    outcomes = import_file(path)
    again_article, again_brief = (Story.objects.get(pk=o.pk) for o in outcomes)
    assert again_brief.is_brief and again_brief.link == again_article


def test_wire_story_with_picture_references_comes_back_the_same(tmp_path, ninjs_schema):
    wire = SHARED / "ninjs" / "examples" / "2.1" / "tt_text_image_2.json"
    need_shared(wire, "the IPTC ninjs example 2.1/tt_text_image_2.json")
    story = import_file(wire)[0].story
    assert story.pictures and story.source == "TT"

    doc = export(story)
    assert_valid(ninjs_schema, doc)
    assert doc["associations"][0]["uri"] == "http://tt.se/media/image/sdlk2sirkPaauM"
    assert {"role": "source", "value": story.guid} in doc["altids"]
    before, after = round_trip(tmp_path, story)
    assert after == before


def test_sample_page_article_and_briefs_export_and_come_back_the_same(tmp_path, ninjs_schema):
    need_shared(SEED, "the sample page")
    call_command("import", str(SEED), "--date", "2025-04-04", stdout=StringIO())
    stories = list(Story.objects.order_by("kind", "published_at"))
    assert [s.kind for s in stories] == ["article"] + ["brief"] * 5

    for story in stories:
        assert_valid(ninjs_schema, export(story))
    article = stories[0]
    doc = export(article)
    assert doc["copyrightholder"] == "Tass" and doc["headlines"][0]["value"] == article.headline
    before, after = round_trip(tmp_path, article)
    assert after == before


def test_hostile_text_in_every_field_stays_data(tmp_path, client, ninjs_schema):
    """Payloads as headline, standfirst, body, byline, source, people, topics, section and
    picture caption: the document is valid, the served JSON holds them as plain strings with
    no markup character a page could take for a tag, and they come back from an import."""
    chosen = [p for p in payloads.sample(payloads.everything(), 12, salt="ninjs-export")
              if "\x00" not in p and p.strip() and not any(0xD800 <= ord(c) <= 0xDFFF for c in p)]
    for n, payload in enumerate(chosen):
        # Runs of spaces are one, as the newsroom's and the importer's forms keep names and bylines.
        payload = " ".join(payload.split())
        short = payload[:80]  # names within their fields' lengths
        story = make_article(
            headline=f"{payload[:250]} {n}", standfirst=payload, body=clean_html(f"<p>{payload}</p>"),
            byline=payload, source=payload,
            section=Section.objects.create(name=f"{short} section {n}"),
            people=[Person.objects.create(name=f"{short} person {n}")],
            topics=[Topic.objects.create(name=f"{short} topic {n}")],
            lead_picture=picture(caption=payload, credit=payload, alt=f"{payload} alt"),
        )
        doc = export(story)
        assert_valid(ninjs_schema, doc)

        response = client.get(f"/stories/{story.pk}.ninjs.json")
        assert response.status_code == 200, payload
        raw = response.content.decode()
        assert "<" not in raw and ">" not in raw, payload
        served = json.loads(raw)
        assert served["headlines"][0]["value"] == story.headline
        assert served["by"] == payload and served["copyrightholder"] == payload
        assert served["people"][0]["name"] == f"{short} person {n}"

        before, after = round_trip(tmp_path, story, elsewhere=True)
        assert after == before, payload


# --- the reader-facing address -------------------------------------------------------------------------

def test_published_story_is_served_as_ninjs_json_tagged_for_the_page_cache(client, ninjs_schema):
    story = full_story()
    response = client.get(f"/stories/{story.pk}.ninjs.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    doc = response.json()
    assert_valid(ninjs_schema, doc)
    assert doc["uri"] == f"http://testserver/stories/{story.pk}.ninjs.json"
    assert doc["associations"][0]["renditions"][0]["href"].startswith("http://testserver/media/pictures/")
    keys = set(response["Surrogate-Key"].split())
    person, topic = story.people.first(), story.topics.first()
    assert {f"story:{story.pk}", f"section:{story.section_id}", f"person:{person.pk}", f"topic:{topic.pk}"} <= keys


@pytest.mark.parametrize("fields", [
    {"status": Story.Status.DRAFT},
    {"status": Story.Status.REVIEW},
    {"status": Story.Status.WITHDRAWN, "withdrawn_reason": "Legal"},
    {"status": Story.Status.SCHEDULED, "published_at": timezone.now() + timedelta(days=1)},
    {"status": Story.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)},  # not yet
])
def test_stories_readers_cannot_see_are_not_there(client, fields):
    story = make_article(**fields)
    response = client.get(f"/stories/{story.pk}.ninjs.json")
    assert response.status_code == 404
    assert story.headline not in response.content.decode()


def test_unknown_story_is_not_there(client):
    assert client.get("/stories/999999.ninjs.json").status_code == 404
    assert client.get("/stories/abc.ninjs.json").status_code == 404


def test_story_pages_point_to_their_ninjs(client):
    """A reader's or a crawler's way in: the article's and the brief's page name their ninjs."""
    article = make_article()
    brief = make_brief("Storm warning for the coast tonight.")
    for story in (article, brief):
        page = client.get(story.get_absolute_url()).content.decode()
        href = f"/stories/{story.pk}.ninjs.json"
        assert f'<link rel="alternate" type="application/json" title="IPTC ninjs" href="{href}">' in page
        assert client.get(f"/stories/{story.pk}.ninjs.json").json()["headlines"][0]["value"] == story.headline
    assert "IPTC ninjs" not in client.get("/").content.decode()


def test_picture_references_edited_by_hand_still_export_valid_and_keep_alt_text(tmp_path, ninjs_schema):
    """References are editable in the admin: what is not text is left out, not sent broken; a
    picture with alt text and no caption comes back with no caption, not its alt text as one."""
    story = make_article(pictures=[
        {"uri": "urn:pictures:1", "href": "https://wire.example/1.jpg", "headline": "", "caption": "",
         "credit": "Wire", "alt": "A ferry in fog"},
        {"uri": "urn:pictures:2", "href": "https://wire.example/2.jpg", "caption": 5, "credit": ["x"]},
        "not a reference",
    ])
    doc = export(story)
    assert_valid(ninjs_schema, doc)
    assert [a["uri"] for a in doc["associations"]] == ["urn:pictures:1", "urn:pictures:2"]

    Story.objects.filter(pk=story.pk).update(pictures=story.pictures[:1])
    before, after = round_trip(tmp_path, story)
    assert after == before
    assert after["pictures"][0]["caption"] == "" and after["pictures"][0]["alt"] == "A ferry in fog"
