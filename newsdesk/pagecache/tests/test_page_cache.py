"""Anonymous pages are cached, answered before Django runs, and purged exactly when what
they show changes: what a reader and a shared cache in front see."""

import asyncio
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.comments import forms as comment_forms
from newsdesk.comments import services as comments
from newsdesk.conftest import make_article, make_brief, make_member
from newsdesk.live import state
from newsdesk.pagecache import front, store
from newsdesk.people import services as people
from newsdesk.people.models import Person
from newsdesk.stories import services

pytestmark = pytest.mark.django_db
HOST = "testserver"


class Django:
    """Stands in for Django behind the front, counting what reaches it."""

    def __init__(self):
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"rendered by Django"})


def ask(path, *, method="GET", headers=()):
    """(status, headers, body, whether Django was asked) of a request to the front."""
    django = Django()
    app = front.build(django)
    path, _, query = path.partition("?")
    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(),
             "headers": [(b"host", HOST.encode()), *((k.lower().encode(), v.encode()) for k, v in headers)]}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    return (start["status"], {k.decode(): v.decode() for k, v in start["headers"]},
            b"".join(m.get("body", b"") for m in sent[1:]), django.calls > 0)


@pytest.fixture
def page(client):
    """An article with a person and a river of briefs, its page rendered once (and so cached)."""
    putin = Person.objects.create(name="Vladimir Putin")
    make_brief("The ferry is running again.", published_at=timezone.now() - timedelta(minutes=30), people=[putin])
    story = make_article(headline="We can collaborate in space", people=[putin])
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return story, response


def test_an_anonymous_page_tells_shared_caches_what_it_shows(page):
    story, response = page
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=" in control and "stale-while-revalidate=" in control
    assert response["ETag"] and response["Last-Modified"]
    keys = set(response["Surrogate-Key"].split())
    assert {f"story:{story.pk}", f"person:{story.people.get().pk}", "river", "site"} <= keys
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


def test_the_front_answers_a_cached_page_without_django(page):
    story, response = page
    status, headers, body, asked = ask(story.get_absolute_url())
    assert (status, asked) == (200, False)
    assert body == response.content and headers["etag"] == response["ETag"]
    status, _, body, asked = ask(story.get_absolute_url(), method="HEAD")
    assert (status, body, asked) == (200, b"", False)


def test_a_reader_with_the_page_gets_304(page, client):
    story, response = page
    for header, value in (("If-None-Match", response["ETag"]), ("If-Modified-Since", response["Last-Modified"])):
        status, headers, body, asked = ask(story.get_absolute_url(), headers=[(header, value)])
        assert (status, body, asked) == (304, b"", False)
        assert headers["etag"] == response["ETag"]
    assert ask(story.get_absolute_url(), headers=[("If-None-Match", '"other"')])[0] == 200
    # Django answers conditional requests the same way when the page is not cached.
    assert client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_page_rendered_later_keeps_its_etag_though_its_comment_form_is_newer(page, client, monkeypatch):
    story, response = page
    later = time.time() + 5
    monkeypatch.setattr(comment_forms.time, "time", lambda: later)
    again = client.get(story.get_absolute_url())
    assert again.content != response.content  # the form's signed time moved on
    assert again["ETag"] == response["ETag"] and again["ETag"].startswith("W/")  # the same page, not the same bytes
    assert client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_signed_in_readers_and_other_queries_go_to_django(page, client):
    story, _ = page
    assert ask(story.get_absolute_url(), headers=[("Cookie", "sessionid=abc; other=1")])[3]
    assert ask(story.get_absolute_url(), headers=[("Cookie", "messages=xyz")])[3]
    assert ask(story.get_absolute_url() + "?sort=newest")[3]  # another page: not cached yet
    assert not ask(story.get_absolute_url(), headers=[("Cookie", "csrftoken=abc")])[3]

    reader = make_member("reader")
    signed_in = Client()
    signed_in.force_login(reader)
    response = signed_in.get(story.get_absolute_url())
    assert "private" in response["Cache-Control"] and "Surrogate-Key" not in response


def test_a_new_brief_purges_the_pages_that_show_the_river(page):
    story, _ = page
    editor = make_member("editor", "Editor")
    services.publish_brief("Storm warning for the coast tonight.", by=editor)
    assert ask(story.get_absolute_url())[3], "the article page still came from the cache"
    assert b"Storm warning for the coast tonight." in Client().get(story.get_absolute_url()).content


def test_a_correction_purges_its_story_and_not_unrelated_pages(page):
    story, _ = page
    old = make_article(headline="Harbour dues rise", published_at=timezone.now() - timedelta(days=400))
    for _ in range(20):  # enough newer stories that the old one is in no river
        make_brief("Another brief.", published_at=timezone.now() - timedelta(hours=1))
    Client().get(old.get_absolute_url())
    services.add_note(old, by=None, kind="correction", text="The dues rise in May, not June.")
    assert not ask(story.get_absolute_url())[3], "an unrelated page was purged"
    assert ask(old.get_absolute_url())[3]

    services.add_note(story, by=None, kind="correction", text="The agreement was signed on Friday.")
    assert ask(story.get_absolute_url())[3]
    assert b"The agreement was signed on Friday." in Client().get(story.get_absolute_url()).content


def test_withdrawing_a_river_item_removes_it_from_cached_pages(page):
    story, _ = page
    editor = make_member("editor", "Editor")
    brief = services.publish_brief("Bridge closed after an accident.", by=editor)
    Client().get(story.get_absolute_url())
    assert not ask(story.get_absolute_url())[3]
    services.withdraw(brief, by=editor, reason="The report was wrong.")
    assert ask(story.get_absolute_url())[3]
    assert b"Bridge closed after an accident." not in Client().get(story.get_absolute_url()).content
    assert Client().get(brief.get_absolute_url()).status_code == 410


def test_an_approved_comment_and_a_renamed_person_purge_the_page(page):
    story, _ = page
    comment = comments.post(story, text="A fine idea.", name="Guest", email="guest@example.org")
    assert not ask(story.get_absolute_url())[3]  # waiting for a moderator: nothing shown changed
    comments.approve(comment, by=None)
    assert ask(story.get_absolute_url())[3]

    Client().get(story.get_absolute_url())
    people.rename(story.people.get(), "Vladimir V. Putin", by=None)
    assert ask(story.get_absolute_url())[3]
    assert b"Vladimir V. Putin" in Client().get(story.get_absolute_url()).content


def test_a_page_rendered_across_a_change_is_not_kept(page):
    story, response = page
    before = state.generation()
    state.changed(frozenset({"unrelated"}))
    stale = store.Page(url="testserver/stale/", status=200, headers=[], body=b"old", etag='"x"',
                       last_modified=response["Last-Modified"], keys=frozenset({"site"}))
    assert store.store(stale, before) is False
    assert store.memory.get("testserver/stale/") is None
    assert store.store(stale, state.generation()) is True


@pytest.mark.skipif(store.shared is None, reason="the shared page cache needs REDIS_URL")
def test_with_redis_every_process_shares_the_pages_and_the_purges(page):
    story, response = page
    store.memory.clear()  # as in another process: only Redis has the page
    status, _, body, asked = ask(story.get_absolute_url())
    assert (status, body, asked) == (200, response.content, False)
    store.memory.clear()
    services.add_note(story, by=None, kind="update", text="Talks go on next week.")
    assert ask(story.get_absolute_url())[3]
