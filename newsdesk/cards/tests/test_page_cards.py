"""The cards of the other reader pages: the home page's WebSite with its search, a person's
profile, topic and section listings, and a canonical address on every reader page."""

import pytest

from newsdesk.conftest import make_article
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

from .conftest import card_of

pytestmark = pytest.mark.django_db


def test_home_page_has_the_website_with_a_search_action_and_the_publisher(client):
    card = card_of(client.get("/"))

    site = card.one("WebSite")
    assert site["name"] == "Newsdesk" and site["url"] == "http://testserver/"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    publisher = card.one("Organization")
    assert publisher["logo"]["url"] == "http://testserver/static/cards/logo-512.png"
    assert card.og1("og:type") == "website"
    assert card.og1("og:title") == "Newsdesk"
    assert card.canonical == ["http://testserver/"]


def test_person_page_is_a_profile_page_about_the_person(client):
    person = Person.objects.create(name="Nora Lind", description="Harbour master of the island port.")
    make_article(people=[person])

    card = card_of(client.get(person.get_absolute_url()))

    url = "http://testserver/people/nora-lind/"
    profile = card.one("ProfilePage")
    assert profile["mainEntity"]["@type"] == "Person"
    assert profile["mainEntity"]["name"] == "Nora Lind"
    assert profile["mainEntity"]["url"] == url
    assert profile["mainEntity"]["description"] == "Harbour master of the island port."
    assert [c["name"] for c in card.one("BreadcrumbList")["itemListElement"]] == ["Newsdesk", "Nora Lind"]
    assert card.og1("og:type") == "profile"
    assert card.og1("og:title") == "Nora Lind"
    assert card.og1("og:description") == "Harbour master of the island port."
    assert card.og1("og:url") == url and card.canonical == [url]
    assert card.og1("og:image") == "http://testserver/static/cards/share.png"


def test_topic_page_is_a_collection_of_its_stories(client):
    topic = Topic.objects.create(name="Ferries")
    make_article(topics=[topic])

    card = card_of(client.get(topic.get_absolute_url()))

    collection = card.one("CollectionPage")
    assert collection["name"] == "Ferries"
    assert collection["url"] == "http://testserver/topics/ferries/"
    assert collection["description"] == "Stories about Ferries from Newsdesk."
    assert not [item for item in card.json_ld if item.get("@type") == "ProfilePage"]
    assert card.og1("og:type") == "website"
    assert card.canonical == ["http://testserver/topics/ferries/"]


def test_section_page_card_and_breadcrumbs(client):
    section = Section.objects.create(name="Harbour")
    make_article(section=section)

    card = card_of(client.get(section.get_absolute_url()))

    assert card.one("CollectionPage")["name"] == "Harbour"
    crumbs = card.one("BreadcrumbList")["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [("Newsdesk", "http://testserver/"),
                                                        ("Harbour", "http://testserver/sections/harbour/")]
    assert card.og1("og:title") == "Harbour"
    assert card.canonical == ["http://testserver/sections/harbour/"]


def test_a_later_page_of_a_listing_is_its_own_canonical_page(client):
    section = Section.objects.create(name="Harbour")
    for n in range(21):
        make_article(headline=f"Harbour story {n}", section=section)

    assert card_of(client.get("/sections/harbour/?page=2")).canonical == ["http://testserver/sections/harbour/?page=2"]
    assert card_of(client.get("/sections/harbour/?page=1")).canonical == ["http://testserver/sections/harbour/"]


def test_every_reader_page_has_one_canonical_address_and_a_card(client):
    section, person, topic = Section.objects.create(name="Harbour"), Person.named("Nora Lind"), Topic.named("Ferries")
    story = make_article(section=section, people=[person], topics=[topic])
    pages = ["/", story.get_absolute_url(), section.get_absolute_url(), person.get_absolute_url(),
             topic.get_absolute_url(), "/archive/", "/account/login/"]

    for path in pages:
        card = card_of(client.get(path))
        assert card.canonical == [f"http://testserver{path}"], path
        assert card.og1("og:url") == card.canonical[0], path
        assert card.og1("og:title") and card.og1("og:image").startswith("http://testserver/"), path
        assert card.meta["twitter:card"] in ("summary", "summary_large_image"), path
        assert card.meta["description"], path


def test_a_missing_page_has_no_canonical_address(client):
    response = client.get("/articles/no-such-story/")

    assert response.status_code == 404
    assert b'rel="canonical"' not in response.content and b"og:url" not in response.content
