"""The article page: a fixed number of queries, and what every page shares (the sections menu,
the "Read next" river) kept in the process only while it is still what readers should see."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief, make_member
from newsdesk.people import services as people
from newsdesk.people.models import Person, Topic
from newsdesk.stories import services
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_kept(settings):
    """Shared values kept for an hour: only a recorded change can explain a new one."""
    settings.SHARED_CACHE_SECONDS = 3600


@pytest.fixture
def editor(db):
    return make_member("edna", role="Editor")


def river_of(page):
    html = page.content.decode()
    start = html.index('<section class="river"')
    return html[start:html.index("</section>", start)]


def sample_page():
    """An article like the sample: people, topics, a section, no picture, no comments, and
    a river of five briefs, each labelled with a person."""
    article = make_article(
        headline="Kremlin talks on space cooperation", section=Section.objects.create(name="World"),
        people=[Person.named("Vladimir Putin"), Person.named("Elon Musk")], topics=[Topic.named("Space")],
        published_at=timezone.now() - timedelta(hours=1),
    )
    for n in range(5):
        make_brief(f"Brief number {n}.", people=[Person.named(f"Leader {n}")],
                   published_at=timezone.now() - timedelta(minutes=10 + n))
    return article


def test_article_page_takes_five_queries_first_then_two(client, django_assert_num_queries):
    article = sample_page()

    # the story; its people and topics; the sections menu; the river's stories; their labels
    with django_assert_num_queries(5):
        first = client.get(article.get_absolute_url())
    # the story; its people and topics (the menu and the river are kept)
    with django_assert_num_queries(2):
        again = client.get(article.get_absolute_url())

    for page in (first, again):
        html = page.content.decode()
        assert page.status_code == 200
        assert ">World</a>" in html and ">Elon Musk</a>" in html and ">Space</a>" in html
        assert [f"Brief number {n}." in river_of(page) for n in range(5)] == [True] * 5
        assert '<a class="label" href="/people/leader-0/">Leader 0</a>' in river_of(page)
    assert river_of(first) == river_of(again)


def test_a_story_with_a_correction_shows_it_for_one_query_more(client, editor, django_assert_num_queries):
    article = sample_page()
    services.add_note(article, by=editor, kind="correction", text="An earlier version misnamed the envoy.")
    client.get(article.get_absolute_url())

    with django_assert_num_queries(3):
        html = client.get(article.get_absolute_url()).content.decode()

    assert "<strong>Correction:</strong> An earlier version misnamed the envoy." in html


def test_each_page_leaves_its_own_story_out_of_the_shared_river(client):
    article = sample_page()
    newest = Story.objects.briefs().order_by("-published_at").first()

    article_river = river_of(client.get(article.get_absolute_url()))
    brief_river = river_of(client.get(newest.get_absolute_url()))

    assert f'data-exclude="{article.pk}"' in article_river
    assert f'data-exclude="{newest.pk}"' in brief_river
    assert f'data-story="{newest.pk}"' in article_river and f'data-story="{newest.pk}"' not in brief_river
    # the brief's river reaches one further down instead: the article itself
    assert f'data-story="{article.pk}"' in brief_river


def test_a_published_brief_is_in_the_river_at_once(client, editor, long_kept):
    article = sample_page()
    client.get(article.get_absolute_url())

    services.publish_brief("Breaking: the summit is moved to Geneva.", by=editor)

    assert "the summit is moved to Geneva." in river_of(client.get(article.get_absolute_url()))


def test_a_withdrawn_story_leaves_the_river_at_once(client, editor, long_kept):
    article = sample_page()
    gone = Story.objects.get(headline="Brief number 0.")
    assert "Brief number 0." in river_of(client.get(article.get_absolute_url()))

    services.withdraw(gone, by=editor, reason="It named the wrong city.")

    assert "Brief number 0." not in river_of(client.get(article.get_absolute_url()))


def test_a_renamed_person_shows_by_the_new_name_in_the_river(client, editor, long_kept):
    article = sample_page()
    assert ">Leader 0</a>" in river_of(client.get(article.get_absolute_url()))

    people.rename(Person.objects.get(name="Leader 0"), "Prime Minister Zero", by=editor)

    river = river_of(client.get(article.get_absolute_url()))
    assert ">Prime Minister Zero</a>" in river and ">Leader 0</a>" not in river


def test_a_section_renamed_in_the_admin_shows_in_every_menu_at_once(client, admin_client, long_kept):
    article = sample_page()
    world = Section.objects.get(name="World")
    assert re.search(r'<nav aria-label="Sections">.*>World</a>', client.get(article.get_absolute_url()).content.decode())

    response = admin_client.post(f"/admin/stories/section/{world.pk}/change/",
                                 {"name": "International", "slug": world.slug, "position": 0})
    assert response.status_code == 302

    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<nav aria-label="Sections">.*>International</a>', html)
    assert ">World</a>" not in html


def test_a_section_deleted_in_the_admin_leaves_the_menu_at_once(client, admin_client, long_kept):
    article = sample_page()
    sport = Section.objects.create(name="Sport")
    assert ">Sport</a>" in client.get(article.get_absolute_url()).content.decode()

    admin_client.post(f"/admin/stories/section/{sport.pk}/delete/", {"post": "yes"})

    assert ">Sport</a>" not in client.get(article.get_absolute_url()).content.decode()


def test_a_story_whose_time_comes_joins_the_river_within_the_shared_values_age(client, settings):
    settings.SHARED_CACHE_SECONDS = 0.3
    article = sample_page()
    # A time far enough ahead that the first page is surely read before it, on a busy machine too.
    due = timezone.now() + timedelta(seconds=1.5)
    make_brief("The embargo has lifted.", published_at=due)

    assert "The embargo has lifted." not in river_of(client.get(article.get_absolute_url()))
    # Its time has come and the river read before it is too old: nothing else changed.
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.35)

    assert "The embargo has lifted." in river_of(client.get(article.get_absolute_url()))
