"""What a search engine and a social app read on an article's page: NewsArticle and
BreadcrumbList JSON-LD, Open Graph and Twitter tags, and the canonical address."""

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.test import override_settings

from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

from .conftest import card_of, make_picture

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2025, 4, 4, 8, 18, tzinfo=dt_timezone.utc)
UPDATED = PUBLISHED + timedelta(hours=2, minutes=30)


@pytest.fixture
def story(db):
    return make_article(
        headline="Ferry returns to the harbour after winter repairs",
        standfirst="The island route opens again on Monday.",
        body="<p>The ferry is back.</p>",
        byline="By Nora Lind and Per Berg",
        section=Section.objects.create(name="Harbour"),
        people=[Person.named("Nora Lind Jensen")],
        topics=[Topic.named("Ferries"), Topic.named("Islands")],
        published_at=PUBLISHED,
        updated_at=UPDATED,
        lead_picture=make_picture(),
    )


@override_settings(TIME_ZONE="Europe/Oslo")
def test_article_has_a_news_article_with_every_field(client, story):
    url = f"http://testserver{story.get_absolute_url()}"

    article = card_of(client.get(story.get_absolute_url())).one("NewsArticle")

    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Ferry returns to the harbour after winter repairs"
    assert article["description"] == "The island route opens again on Monday."
    # In the site's time zone, with its offset: 08:18 UTC is 10:18 in Oslo in April.
    assert article["datePublished"] == "2025-04-04T10:18:00+02:00"
    assert article["dateModified"] == "2025-04-04T12:48:00+02:00"
    assert article["author"] == [{"@type": "Person", "name": "Nora Lind"}, {"@type": "Person", "name": "Per Berg"}]
    assert article["publisher"]["@type"] == "Organization"
    assert article["publisher"]["name"] == "Newsdesk"
    assert article["publisher"]["logo"] == {"@type": "ImageObject", "url": "http://testserver/static/cards/logo-512.png",
                                            "width": 512, "height": 512}
    [image] = article["image"]
    assert image["url"].startswith("http://testserver/media/pictures/") and image["url"].endswith(".jpg")
    assert (image["width"], image["height"]) == (1280, 768)  # the rendition at least 1200 wide
    assert article["articleSection"] == "Harbour"
    assert article["keywords"] == ["Nora Lind Jensen", "Ferries", "Islands"]
    assert article["isAccessibleForFree"] is True
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert article["url"] == url
    assert article["inLanguage"] == "en"
    assert "sourceOrganization" not in article


def test_the_picture_the_card_names_is_served(client, story):
    article = card_of(client.get(story.get_absolute_url())).one("NewsArticle")

    picture = client.get(article["image"][0]["url"].removeprefix("http://testserver"))

    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"


def test_breadcrumbs_lead_home_then_section_then_article(client, story):
    crumbs = card_of(client.get(story.get_absolute_url())).one("BreadcrumbList")

    assert [(c["position"], c["name"], c["item"]) for c in crumbs["itemListElement"]] == [
        (1, "Newsdesk", "http://testserver/"),
        (2, "Harbour", "http://testserver/sections/harbour/"),
        (3, "Ferry returns to the harbour after winter repairs", f"http://testserver{story.get_absolute_url()}"),
    ]


@override_settings(TIME_ZONE="Europe/Oslo")
def test_open_graph_and_twitter_card_are_complete(client, story):
    url = f"http://testserver{story.get_absolute_url()}"

    card = card_of(client.get(story.get_absolute_url()))

    assert card.og1("og:type") == "article"
    assert card.og1("og:title") == "Ferry returns to the harbour after winter repairs"
    assert card.og1("og:description") == "The island route opens again on Monday."
    assert card.og1("og:url") == url
    assert card.og1("og:site_name") == "Newsdesk"
    assert card.og1("og:image").startswith("http://testserver/media/pictures/")
    assert (card.og1("og:image:width"), card.og1("og:image:height")) == ("1280", "768")
    assert card.og1("og:image:alt") == "The ferry at the quay in the morning fog"
    assert card.og1("article:published_time") == "2025-04-04T10:18:00+02:00"
    assert card.og1("article:modified_time") == "2025-04-04T12:48:00+02:00"
    assert card.og1("article:section") == "Harbour"
    assert card.og["article:tag"] == ["Nora Lind Jensen", "Ferries", "Islands"]
    assert card.meta["twitter:card"] == "summary_large_image"
    assert card.meta["twitter:title"] == card.og1("og:title")
    assert card.meta["twitter:description"] == card.og1("og:description")
    assert card.meta["twitter:image"] == card.og1("og:image")
    assert card.meta["twitter:image:alt"] == "The ferry at the quay in the morning fog"
    assert card.meta["description"] == "The island route opens again on Monday."
    assert card.canonical == [url]


def test_a_story_without_a_picture_shares_the_site_image(client):
    story = make_article(headline="Council meets on Tuesday")

    card = card_of(client.get(story.get_absolute_url()))

    assert card.one("NewsArticle")["image"] == [{"@type": "ImageObject", "url": "http://testserver/static/cards/share.png",
                                                 "width": 1200, "height": 630}]
    assert card.og1("og:image") == "http://testserver/static/cards/share.png"
    assert (card.og1("og:image:width"), card.og1("og:image:height")) == ("1200", "630")
    assert card.meta["twitter:card"] == "summary"
    assert client.get("/static/cards/share.png").status_code == 200
    assert client.get("/static/cards/logo-512.png").status_code == 200


def test_a_wire_story_names_the_agency_as_author_and_source(client):
    story = make_article(source="Reuters", byline="")

    article = card_of(client.get(story.get_absolute_url())).one("NewsArticle")

    assert article["author"] == [{"@type": "Organization", "name": "Reuters"}]
    assert article["sourceOrganization"] == {"@type": "Organization", "name": "Reuters"}


def test_a_reporter_and_an_agency_are_both_authors_and_the_agency_is_no_person(client):
    story = make_article(source="Tass", byline="Anna Petrova, Tass")

    article = card_of(client.get(story.get_absolute_url())).one("NewsArticle")

    assert article["author"] == [{"@type": "Person", "name": "Anna Petrova"}, {"@type": "Organization", "name": "Tass"}]


def test_a_story_with_no_byline_or_source_is_the_sites_own(client):
    article = card_of(client.get(make_article(byline="", source="").get_absolute_url())).one("NewsArticle")

    assert [(a["@type"], a["name"]) for a in article["author"]] == [("Organization", "Newsdesk")]


def test_a_story_never_updated_was_modified_when_published(client):
    story = make_article(published_at=PUBLISHED)

    article = card_of(client.get(story.get_absolute_url())).one("NewsArticle")

    assert article["datePublished"] == article["dateModified"] == "2025-04-04T08:18:00+00:00"


def test_without_a_section_the_breadcrumbs_go_home_then_article(client):
    story = make_article(headline="Council meets on Tuesday")

    card = card_of(client.get(story.get_absolute_url()))

    assert [c["name"] for c in card.one("BreadcrumbList")["itemListElement"]] == ["Newsdesk", "Council meets on Tuesday"]
    assert "articleSection" not in card.one("NewsArticle")
    assert "article:section" not in card.og


def test_a_brief_has_its_card_too(client):
    brief = make_brief("The council approved the new budget.")

    card = card_of(client.get(brief.get_absolute_url()))

    assert card.one("NewsArticle")["headline"] == "The council approved the new budget."
    assert card.canonical == [f"http://testserver{brief.get_absolute_url()}"]


@override_settings(SITE_URL="https://news.example.com")
def test_site_url_makes_every_address_on_the_card(client, story):
    card = card_of(client.get(story.get_absolute_url()))

    url = f"https://news.example.com{story.get_absolute_url()}"
    assert card.canonical == [url] and card.og1("og:url") == url
    article = card.one("NewsArticle")
    assert article["mainEntityOfPage"]["@id"] == url
    assert article["image"][0]["url"].startswith("https://news.example.com/media/pictures/")
    assert article["publisher"]["logo"]["url"] == "https://news.example.com/static/cards/logo-512.png"


@override_settings(SITE_TWITTER="@harbournews")
def test_the_sites_twitter_account_is_named(client, story):
    assert card_of(client.get(story.get_absolute_url())).meta["twitter:site"] == "@harbournews"

