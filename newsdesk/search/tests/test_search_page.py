"""What a reader finds with the search page: ranked stories, highlighted and escaped
snippets, filters, pages, and a helpful page for a query with nothing to search for."""

import datetime
import re

import pytest
from django.utils import timezone

from newsdesk.hostile import payloads
from newsdesk.hostile.markup import live_markup
from newsdesk.people.models import Person, Topic
from newsdesk.search import services as search
from newsdesk.stories.models import Section

pytestmark = pytest.mark.django_db


def headlines(response):
    return re.findall(r'<h2 class="teaser-headline"><a href="[^"]+">(.*?)</a></h2>', response.content.decode())


def plain(html):
    return re.sub(r"</?mark>", "", html)


def test_every_page_has_a_search_form_in_its_header(client, publish):
    story = publish("Lighthouse keeper retires")
    for url in ("/", story.get_absolute_url(), "/archive/"):
        page = client.get(url).content.decode()
        header = page.split("<header", 1)[1].split("</header>", 1)[0]
        assert '<form class="masthead-search" method="get" action="/search/" role="search"' in header
        assert 'name="q"' in header


def test_a_headline_match_comes_before_a_body_match(client, publish):
    publish("Council meets on Tuesday", body="<p>The agenda covers the lighthouse budget and other things.</p>")
    publish("Lighthouse to reopen in spring", body="<p>Work goes on.</p>")
    publish("Nothing about it", body="<p>Unrelated text.</p>")

    response = client.get("/search/", {"q": "lighthouse"})

    assert response.status_code == 200
    assert [plain(h) for h in headlines(response)] == ["Lighthouse to reopen in spring", "Council meets on Tuesday"]
    assert "2 results for “lighthouse”" in response.content.decode()


def test_matches_are_marked_in_headlines_and_snippets_and_the_text_around_them_stays_escaped(client, publish):
    publish("Harbour <b>news</b>", body="<p>Divers found &lt;script&gt;alert(1)&lt;/script&gt; near the harbour wall.</p>")

    page = client.get("/search/", {"q": "harbour"}).content.decode()

    assert "<mark>Harbour</mark> &lt;b&gt;news&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; near the <mark>harbour</mark> wall" in page
    assert live_markup(page) == []


def test_people_topics_and_standfirsts_are_searched_too(client, publish):
    anna = Person.objects.create(name="Anna Berg")
    weather = Topic.objects.create(name="Weather")
    publish("Minister visits school", people=[anna])
    publish("Storm closes roads", topics=[weather])
    publish("Budget passed", standfirst="The parliament agreed on the fisheries deal.")

    assert [plain(h) for h in headlines(client.get("/search/", {"q": "Berg"}))] == ["Minister visits school"]
    assert [plain(h) for h in headlines(client.get("/search/", {"q": "weather"}))] == ["Storm closes roads"]
    assert [plain(h) for h in headlines(client.get("/search/", {"q": "fisheries"}))] == ["Budget passed"]


def test_phrases_and_excluded_words(client, publish):
    publish("City council votes", body="<p>The city council voted.</p>")
    publish("Council of the city", body="<p>A council in the city.</p>")

    assert [plain(h) for h in headlines(client.get("/search/", {"q": '"city council"'}))] == ["City council votes"]
    assert [plain(h) for h in headlines(client.get("/search/", {"q": "council -votes -voted"}))] == ["Council of the city"]


def test_filters_narrow_the_results_by_section_person_topic_and_dates(client, publish):
    sport, news = Section.objects.create(name="Sport"), Section.objects.create(name="News")
    anna, weather = Person.objects.create(name="Anna Berg"), Topic.objects.create(name="Weather")
    now = timezone.now()
    publish("Ferry one", section=sport, people=[anna])
    publish("Ferry two", section=news, topics=[weather])
    old = publish("Ferry three", section=news)
    old.published_at = now - datetime.timedelta(days=40)
    old.save()

    def found(**filters):
        return sorted(plain(h) for h in headlines(client.get("/search/", {"q": "ferry", **filters})))

    assert found() == ["Ferry one", "Ferry three", "Ferry two"]
    assert found(section="sport") == ["Ferry one"]
    assert found(person=anna.slug) == ["Ferry one"]
    assert found(topic=weather.slug) == ["Ferry two"]
    assert found(since=(now - datetime.timedelta(days=1)).date().isoformat()) == ["Ferry one", "Ferry two"]
    assert found(until=(now - datetime.timedelta(days=30)).date().isoformat()) == ["Ferry three"]


def test_bad_filters_are_told_not_failed(client, publish):
    publish("Ferry one")
    for filters, message in (
        ({"section": "nowhere"}, "Select a valid choice"),
        ({"person": "nobody-at-all"}, "No person at"),
        ({"since": "yesterday-ish"}, "Enter a valid date"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "The end date is before the start date"),
    ):
        response = client.get("/search/", {"q": "ferry", **filters})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert headlines(response) == []


def test_results_come_in_pages_and_a_page_past_the_last_is_not_found(client, publish, settings):
    for n in range(search.PAGE_SIZE + 3):
        publish(f"Ferry story {n}")

    first = client.get("/search/", {"q": "ferry"})
    second = client.get("/search/", {"q": "ferry", "page": "2"})

    assert len(headlines(first)) == search.PAGE_SIZE and len(headlines(second)) == 3
    assert not set(headlines(first)) & set(headlines(second))
    assert 'href="?q=ferry&amp;page=2"' in first.content.decode()
    assert client.get("/search/", {"q": "ferry", "page": "3"}).status_code == 404
    assert client.get("/search/", {"q": "ferry", "page": "-1"}).status_code == 404
    assert client.get("/search/", {"q": "ferry", "page": "99999999999999999999999"}).status_code == 404
    assert headlines(client.get("/search/", {"q": "ferry", "page": "two"})) == headlines(first)


def test_an_empty_query_gets_a_page_that_says_how_to_search(client, publish):
    publish("Ferry one")
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "!!! ---"}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        assert "How to search" in response.content.decode()
        assert headlines(response) == []


def test_no_match_says_so(client, publish):
    publish("Ferry one")
    assert "No stories found for “submarine”" in client.get("/search/", {"q": "submarine"}).content.decode()


@pytest.mark.parametrize("payload", payloads.sample(payloads.everything(), 150, salt="search"))
def test_hostile_queries_and_filters_get_a_page_with_nothing_live(client, publish, payload):
    publish(f"Ferry {payload}"[:300], body=f"<p>{payload}</p><p>The ferry {payload} is back.</p>",
            standfirst=payload)
    found = client.get("/search/", {"q": "ferry"})
    assert "1 result for “ferry”" in found.content.decode()  # the story, its headline and snippet shown
    assert live_markup(found.content.decode()) == []
    for params in ({"q": payload}, {"q": "ferry " + payload}, {"q": "ferry", "section": payload, "person": payload,
                                                                "since": payload}):
        response = client.get("/search/", params)
        assert response.status_code == 200, params
        assert live_markup(response.content.decode()) == []


def test_a_cached_results_page_is_purged_when_a_story_is_published_or_withdrawn(client, publish, editor):
    from django.test import Client

    from newsdesk.pagecache.tests.test_page_cache import ask
    from newsdesk.stories import services

    first = publish("Lighthouse keeper retires")
    url = "/search/?q=lighthouse"
    assert Client().get(url).status_code == 200
    assert not ask(url)[3]  # answered from the cache

    publish("Lighthouse to reopen in spring")
    assert ask(url)[3]  # purged: the new story is a result
    assert "to reopen in spring" in Client().get(url).content.decode()

    services.withdraw(first, by=editor, reason="Wrong person named")
    assert ask(url)[3]
    assert "keeper retires" not in Client().get(url).content.decode()


def test_where_the_words_are_ranks_every_match_however_many_newer_ones_come_first(client, publish, monkeypatch):
    from newsdesk.search import sqlite

    # On SQLite the newest candidates are ranked by reading their text and the others by asking
    # the index: with a single one read, the older matches go the second way.
    monkeypatch.setattr(sqlite, "READ_FIRST", 1)
    anna = Person.objects.create(name="Anna Lighthouse")
    publish("Keeper in the headline lighthouse", body="<p>Nothing more.</p>")
    publish("Named person", people=[anna])
    publish("In the standfirst", standfirst="The lighthouse again.")
    publish("Old body match", body="<p>A lighthouse in the text.</p>")
    publish("Body and standfirst", standfirst="A lighthouse.", body="<p>The lighthouse.</p>")
    publish("Newest body match", body="<p>The lighthouse stays.</p>")

    for query in ("lighthouse", "lighthouse -keeper"):
        found = [plain(h) for h in headlines(client.get("/search/", {"q": query}))]
        # The headline first; then the people and the standfirst (in an order each database
        # weighs its own way); then the text alone, newest first.
        if query == "lighthouse":
            assert found[0] == "Keeper in the headline lighthouse"
            found = found[1:]
        assert sorted(found[:3]) == ["Body and standfirst", "In the standfirst", "Named person"]
        assert found[3:] == ["Newest body match", "Old body match"]


def test_a_filter_narrows_the_results_without_reordering_them(client, publish):
    sport = Section.objects.create(name="Sport")
    anna = Person.objects.create(name="Anna Berg")
    long_text = "<p>" + " ".join(["The season opened with a long report on the clubs."] * 30) + "</p>"
    publish("Ferry crews race again", section=sport, people=[anna], body=long_text)
    publish("Rowing club", section=sport, people=[anna], body=long_text[:-4] + " The ferry waited.</p>")
    publish("Elsewhere", body="<p>The ferry.</p>")

    everything = [plain(h) for h in headlines(client.get("/search/", {"q": "ferry"}))]
    assert everything.index("Ferry crews race again") < everything.index("Rowing club")  # the headline first
    in_sport = [h for h in everything if h != "Elsewhere"]
    for filters in ({"section": "sport"}, {"person": anna.slug}):
        assert [plain(h) for h in headlines(client.get("/search/", {"q": "ferry", **filters}))] == in_sport
