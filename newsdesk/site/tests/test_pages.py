from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.conftest import make_article, make_brief
from newsdesk.stories.models import Section

pytestmark = pytest.mark.django_db


def test_home_shows_lead_stories_and_the_river(client):
    make_article(headline="Lead story", standfirst="The lead's standfirst.")
    make_article(headline="Second story", published_at=timezone.now() - timedelta(hours=1))
    make_brief("A brief in the river.")

    html = client.get("/").content.decode()

    assert html.index("Lead story") < html.index("Second story")
    assert "The lead&#x27;s standfirst." in html
    assert "A brief in the river." in html


def test_an_empty_site_says_so(client):
    assert b"No stories yet" in client.get("/").content


def test_section_page_lists_its_stories(client):
    world = Section.objects.create(name="World")
    make_article(headline="World story", section=world)
    make_article(headline="Local story")

    html = client.get("/sections/world/").content.decode()

    assert "World story" in html and "Local story" not in html
    assert 'href="/sections/world/"' in client.get("/").content.decode()


def test_date_archive_lists_a_days_stories(client):
    yesterday = timezone.localtime() - timedelta(days=1)
    make_article(headline="Yesterday's story", published_at=yesterday)
    make_article(headline="Today's story")

    day = client.get(f"/archive/{yesterday:%Y/%m/%d}/")
    year = client.get(f"/archive/{yesterday:%Y}/")

    assert day.status_code == 200
    assert "Yesterday&#x27;s story" in day.content.decode() and "Today" not in day.content.decode()
    assert f'href="/archive/{yesterday:%Y/%m}/"' in year.content.decode()
    assert client.get("/archive/2025/13/").status_code == 404


def test_friendly_404(client):
    page = client.get("/articles/no-such-story/")

    assert page.status_code == 404
    assert b"couldn't find that page" in page.content and b'href="/"' in page.content


def test_friendly_500_page(settings, monkeypatch):
    from newsdesk.site import views

    def broken(request):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "home", broken)
    settings.ROOT_URLCONF = "newsdesk.site.tests.broken_urls"
    page = Client(raise_request_exception=False).get("/")

    assert page.status_code == 500
    assert b"Something went wrong on our side" in page.content and b"database on fire" not in page.content


def test_robots_and_sitemap(client):
    story = make_article()

    assert b"Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content
    assert b"http://testserver/sitemap-stories.xml" in client.get("/sitemap.xml").content
    assert story.get_absolute_url().encode() in client.get("/sitemap-stories.xml").content
