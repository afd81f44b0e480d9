"""What a feed reader gets: every feed valid, with each story's full metadata, and only the
stories readers may see."""

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief, make_member
from newsdesk.pagecache.tests.test_page_cache import ask
from newsdesk.people import services as people
from newsdesk.stories import services
from newsdesk.stories.models import Story

from .conftest import NS, parsed, xml_of

pytestmark = pytest.mark.django_db


def feeds_of(newsroom):
    section, person, topic = newsroom["section"], newsroom["person"], newsroom["topic"]
    bases = ["/", "/river/", f"/sections/{section.slug}/", f"/people/{person.slug}/", f"/topics/{topic.slug}/"]
    return [base + ending for base in bases for ending in ("feed/", "feed/atom/", "feed.json")] + ["/rss.xml"]


def urls(feed):
    return [entry.link for entry in feed.entries]


def test_every_feed_is_valid_with_each_required_element(client, newsroom):
    for url in feeds_of(newsroom):
        response = client.get(url)
        if url.endswith(".json"):
            assert response["Content-Type"] == "application/feed+json; charset=utf-8"
            continue
        assert response["Content-Type"] in ("application/rss+xml; charset=utf-8", "application/atom+xml; charset=utf-8")
        feed = parsed(response)
        assert feed.version in ("rss20", "atom10"), url
        assert feed.feed.title and feed.feed.link and feed.feed.updated_parsed, url
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.title and entry.link.startswith("http://testserver/") and entry.id.startswith("tag:testserver,")
            assert entry.published_parsed and entry.updated_parsed and entry.summary and entry.content, url


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_story_comes_with_its_authors_categories_times_picture_and_whole_text(client, newsroom, url):
    lead = newsroom["lead"]
    feed = parsed(client.get(url))
    entry = next(e for e in feed.entries if e.link == f"http://testserver{lead.get_absolute_url()}")
    assert entry.title == "Harbour ferry returns after winter repairs"
    assert entry.summary == "The old ferry is back on its route."
    assert entry.content[0].value == "<p>The ferry is back.</p><p>Its crew is <em>glad</em>.</p>"
    assert [a.name for a in entry.authors] == ["Maren Holt", "Jonas Ekdahl"]
    assert [t.term for t in entry.tags] == ["Harbour", "Nora Lind", "Ferries"]
    assert entry.published_parsed[:5] == lead.published_at.utctimetuple()[:5]
    assert entry.updated_parsed[:5] == lead.updated_at.utctimetuple()[:5]
    [enclosure] = entry.enclosures
    rendition = lead.lead_picture.rendition(1280)
    assert enclosure.href == f"http://testserver/media/{rendition['name']}" and enclosure.type == "image/jpeg"
    picture = client.get(enclosure.href)  # the file a feed reader downloads
    assert int(enclosure.length) == rendition["bytes"] == len(b"".join(picture.streaming_content))


def test_rss_items_carry_the_elements_feed_readers_look_for(client, newsroom):
    channel = xml_of(client.get("/feed/")).find("channel")
    assert channel.find("atom:link[@rel='self']", NS).get("href") == "http://testserver/feed/"
    item = next(i for i in channel.iter("item") if i.findtext("title") == newsroom["lead"].headline)
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("pubDate") and item.findtext("atom:updated", namespaces=NS)
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Maren Holt", "Jonas Ekdahl"]
    assert item.findtext("content:encoded", namespaces=NS).startswith("<p>The ferry is back.</p>")
    enclosure = item.find("enclosure")
    assert enclosure.get("url").endswith(".jpg") and int(enclosure.get("length")) > 0 and enclosure.get("type") == "image/jpeg"


def test_an_item_keeps_its_id_when_its_headline_and_address_change(client, newsroom):
    lead = newsroom["lead"]
    before = {e.link: e.id for e in parsed(client.get("/feed/atom/")).entries}[f"http://testserver{lead.get_absolute_url()}"]
    Story.objects.filter(pk=lead.pk).update(headline="Ferry back in service", slug="ferry-back-in-service")
    after = {e.title: e.id for e in parsed(client.get("/feed/atom/?again")).entries}["Ferry back in service"]
    assert before == after


JSON_FEED_1_1 = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())


def test_the_json_feeds_follow_json_feed_1_1(client, newsroom):
    for url in [u for u in feeds_of(newsroom) if u.endswith(".json")]:
        document = json.loads(client.get(url).content)
        jsonschema.validate(document, JSON_FEED_1_1)
        assert document["feed_url"] == f"http://testserver{url}"

    items = {item["title"]: item for item in json.loads(client.get("/feed.json").content)["items"]}
    lead = items["Harbour ferry returns after winter repairs"]
    assert lead["content_html"] == "<p>The ferry is back.</p><p>Its crew is <em>glad</em>.</p>"
    assert lead["summary"] == "The old ferry is back on its route."
    assert lead["authors"] == [{"name": "Maren Holt"}, {"name": "Jonas Ekdahl"}]
    assert lead["tags"] == ["Harbour", "Nora Lind", "Ferries"]
    assert lead["date_modified"] > lead["date_published"]
    [picture] = lead["attachments"]
    assert picture["mime_type"] == "image/jpeg" and picture["size_in_bytes"] > 0 and lead["image"] == picture["url"]


def test_each_feed_lists_what_its_page_lists(client, newsroom):
    lead, older, brief = (f"http://testserver{newsroom[k].get_absolute_url()}" for k in ("lead", "older", "brief"))
    assert urls(parsed(client.get("/feed/"))) == [brief, lead, older]  # newest first
    assert urls(parsed(client.get("/river/feed/"))) == [brief]  # the briefs only
    assert urls(parsed(client.get(f"/sections/{newsroom['section'].slug}/feed/"))) == [lead]
    assert urls(parsed(client.get(f"/people/{newsroom['person'].slug}/feed/atom/"))) == [brief, lead]
    assert urls(parsed(client.get(f"/topics/{newsroom['topic'].slug}/feed/"))) == [lead]


def test_a_feed_lists_only_the_latest_stories(client, newsroom, settings):
    settings.FEED_ITEMS = 2
    assert len(parsed(client.get("/feed/")).entries) == 2
    assert len(json.loads(client.get("/feed.json").content)["items"]) == 2


def test_drafts_and_stories_whose_time_has_not_come_stay_out(client, newsroom):
    make_article(headline="Draft about the quay", status=Story.Status.DRAFT)
    make_article(headline="Embargoed report", published_at=timezone.now() + timedelta(hours=1))
    titles = [e.title for e in parsed(client.get("/feed/")).entries]
    assert "Draft about the quay" not in titles and "Embargoed report" not in titles


def in_cache(url):
    """Whether the front answers `url` from the page cache, without Django."""
    status, _, _, asked = ask(url)
    return status == 200 and not asked


def test_a_withdrawn_story_leaves_every_feed_at_once(client, newsroom):
    lead, editor = newsroom["lead"], make_member("edna", "Editor")
    feeds = ["/feed/", f"/sections/{newsroom['section'].slug}/feed/atom/", "/feed.json",
             f"/people/{newsroom['person'].slug}/feed/"]
    for url in feeds:
        assert lead.headline.encode() in client.get(url).content
        assert in_cache(url)
    services.withdraw(lead, by=editor, reason="The report was wrong.")
    for url in feeds:
        assert not in_cache(url), f"{url} still cached"
        response = client.get(url)
        assert response.status_code == 200 and lead.headline.encode() not in response.content, url


def test_a_scheduled_story_appears_when_its_time_comes(client, newsroom):
    editor = make_member("edna", "Editor")
    story = services.save(Story(headline="Night ferry timetable", body="<p>Ferries run all night.</p>",
                                section=newsroom["section"]), by=editor, action="create")
    services.publish(story, by=editor, at=timezone.now() + timedelta(minutes=10))
    feeds = ["/feed/", "/sections/harbour/feed/", "/feed.json"]
    for url in feeds:
        assert b"Night ferry timetable" not in client.get(url).content and in_cache(url)
    # Ten minutes on, the scheduler finds the story due.
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert [s.pk for s in services.publish_due()] == [story.pk]
    for url in feeds:
        assert not in_cache(url), f"{url} still cached"
        assert b"Night ferry timetable" in client.get(url).content


def test_a_newly_published_brief_is_in_the_cached_feeds(client, newsroom):
    editor = make_member("edna", "Editor")
    client.get("/river/feed/")
    assert in_cache("/river/feed/")
    services.publish_brief("Storm closes the harbour.", by=editor)
    assert not in_cache("/river/feed/")
    assert "Storm closes the harbour." in [e.title for e in parsed(client.get("/river/feed/")).entries]


def test_feeds_are_cached_like_pages(client, newsroom):
    response = client.get("/feed/")
    assert response["ETag"] and response["Last-Modified"] and "public" in response["Cache-Control"]
    keys = response["Surrogate-Key"].split()
    assert "archive" in keys and f"story:{newsroom['lead'].pk}" in keys
    section = client.get(f"/sections/{newsroom['section'].slug}/feed.json")
    assert f"section:{newsroom['section'].pk}" in section["Surrogate-Key"].split()
    assert client.get("/feed/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_an_unknown_section_person_or_topic_has_no_feed(client, newsroom):
    for url in ["/sections/nowhere/feed/", "/people/nobody/feed/atom/", "/topics/nothing/feed.json"]:
        assert client.get(url).status_code == 404


def test_a_renamed_person_s_old_feed_address_leads_to_the_new_one(client, newsroom):
    editor = make_member("edna", "Editor")
    people.rename(newsroom["person"], "Nora Lind-Berg", by=editor)
    response = client.get("/people/nora-lind/feed/atom/")
    assert response.status_code == 301 and response["Location"] == "/people/nora-lind-berg/feed/atom/"
    assert urls(parsed(client.get(response["Location"])))


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def test_every_page_names_the_site_feeds_and_its_own_in_its_head(client, newsroom):
    def alternates(url):
        from html.parser import HTMLParser

        found = []

        class Links(HTMLParser):
            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                # Feeds only: a story page also names its ninjs document, the site its sitemap.
                if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("type") in FEED_TYPES:
                    found.append((attrs["type"], attrs["href"]))

        page = client.get(url)
        assert page.status_code == 200
        head = page.content.decode().split("</head>")[0]
        Links().feed(head)
        return found

    site = [("application/rss+xml", "/feed/"), ("application/atom+xml", "/feed/atom/"),
            ("application/feed+json", "/feed.json")]

    def own(base):
        return [("application/rss+xml", f"{base}feed/"), ("application/atom+xml", f"{base}feed/atom/"),
                ("application/feed+json", f"{base}feed.json")]

    section, person, topic = newsroom["section"], newsroom["person"], newsroom["topic"]
    assert alternates(newsroom["lead"].get_absolute_url()) == site
    assert alternates("/archive/") == site
    assert alternates("/") == site + own("/river/")
    assert alternates(section.get_absolute_url()) == site + own(section.get_absolute_url())
    assert alternates(person.get_absolute_url()) == site + own(person.get_absolute_url())
    assert alternates(topic.get_absolute_url()) == site + own(topic.get_absolute_url())
    for _, href in alternates(person.get_absolute_url()) + alternates("/"):
        assert client.get(href).status_code == 200


def test_links_to_this_site_in_a_story_work_in_a_feed_reader(client, newsroom):
    make_article(headline="Timetable changes", body='<p>See <a href="/articles/quay-works-begin/">the works</a> and '
                                                    '<a href="https://example.org/map">the map</a>.</p>')
    [item] = [i for i in json.loads(client.get("/feed.json").content)["items"] if i["title"] == "Timetable changes"]
    assert 'href="http://testserver/articles/quay-works-begin/"' in item["content_html"]
    assert 'href="https://example.org/map"' in item["content_html"]


def test_a_feed_takes_two_queries_however_many_stories_it_lists(client, newsroom, django_assert_num_queries):
    for n in range(10):
        make_article(headline=f"Story {n}", section=newsroom["section"], people=[newsroom["person"]])
    with django_assert_num_queries(2):  # the stories with their sections and pictures; their people and topics
        client.get("/feed/")
    with django_assert_num_queries(3):  # and the section
        client.get(f"/sections/{newsroom['section'].slug}/feed.json")
