"""The XML sitemaps as a search engine reads them: the index, the story, section, person and
topic sitemaps it lists, the Google News sitemap, and robots.txt pointing at them."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.hostile import payloads
from newsdesk.people.models import Person, Topic
from newsdesk.site import sitemaps
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SITEMAP, "news": NEWS}
# W3C Datetime, as the sitemap protocol wants it: a date, or a time to the second with its zone.
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?")
UNPUBLISHED = {
    "draft": {"status": Story.Status.DRAFT},
    "scheduled": {"status": Story.Status.SCHEDULED, "published_at": timezone.now() + timedelta(hours=2)},
    "withdrawn": {"status": Story.Status.WITHDRAWN, "withdrawn_reason": "Legal"},
    "published in the future": {"published_at": timezone.now() + timedelta(hours=2)},
}


def xml(client, url):
    """The sitemap at `url`, parsed: it is XML, served as XML."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml"), url
    return ET.fromstring(response.content)


def entries(root, tag="url"):
    """{loc: lastmod or None} of a urlset's or an index's entries, each checked as the protocol asks."""
    found = {}
    for entry in root.findall(f"sm:{tag}", NS):
        loc, lastmod = entry.findtext("sm:loc", namespaces=NS), entry.findtext("sm:lastmod", namespaces=NS)
        parts = urlsplit(loc)
        assert parts.scheme == "http" and parts.netloc == "testserver", f"not absolute: {loc}"
        assert lastmod is None or W3C_DATETIME.fullmatch(lastmod), f"lastmod {lastmod!r} of {loc}"
        found[loc] = datetime.fromisoformat(lastmod) if lastmod else None
    return found


def absolute(path):
    return f"http://testserver{path}"


def test_robots_txt_names_the_sitemap_index_and_the_news_sitemap(client):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_sitemap_index_lists_each_sitemap_with_its_latest_change(client):
    section, person, topic = Section.objects.create(name="World"), Person.named("Ada Lovelace"), Topic.named("Space")
    published = timezone.now().replace(microsecond=0) - timedelta(days=3)
    make_article(section=section, people=[person], topics=[topic], published_at=published,
                 updated_at=published + timedelta(hours=5))
    make_article(headline="Later, on nothing in particular", published_at=published + timedelta(hours=7))

    root = xml(client, "/sitemap.xml")

    assert root.tag == f"{{{SITEMAP}}}sitemapindex"
    assert entries(root, "sitemap") == {
        absolute("/sitemap-stories.xml"): published + timedelta(hours=7),
        absolute("/sitemap-sections.xml"): published + timedelta(hours=5),  # the update counts
        absolute("/sitemap-people.xml"): published + timedelta(hours=5),
        absolute("/sitemap-topics.xml"): published + timedelta(hours=5),
    }


def test_each_sitemap_lists_what_readers_can_open_with_its_last_change(client):
    world, empty = Section.objects.create(name="World"), Section.objects.create(name="Empty")
    ada, draft_only = Person.named("Ada Lovelace"), Person.named("Draft Person")
    space = Topic.named("Space")
    then = timezone.now().replace(microsecond=0) - timedelta(hours=6)
    article = make_article(section=world, people=[ada], topics=[space], published_at=then)
    brief = make_brief(people=[ada], published_at=then + timedelta(hours=1), updated_at=then + timedelta(hours=2))
    make_article(headline="Secret draft", people=[draft_only], topics=[space], section=world, status=Story.Status.DRAFT)

    assert entries(xml(client, "/sitemap-stories.xml")) == {
        absolute(brief.get_absolute_url()): then + timedelta(hours=2),
        absolute(article.get_absolute_url()): then,
    }
    assert entries(xml(client, "/sitemap-sections.xml")) == {
        absolute(empty.get_absolute_url()): None,  # in the navigation, so listed, with nothing to date it
        absolute(world.get_absolute_url()): then,  # the draft changes nothing
    }
    assert entries(xml(client, "/sitemap-people.xml")) == {absolute(ada.get_absolute_url()): then + timedelta(hours=2)}
    assert entries(xml(client, "/sitemap-topics.xml")) == {absolute(space.get_absolute_url()): then}


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_no_sitemap_lists_an_unpublished_story_or_its_people(client, state):
    person = Person.named("Hidden Person")
    hidden = make_article(headline="Secret story", people=[person], **UNPUBLISHED[state])
    make_article(headline="Visible story")

    urls = {loc for name in sitemaps.SITEMAPS for loc in entries(xml(client, f"/sitemap-{name}.xml"))}
    news = client.get("/sitemap-news.xml").content.decode()

    assert absolute(hidden.get_absolute_url()) not in urls and hidden.get_absolute_url() not in news
    assert absolute(person.get_absolute_url()) not in urls
    assert "Secret" not in news and "Visible story" in news


def test_a_long_sitemap_is_split_into_pages_each_listed_in_the_index(client, monkeypatch):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    stories = [make_article(headline=f"Story {n}", published_at=timezone.now() - timedelta(minutes=n)) for n in range(5)]

    index = entries(xml(client, "/sitemap.xml"), "sitemap")
    pages = [absolute("/sitemap-stories.xml"), absolute("/sitemap-stories.xml?p=2"), absolute("/sitemap-stories.xml?p=3")]

    assert all(page in index for page in pages)
    listed = [loc for page in pages for loc in entries(xml(client, page.removeprefix("http://testserver")))]
    assert listed == [absolute(story.get_absolute_url()) for story in stories]  # newest first, each once
    assert client.get("/sitemap-stories.xml?p=4").status_code == 404
    assert client.get("/sitemap-stories.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemaps_ask_the_same_few_queries_however_many_stories(client, django_assert_num_queries):
    def make(count, start):
        section = Section.objects.create(name=f"Section {start}")
        for n in range(count):
            make_article(headline=f"Story {start + n}", section=section,
                         people=[Person.named(f"Person {start + n}")], topics=[Topic.named(f"Topic {start + n}")])

    make(2, 0)
    # The index: a count and the latest change of each of the four sitemaps.
    with django_assert_num_queries(8):
        client.get("/sitemap.xml")
    make(20, 100)
    with django_assert_num_queries(8):
        client.get("/sitemap.xml")
    for name in sitemaps.SITEMAPS:  # a count, then the page
        with django_assert_num_queries(2):
            client.get(f"/sitemap-{name}.xml")
    with django_assert_num_queries(1):
        client.get("/sitemap-news.xml")


def test_sitemaps_are_purged_with_the_archive_when_stories_change(client):
    for url in ["/sitemap.xml", "/sitemap-stories.xml", "/sitemap-people.xml", "/sitemap-news.xml"]:
        assert {"archive", "river"} <= set(client.get(url)["Surrogate-Key"].split()), url


# Google News -----------------------------------------------------------------------------


def news_items(client):
    root = xml(client, "/sitemap-news.xml")
    assert root.tag == f"{{{SITEMAP}}}urlset"
    entries(root)  # loc and lastmod as the protocol asks
    items = []
    for url in root.findall("sm:url", NS):
        news = url.find("news:news", NS)
        items.append({
            "loc": url.findtext("sm:loc", namespaces=NS),
            "name": news.findtext("news:publication/news:name", namespaces=NS),
            "language": news.findtext("news:publication/news:language", namespaces=NS),
            "date": news.findtext("news:publication_date", namespaces=NS),
            "title": news.findtext("news:title", namespaces=NS),
        })
    return items


def test_news_sitemap_has_the_last_two_days_stories_with_publication_date_and_title(client, settings):
    settings.SITE_NAME = "Harbour Times"
    now = timezone.now().replace(microsecond=0)
    fresh = make_article(headline="Ferry back", published_at=now - timedelta(hours=47))
    german = make_brief("Die Fähre ist zurück.", language="de-AT", published_at=now - timedelta(hours=1))
    chinese = make_article(headline="渡轮回来了", language="zh-Hant", published_at=now - timedelta(hours=2))
    make_article(headline="Old news", published_at=now - timedelta(hours=49))

    items = news_items(client)

    assert [item["loc"] for item in items] == [absolute(s.get_absolute_url()) for s in (german, chinese, fresh)]
    assert [item["language"] for item in items] == ["de", "zh-tw", "en"]
    assert {item["name"] for item in items} == {"Harbour Times"}
    assert [item["title"] for item in items] == ["Die Fähre ist zurück.", "渡轮回来了", "Ferry back"]
    assert W3C_DATETIME.fullmatch(items[2]["date"])
    assert datetime.fromisoformat(items[2]["date"]) == now - timedelta(hours=47)


def test_news_sitemap_lists_at_most_a_thousand_stories(client):
    now = timezone.now()
    Story.objects.bulk_create([
        Story(headline=f"Story {n}", slug=f"story-{n}", status=Story.Status.PUBLISHED,
              published_at=now - timedelta(seconds=n + 1)) for n in range(1001)
    ])

    items = news_items(client)

    assert len(items) == 1000
    assert items[0]["title"] == "Story 0" and items[-1]["title"] == "Story 999"  # the newest thousand


def test_hostile_headlines_stay_text_in_the_news_sitemap(client):
    chosen = payloads.sample(payloads.everything(), 60, salt="news-sitemap")
    chosen += ["</news:title></news:news><script>x</script>", "]]><!--", "&amp; &#x0; \x0b\x01 \ufffe"]
    now = timezone.now()
    for n, payload in enumerate(chosen):
        make_article(headline=payload[:300], slug=f"hostile-{n}", published_at=now - timedelta(seconds=n + 1))

    titles = [item["title"] for item in news_items(client)]  # parsing it at all is half the test

    # As written, less what XML cannot carry at all (most C0 controls, U+FFFE/U+FFFF).
    def carried(text):
        return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", "", text)

    assert titles == [carried(payload[:300]).replace("\r\n", "\n").replace("\r", "\n") for payload in chosen]
