"""A reader who is not signed in gets pages any shared cache may keep: no cookie, no
`Vary: Cookie`, forms with an empty CSRF token. Signed-in readers' pages and the
newsroom's are private."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.comments import services as comments
from newsdesk.comments.tests.conftest import make_reader
from newsdesk.conftest import make_article, make_brief
from newsdesk.people.models import Person, Topic
from newsdesk.stories.models import Section, Story

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def vary(response):
    return [v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()]


def cache_control(response):
    return {v.strip() for v in response.get("Cache-Control", "").split(",") if v.strip()}


@pytest.fixture
def newsroom(settings):
    from django.core.cache import cache

    cache.clear()  # rate limits from other tests
    settings.COMMENTS_ON_BRIEFS = True
    world = Section.objects.create(name="World")
    person, topic = Person.objects.create(name="Maja Berg"), Topic.objects.create(name="Ferries")
    article = make_article(section=world, people=[person], topics=[topic])
    comments.post(article, text="A comment everyone sees.", user=make_reader())
    brief = make_brief(section=world)
    gone = make_article(headline="A story taken back", slug="taken-back", status=Story.Status.WITHDRAWN,
                        withdrawn_reason="The source retracted the claim.")
    return {
        "home": "/", "article": article.get_absolute_url(), "brief": brief.get_absolute_url(),
        "section": world.get_absolute_url(), "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(), "archive": "/archive/",
        "archive day": f"/archive/{timezone.localdate():%Y/%m/%d}/",
        "404": "/articles/no-such-story/", "410": gone.get_absolute_url(),
    }


STATUS = {"404": 404, "410": 410}
PAGES = ["home", "article", "brief", "section", "person", "topic", "archive", "archive day", "404", "410"]


@pytest.mark.parametrize("name", PAGES)
def test_guest_pages_set_no_cookie_and_do_not_vary_by_cookie(newsroom, name):
    guest = Client(enforce_csrf_checks=True)

    page = guest.get(newsroom[name])

    assert page.status_code == STATUS.get(name, 200)
    assert not page.cookies, page.cookies
    assert "cookie" not in vary(page)
    assert "private" not in cache_control(page)
    assert set(TOKENS.findall(page.content.decode())) <= {""}


def test_a_guest_article_page_has_every_form_with_an_empty_token(newsroom):
    page = Client(enforce_csrf_checks=True).get(newsroom["article"])

    # The comment form, and the comment's like and report forms.
    assert TOKENS.findall(page.content.decode()) == ["", "", ""]
    assert b"/static/site/csrf.js" in page.content


def test_every_guest_gets_the_same_article_page(newsroom):
    first = Client().get(newsroom["article"]).content.decode()
    second = Client().get(newsroom["article"]).content.decode()

    # Only when it was made may differ (the form's start time and its own key, the page's time).
    def timeless(html):
        return re.sub(r'(name="started" value|name="key" value|data-since)="[^"]*"', "", html)

    assert timeless(first) == timeless(second)


def test_a_signed_in_readers_page_is_private_and_has_a_token(newsroom):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_reader("Bob", "bob@example.org"))

    page = client.get(newsroom["article"])

    assert "cookie" in vary(page)
    assert {"private", "no-cache"} <= cache_control(page)
    tokens = TOKENS.findall(page.content.decode())
    assert len(tokens) == 4 and all(tokens)  # the comment, like and report forms, and Sign out


@pytest.mark.parametrize("path", ["/newsroom/", "/admin/login/", "/moderation/", "/account/login/"])
def test_newsroom_and_account_screens_are_private_even_for_guests(path):
    page = Client().get(path)

    assert {"private", "no-cache"} <= cache_control(page)
    assert "public" not in cache_control(page)


def test_a_views_own_no_store_is_kept():
    token = Client().get("/account/csrf/")

    assert {"no-store", "private"} <= cache_control(token)


def test_a_guest_with_a_message_to_read_gets_a_private_page(newsroom):
    client = Client()
    client.cookies["messages"] = "a message from the last page"

    page = client.get("/")

    assert "private" in cache_control(page)
