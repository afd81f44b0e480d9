import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief, today_at
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section

pytestmark = pytest.mark.django_db


def text_of(page):
    """The visible text of the page's main content."""
    html = page.content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_article_page_shows_the_story_in_the_order_of_the_sample(client):
    putin = Person.named("Vladimir Putin")
    article = make_article(
        headline="“We can collaborate in this sphere also,” Russian leader says",
        standfirst="A meeting at the Kremlin.",
        body="<p>First paragraph.</p><blockquote><p>A quote.</p></blockquote>",
        source="Tass",
        people=[putin],
        topics=[Topic.named("Space")],
        published_at=today_at(0, 1),
    )
    make_brief("Armenian Prime Minister briefed the president.", published_at=today_at(0, 2))

    page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    text = text_of(page)
    order = ["We can collaborate", "A meeting at the Kremlin.", "First paragraph.", "A quote.", "Vladimir Putin",
             "Space", "Source: Tass", "Read next", "Armenian Prime Minister", "What is your opinion on this topic?",
             "Leave the first comment"]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions), text
    assert "<blockquote><p>A quote.</p></blockquote>" in page.content.decode()


def test_read_next_shows_local_time_today_and_the_date_and_time_before(client):
    article = make_article(published_at=today_at(0, 0))
    make_brief("Brief from this morning.", published_at=today_at(0, 5) if timezone.localtime().hour else today_at(0, 0))
    make_brief("Brief from last week.", published_at=timezone.now() - timedelta(days=8))

    html = client.get(article.get_absolute_url()).content.decode()

    today = re.search(r'<time datetime="[^"]+">(\d\d:\d\d)</time>\s*<a class="river-link"[^>]*>Brief from this morning', html)
    assert today, html
    last_week = timezone.localtime(timezone.now() - timedelta(days=8))
    # The date and the time before today: the same filter shows every date of the site.
    assert re.search(rf">{last_week.day} {last_week:%b}( {last_week.year})?, {last_week:%H:%M}</time>\s*"
                     r'<a class="river-link"[^>]*>Brief from last week', html)


@override_settings(TIME_ZONE="Europe/Moscow")
def test_river_times_are_in_the_newsrooms_time_zone(client):
    article = make_article()
    brief = make_brief("Moscow brief.", published_at=timezone.now() - timedelta(minutes=1))
    expected = timezone.localtime(brief.published_at, timezone=timezone.get_fixed_timezone(180)).strftime("%H:%M")

    html = client.get(article.get_absolute_url()).content.decode()

    assert f">{expected}</time>" in html


def test_read_next_leaves_out_the_story_being_read_and_shows_labels(client):
    putin = Person.named("Vladimir Putin")
    article = make_article(headline="The article itself")
    make_brief("Putin appointed an ambassador.", people=[putin])

    html = client.get(article.get_absolute_url()).content.decode()
    river = html[html.index('id="river-heading"'):]

    assert "The article itself" not in river
    assert f'<a class="label" href="/people/{putin.slug}/">Vladimir Putin</a>' in river


def test_read_next_shows_the_five_latest(client, settings):
    article = make_article()
    for n in range(8):
        make_brief(f"Brief number {n}.", published_at=timezone.now() - timedelta(minutes=10 + n))

    html = client.get(article.get_absolute_url()).content.decode()

    assert [f"Brief number {n}." in html for n in range(8)] == [True] * 5 + [False] * 3


def test_article_page_query_count(client, django_assert_max_num_queries):
    article = make_article(people=[Person.named("Ada Lovelace")])
    for n in range(5):
        make_brief(f"Brief {n}.", people=[Person.named(f"Person {n}")])

    with django_assert_max_num_queries(8):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_a_story_in_another_language_marks_it(client):
    article = make_article(headline="Skandal im Revierderby", language="de")
    make_brief("Ferje innstilt.", language="nb")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.startswith("<!DOCTYPE html>\n<html lang=\"de\">")
    assert re.search(r'<li [^>]*lang="nb">', html)


HOSTILE = "<script>alert(1)</script>"


def test_a_hostile_headline_shows_as_text_everywhere(client):
    section, person, topic = Section.objects.create(name=HOSTILE), Person.named(HOSTILE + " Person"), Topic.named(HOSTILE)
    article = make_article(headline=HOSTILE, standfirst=HOSTILE, byline=HOSTILE, source=HOSTILE, section=section,
                           people=[person], topics=[topic])
    brief = make_brief(HOSTILE.replace("<", "&lt;").replace(">", "&gt;"), headline=HOSTILE, people=[person])
    day = timezone.localtime(article.published_at)

    for url in ["/", article.get_absolute_url(), brief.get_absolute_url(), section.get_absolute_url(),
                person.get_absolute_url(), topic.get_absolute_url(), "/archive/", f"/archive/{day:%Y/%m/%d}/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_body_html_is_never_rendered_unsanitised(client):
    from newsdesk.imports.services import StoryData, save_story

    outcome = save_story(StoryData(
        guid="t:1", kind="article", headline="Sanitised",
        body_html='<p onclick="x()">Hi <a href="javascript:alert(1)">link</a> <img src=x onerror=alert(1)></p><script>bad()</script><h2>Sub</h2>',
    ))
    html = client.get(outcome.story.get_absolute_url()).content.decode()

    assert "onclick" not in html and "javascript:" not in html and "onerror" not in html and "bad()" not in html
    assert "<h2>Sub</h2>" in html and "<p>Hi <a" in html


def test_brief_page_links_to_its_full_article(client):
    article = make_article(headline="Full story here")
    brief = make_brief("Short version.", link=article)

    html = client.get(brief.get_absolute_url()).content.decode()

    assert f'href="{article.get_absolute_url()}"' in html and "Short version." in html
