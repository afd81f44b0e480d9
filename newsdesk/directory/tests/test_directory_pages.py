"""What a reader sees on the pages listing all sections, people and topics, and on the site map."""

from datetime import timedelta

import html5lib
import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.hostile import payloads
from newsdesk.hostile.markup import live_markup
from newsdesk.people import services as people
from newsdesk.people.models import Person, Topic
from newsdesk.site.templatetags.dates import when_label
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"


def entries(response):
    """[(name, its link, the text under it)] of the listing, as a reader sees them."""
    assert response.status_code == 200
    document = html5lib.parse(response.content.decode())
    found = []
    for item in document.iter(f"{XHTML}li"):
        if "directory-entry" not in item.get("class", ""):
            continue
        link = item.find(f".//{XHTML}h2/{XHTML}a")
        meta = item.find(f".//{XHTML}p")
        found.append((link.text, link.get("href"), " ".join("".join(meta.itertext()).split())))
    return found


def footer_links(response):
    document = html5lib.parse(response.content.decode())
    footer = next(document.iter(f"{XHTML}footer"))
    return {link.text: link.get("href") for link in footer.iter(f"{XHTML}a")}


def day(moment):
    """As every page shows a moment: the time today, the date and time before."""
    return when_label(moment)


def test_sections_page_shows_each_sections_count_and_latest_story(client):
    world, sport = Section.objects.create(name="World", position=1), Section.objects.create(name="Sport", position=2)
    empty = Section.objects.create(name="Arts", position=3)
    then = timezone.now() - timedelta(days=2)
    make_article(headline="Older world story", section=world, published_at=then - timedelta(days=1))
    latest = make_article(headline="Ferry returns", section=world, published_at=then)
    make_article(headline="Secret draft", section=world, status=Story.Status.DRAFT, published_at=None)
    make_article(headline="Tomorrow's story", section=world, published_at=timezone.now() + timedelta(hours=3))
    make_article(headline="Withdrawn story", section=sport, status=Story.Status.WITHDRAWN, withdrawn_reason="Legal")
    match = make_brief("The home side won.", section=sport)

    assert entries(client.get("/sections/")) == [  # as in the navigation
        ("World", world.get_absolute_url(), f"2 stories · latest: Ferry returns, {day(latest.published_at)}"),
        ("Sport", sport.get_absolute_url(), f"1 story · latest: The home side won., {day(match.published_at)}"),
        ("Arts", empty.get_absolute_url(), "0 stories"),
    ]


def test_people_and_topics_pages_list_those_with_published_stories_by_name(client):
    ada, nora, hidden = Person.named("Ada Lovelace"), Person.named("Nora Lind"), Person.named("Draft Only")
    ferries, secret = Topic.named("Ferries"), Topic.named("Secret plans")
    first = make_article(headline="Ada's engine", people=[ada], topics=[ferries],
                         published_at=timezone.now() - timedelta(hours=3))
    brief = make_brief("Nora Lind sails again.", people=[nora, ada], topics=[ferries])
    make_article(headline="Secret draft", people=[hidden, ada], topics=[secret], status=Story.Status.DRAFT)

    assert entries(client.get("/people/")) == [
        ("Ada Lovelace", ada.get_absolute_url(), f"2 stories · latest: Nora Lind sails again., {day(brief.published_at)}"),
        ("Nora Lind", nora.get_absolute_url(), f"1 story · latest: Nora Lind sails again., {day(brief.published_at)}"),
    ]
    assert entries(client.get("/topics/")) == [
        ("Ferries", ferries.get_absolute_url(), f"2 stories · latest: Nora Lind sails again., {day(brief.published_at)}"),
    ]
    page = client.get("/people/").content.decode()
    assert "Draft Only" not in page and "Secret" not in page
    assert brief.get_absolute_url() in page


def test_a_renamed_person_is_listed_under_the_new_name(client, django_user_model):
    editor = django_user_model.objects.create_user("editor")
    ada = Person.named("Ada Lovelace")
    make_article(people=[ada])

    people.rename(ada, "Ada King", by=editor)

    assert [name for name, _, _ in entries(client.get("/people/"))] == ["Ada King"]


def test_index_pages_ask_the_same_few_queries_however_many_entries(client, django_assert_num_queries, settings):
    settings.SHARED_CACHE_SECONDS = 3600  # the navigation's sections, read once: not counted below
    def make(count, start):
        for n in range(start, start + count):
            make_article(headline=f"Story {n}", slug=f"story-{n}", section=Section.objects.create(name=f"Section {n}"),
                         people=[Person.named(f"Person {n}")], topics=[Topic.named(f"Topic {n}")])

    for count, start in ((2, 0), (30, 100)):
        make(count, start)
        client.get("/site-map/")  # reads the navigation's sections, kept while nothing changes
        # The page's count, its rows with their counts and latest ids, and the latest stories.
        for url in ["/sections/", "/people/", "/topics/"]:
            with django_assert_num_queries(3):
                page = client.get(url)
            assert len(entries(page)) == Person.objects.count()
        with django_assert_num_queries(1):  # the recent months
            client.get("/site-map/")


def test_long_listings_are_split_into_pages_of_fifty(client):
    for n in range(51):
        Person.objects.create(name=f"Person {n:02}", slug=f"person-{n:02}")
    make_article(people=list(Person.objects.all()))

    first, second = entries(client.get("/people/")), entries(client.get("/people/?page=2&per_page=1000"))

    assert len(first) == 50 and [name for name, _, _ in second] == ["Person 50"]
    assert 'href="?page=2"' in client.get("/people/").content.decode()
    for odd in ["3", "0", "-1", "abc", "1e9", "99999999999999999999"]:
        assert client.get(f"/people/?page={odd}").status_code == 404, odd


def test_index_pages_are_purged_when_what_they_show_changes(client):
    ada = Person.named("Ada Lovelace")
    make_article(people=[ada])

    assert {"archive", f"person:{ada.pk}"} <= set(client.get("/people/")["Surrogate-Key"].split())
    assert "archive" in client.get("/sections/")["Surrogate-Key"].split()
    assert "archive" in client.get("/site-map/")["Surrogate-Key"].split()


def test_site_map_lists_sections_index_pages_and_recent_months(client):
    world = Section.objects.create(name="World")
    now = timezone.localtime()
    two_months_ago = (now.replace(day=1) - timedelta(days=40)).replace(day=15)
    make_article(headline="Now", section=world)
    make_article(headline="Then", published_at=two_months_ago)
    make_article(headline="Long ago", published_at=now - timedelta(days=800))
    make_article(headline="Draft", status=Story.Status.DRAFT, published_at=now.replace(year=now.year - 1, day=1))

    page = client.get("/site-map/")
    html = page.content.decode()
    main = html[html.index("<main"):html.index("</main>")]

    assert page.status_code == 200
    for url in ["/", "/sections/", "/people/", "/topics/", "/archive/", world.get_absolute_url(),
                f"/archive/{now.year}/{now.month}/", f"/archive/{two_months_ago.year}/{two_months_ago.month}/"]:
        assert f'href="{url}"' in html, url
    assert main.count('href="/archive/') == 3  # the archive and the two months with published stories


def test_every_page_footer_links_the_directories_not_the_xml(client):
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/people/", "/site-map/", "/no-such-page/"]:
        links = footer_links(client.get(url))
        assert links == {"Sections": "/sections/", "People": "/people/", "Topics": "/topics/",
                         "Archive": "/archive/", "Site map": "/site-map/"}, url


def test_hostile_names_and_headlines_stay_text_on_the_index_pages(client):
    chosen = payloads.sample(payloads.everything(), 40, salt="directory-pages")
    for n, payload in enumerate(chosen):
        name = f"{payload[:180]} {n}"
        make_article(headline=payload[:300], slug=f"hostile-{n}",
                     section=Section.objects.create(name=f"{payload[:90]} {n}", slug=f"section-{n}"),
                     people=[Person.objects.create(name=name, slug=f"person-{n}")],
                     topics=[Topic.objects.create(name=name, slug=f"topic-{n}")])

    for url in ["/sections/", "/sections/?page=2", "/people/", "/topics/", "/site-map/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not live_markup(response.content.decode()), url
    # Each one's name, as text, and leading to its own page (none lost, none added).
    shown = entries(client.get("/people/"))
    people = Person.objects.order_by("name", "pk")
    assert [href for _, href, _ in shown] == [person.get_absolute_url() for person in people]
    plain = [(name, person.name) for (name, _, _), person in zip(shown, people)
             if person.name.isprintable() and person.name == person.name.strip()]
    assert plain and all(name == expected for name, expected in plain)
