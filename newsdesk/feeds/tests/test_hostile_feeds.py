"""Hostile text in every field of a story (headline, standfirst, body, by-line, section,
person and topic names) stays text in every feed: the XML parses with no element the text
put there, each field reads back as what was written, and the full text carries the
sanitised body only."""

import json

import pytest
from django.utils.html import escape

from newsdesk.conftest import make_article
from newsdesk.feeds.feeds import authors_of
from newsdesk.feeds.formats import xml_text
from newsdesk.hostile import payloads
from newsdesk.people.models import Person, Topic
from newsdesk.stories import body
from newsdesk.stories.models import Section

from .conftest import NS, parsed, xml_of

pytestmark = pytest.mark.django_db

SAMPLE = 60
RSS_ITEM = {"title", "link", "description", "pubDate", "guid", "category", "enclosure", f"{{{NS['dc']}}}creator",
            f"{{{NS['atom']}}}updated", f"{{{NS['content']}}}encoded"}
ATOM_ENTRY = {f"{{{NS['atom']}}}{name}" for name in
              ("title", "link", "published", "updated", "id", "summary", "category", "author", "content")}


@pytest.fixture
def hostile(db, settings):
    sample = payloads.sample(payloads.everything(), SAMPLE, salt="feeds")
    settings.FEED_ITEMS = SAMPLE
    stories = {}
    for n, payload in enumerate(sample):
        # A few names of each kind carry payloads too (names are unique: the number keeps them so).
        section = Section.objects.create(name=f"{payload[:90]} {n}") if n % 6 == 0 else None
        person = Person.objects.create(name=f"{payload[:190]} {n}")
        topic = Topic.objects.create(name=f"{n} {payload[:190]}")
        story = make_article(headline=payload[:300], standfirst=payload, body=payload, byline=payload[:300],
                             section=section, people=[person], topics=[topic])
        stories[story.pk] = story
    return sample, stories


def test_hostile_text_stays_text_in_rss(client, hostile):
    sample, stories = hostile
    channel = xml_of(client.get("/feed/")).find("channel")
    items = channel.findall("item")
    assert len(items) == len(sample)
    for item in items:
        assert {child.tag for child in item} <= RSS_ITEM, [child.tag for child in item]
        story = stories[int(item.findtext("guid").rsplit(":", 1)[1])]
        assert item.findtext("title") == xml_text(story.headline)
        assert item.findtext("description") == xml_text(escape(story.summary))
        assert (item.findtext("content:encoded", namespaces=NS) or "") == xml_text(body.clean_html(story.body))
        assert [c.text for c in item.findall("dc:creator", NS)] == [xml_text(a) for a in authors_of(story.byline)]
        names = [*([story.section.name] if story.section else []), story.people.get().name, story.topics.get().name]
        assert [c.text for c in item.findall("category")] == [xml_text(n) for n in dict.fromkeys(names)]
    parsed(client.get("/feed/"))


def test_hostile_text_stays_text_in_atom(client, hostile):
    sample, stories = hostile
    entries = xml_of(client.get("/feed/atom/")).findall("atom:entry", NS)
    assert len(entries) == len(sample)
    for entry in entries:
        assert {child.tag for child in entry} <= ATOM_ENTRY, [child.tag for child in entry]
        for author in entry.findall("atom:author", NS):
            assert [child.tag for child in author] == [f"{{{NS['atom']}}}name"]
        story = stories[int(entry.findtext("atom:id", namespaces=NS).rsplit(":", 1)[1])]
        assert entry.findtext("atom:title", namespaces=NS) == xml_text(story.headline)
        assert (entry.findtext("atom:content", namespaces=NS) or "") == xml_text(body.clean_html(story.body))
    parsed(client.get("/feed/atom/"))


def test_hostile_text_stays_text_in_json_feed(client, hostile):
    sample, stories = hostile
    document = json.loads(client.get("/feed.json").content)
    assert len(document["items"]) == len(sample)
    for item in document["items"]:
        story = stories[int(item["id"].rsplit(":", 1)[1])]
        assert item["title"] == story.headline
        assert item["content_html"] == body.clean_html(story.body)
        assert item.get("summary", "") == story.summary


def test_hostile_names_and_slugs_in_feed_addresses_are_not_found_not_errors(client, hostile):
    sample, _ = hostile
    from urllib.parse import quote

    for payload in sample[:20]:
        slug = quote(payload.encode("utf-8", "surrogatepass"), safe="")
        for base in ("sections", "people", "topics"):
            assert client.get(f"/{base}/{slug}/feed/").status_code in (404, 301)
        assert client.get(f"/feed/?page={quote(payload.encode('utf-8', 'surrogatepass'))}").status_code == 200


def test_characters_xml_cannot_carry_are_left_out_not_a_broken_feed(client, db):
    # (No NUL: PostgreSQL refuses it in text.)
    make_article(headline="Ferry\x01 back\x1b[0m on\x0b its route\ufffe", byline="Maren\x07 Holt",
                 body="<p>Back\x0c today.</p>")
    for url in ("/feed/", "/feed/atom/"):
        [entry] = parsed(client.get(url)).entries
        assert entry.title == "Ferry back[0m on its route" and entry.author == "Maren Holt"
        assert entry.content[0].value == "<p>Back today.</p>"
    [item] = json.loads(client.get("/feed.json").content)["items"]
    assert item["title"] == "Ferry\x01 back\x1b[0m on\x0b its route\ufffe"  # JSON carries any character
